"""A refusal from the services, in words for the player who was refused."""

from __future__ import annotations

from db.refusals import Refusal, Why

_SAID = {
    Why.MATCH_NOT_FOUND: "That match does not exist.",
    Why.MATCH_NOT_YOURS: "This match is not yours; its buttons belong to its two players.",
    Why.NOT_YOUR_MATCH_TO_REQUEUE: "That match is not yours.",
    Why.UNKNOWN_RESULT: "That is not a result this ladder knows.",
    Why.ALREADY_CONFIRMED: "You have already confirmed this match.",
    Why.ALREADY_REPORTED: "You have already reported a {report}.",
    Why.CONFIRM_TIME_OVER: "The time to confirm this match has run out.",
    Why.REPORT_TIME_OVER: "The time to report this match has run out.",
    Why.NO_REQUEUE_OFFERED: "This match does not put you back in the queue. Use /queue to join it.",
    Why.BANNED: "You are banned from this ladder.",
    Why.NOTHING_TO_REQUEUE: "Use /queue to join the queue.",
    Why.QUEUED_SINCE: "You have queued again since this match. Use /queue to see where you are.",
    Why.NOT_A_PLAYER: "That is not a player this ladder knows.",
    Why.NO_RACE_CHOSEN: "Pick a race before you join.",
    Why.UNKNOWN_RACE: "{race!r} is not a race of this ladder.",
    Why.TWO_RACES_ON_A_SIDE: "Pick one {side} race, not {count}.",
    Why.ONE_RACE_ONLY: "Pick one race: this ladder has no sides.",
    Why.UNKNOWN_MAP: "{map!r} is not in this ladder's map pool.",
    Why.TOO_MANY_VETOES: "You can veto at most {most} maps; you chose {chosen}.",
    Why.ALREADY_QUEUED: "You are already in the queue.",
    Why.NEEDS_SETUP: "Before your first game, tell the ladder your name and region with /setup.",
    Why.ON_COOLDOWN: "You called off or missed a match recently, so you can queue again <t:{until}:R>.",
    Why.IN_UNFINISHED_MATCH: "You are still in match #{match_id}. Finish it before you queue again.",
    Why.NAME_WITHOUT_LETTERS: "Your name needs at least one letter or digit.",
    Why.UNKNOWN_REGION: "That is not a region of this ladder. Pick one of: {regions}.",
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
    if refusal.why is Why.BANNED_FROM_QUEUE:
        reason = refusal.params.get("reason")
        return "You are banned from this ladder." + (f" Reason: {reason}" if reason else "")
    if refusal.why is Why.MATCH_MOVED_ON:
        return _MATCH_NOW.get(str(refusal.params.get("state")), "This match cannot take that any more.")
    return _SAID[refusal.why].format_map(dict(refusal.params))
