"""A refusal from the services, in words for the player who was refused."""

from __future__ import annotations

from db.refusals import Refusal, Why

_SAID = {
    Why.MATCH_NOT_FOUND: "That match does not exist.",
    Why.MATCH_NOT_YOURS: "This match is not yours; its buttons belong to its two players.",
    Why.UNKNOWN_RESULT: "That is not a result this ladder knows.",
    Why.ALREADY_CONFIRMED: "You have already confirmed this match.",
    Why.ALREADY_REPORTED: "You have already reported a {report}.",
    Why.CONFIRM_TIME_OVER: "The time to confirm this match has run out.",
    Why.REPORT_TIME_OVER: "The time to report this match has run out.",
    Why.NO_REQUEUE_OFFERED: "This match does not put you back in the queue. Use /queue to join it.",
    Why.BANNED: "You are banned from this ladder.",
    Why.NOTHING_TO_REQUEUE: "Use /queue to join the queue.",
    Why.QUEUED_SINCE: "You have queued again since this match. Use /queue to see where you are.",
}
_MATCH_NOW = {
    "awaiting_confirmation": "This match is still waiting for both players to confirm.",
    "confirmed": "This match is confirmed; report its result with the buttons.",
    "aborted": "This match was called off.",
    "completed": "This match is over and its result is recorded.",
    "disputed": "The reports of this match disagree; an admin will settle it.",
    "invalidated": "An admin has invalidated this match.",
}


def refusal_text(refusal: Refusal) -> str:
    if refusal.why is Why.MATCH_MOVED_ON:
        return _MATCH_NOW.get(str(refusal.params.get("state")), "This match cannot take that any more.")
    return _SAID[refusal.why].format_map(dict(refusal.params))
