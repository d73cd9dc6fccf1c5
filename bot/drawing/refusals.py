"""A refusal from the services, in words for the player who was refused."""

from __future__ import annotations

from collections.abc import Callable

from bot.drawing.player_setup import field_name
from bot.drawing.renderings import report_name
from bot.words import Words
from db.refusals import Refusal, Why

# The refusals that say the same whatever happened; those with parameters are worded in `_said`.
_PLAIN: dict[Why, Callable[[Words], str]] = {
    Why.MATCH_NOT_FOUND: lambda w: w._("That match does not exist."),
    Why.MATCH_NOT_YOURS: lambda w: w._("This match is not yours; its buttons belong to its two players."),
    Why.NOT_YOUR_MATCH_TO_REQUEUE: lambda w: w._("That match is not yours."),
    Why.UNKNOWN_RESULT: lambda w: w._("That is not a result this ladder knows."),
    Why.ALREADY_CONFIRMED: lambda w: w._("You have already confirmed this match."),
    Why.CONFIRM_TIME_OVER: lambda w: w._("The time to confirm this match has run out."),
    Why.REPORT_TIME_OVER: lambda w: w._("The time to report this match has run out."),
    Why.NO_REQUEUE_OFFERED: lambda w: w._("This match does not put you back in the queue. Use /queue to join it."),
    Why.BANNED: lambda w: w._("You are banned from this ladder."),
    Why.NOTHING_TO_REQUEUE: lambda w: w._("Use /queue to join the queue."),
    Why.QUEUED_SINCE: lambda w: w._("You have queued again since this match. Use /queue to see where you are."),
    Why.NOT_A_PLAYER: lambda w: w._("That is not a player this ladder knows."),
    Why.NO_RACE_CHOSEN: lambda w: w._("Pick a race before you join."),
    Why.ONE_RACE_ONLY: lambda w: w._("Pick one race: this ladder has no sides."),
    Why.ALREADY_QUEUED: lambda w: w._("You are already in the queue."),
    Why.NEEDS_SETUP: lambda w: w._("Before your first game, tell the ladder your name and region with /setup."),
    Why.NAME_WITHOUT_LETTERS: lambda w: w._("Your name needs at least one letter or digit."),
    Why.NAME_EMPTY: lambda w: w._("This name is empty."),
    Why.NAME_HIDDEN_CHARACTERS: lambda w: w._(
        "This name has invisible or control characters; type it again without them."
    ),
    Why.NAME_MIXED_SCRIPTS: lambda w: w._("This name mixes letters of different alphabets; write it in one."),
    Why.LADDER_NAME_TAKEN: lambda w: w._(
        "Another player has this ladder name, or one that looks the same. Pick another."
    ),
    Why.BATTLETAG_FORM: lambda w: w._("A BattleTag is a name, “#” and its number, like Name#1234."),
    Why.NOTHING_TO_CONFIRM: lambda w: w._("There is no setup in progress to save. Use /setup to start one."),
    Why.REPLAY_NO_MATCH: lambda w: w._("You have no match to upload a replay for."),
    Why.REPLAY_EMPTY: lambda w: w._("That file is empty."),
    Why.REPLAY_DOWNLOAD_FAILED: lambda w: w._("The file could not be fetched from Discord. Try again in a moment."),
    Why.REPLAY_NOT_YOUR_MATCH: lambda w: w._("That match is not yours."),
    Why.REPLAY_USED_ELSEWHERE: lambda w: w._("This replay was already uploaded for another match."),
    Why.REPLAY_REQUIRED: lambda w: w._("This ladder takes results from replays: upload yours with /replay."),
}


def _said(words: Words, refusal: Refusal) -> str:
    w, p = refusal.why, dict(refusal.params)
    if w in _PLAIN:
        return _PLAIN[w](words)
    if w is Why.ALREADY_REPORTED:
        return words._("You have already reported a {report}.", report=report_name(words, p.get("report")))
    if w is Why.BANNED_FROM_QUEUE:
        reason = p.get("reason")
        if reason:
            return words._("You are banned from this ladder. Reason: {reason}", reason=reason)
        return words._("You are banned from this ladder.")
    if w is Why.UNKNOWN_RACE:
        return words._("“{race}” is not a race of this ladder.", race=p.get("race"))
    if w is Why.TWO_RACES_ON_A_SIDE:
        return words.ngettext("Pick one {side} race, not {count}.", "Pick one {side} race, not {count}.",
                              int(p.get("count", 2)), side=words.side(str(p.get("side"))))  # fmt: skip
    if w is Why.UNKNOWN_MAP:
        return words._("“{map}” is not in this ladder's map pool.", map=p.get("map"))
    if w is Why.TOO_MANY_VETOES:
        return words.ngettext("You can veto at most {count} map; you chose {chosen}.",
                              "You can veto at most {count} maps; you chose {chosen}.",
                              int(p.get("most", 0)), chosen=words.number(int(p.get("chosen", 0))))  # fmt: skip
    if w is Why.ON_COOLDOWN:
        when = "<t:" + str(p.get("until")) + ":R>"
        return words._("You called off or missed a match recently, so you can queue again {when}.", when=when)
    if w is Why.IN_UNFINISHED_MATCH:
        return words._("You are still in match #{match}. Finish it before you queue again.", match=p.get("match_id"))
    if w is Why.UNKNOWN_REGION:
        listed = ", ".join(f"{code} ({name})" for code, name in words.names.regions.items())
        return words._("That is not a region of this ladder. Pick one of: {regions}.", regions=listed[:1800])
    if w is Why.NAME_TOO_LONG:
        return words._("This name is too long (at most {most} characters).", most=p.get("most"))
    if w is Why.LADDER_NAME_LENGTH:
        return words._("A ladder name has {least} to {most} characters.", least=p.get("least"), most=p.get("most"))
    if w is Why.TOO_MANY_ALT_NAMES:
        return words._("Give at most {most} other names, separated by a comma.", most=p.get("most"))
    if w is Why.UNKNOWN_COUNTRY:
        return words._("“{country}” is not a country we know. Type its name or its two-letter code.",
                       country=p.get("country"))  # fmt: skip
    if w is Why.WHICH_COUNTRY:
        codes = [c for c in str(p.get("choices", "")).split(",") if c]
        return words._("Which one? {countries}", countries=words.either([words.country(c) for c in codes]))
    if w is Why.SETUP_INCOMPLETE:
        fields = [field_name(words, key) for key in str(p.get("missing", "")).split(",") if key]
        return words._("Your profile still needs: {fields}.", fields=words.listing(fields))
    if w is Why.REPLAY_WRONG_TYPE:
        return words._("That is not a replay: attach the game's {extension} file.", extension=p.get("extension"))
    if w is Why.REPLAY_TOO_BIG:
        return words._("That file is too big for a replay (at most {most} KB).",
                       most=words.number(int(p.get("most_kb", 0))))  # fmt: skip
    if w is Why.REPLAY_MATCH_CLOSED:
        if p.get("state") == "awaiting_confirmation":
            return words._("Match #{match} is not confirmed yet: confirm it, play, then upload the replay.",
                           match=p.get("match_id"))  # fmt: skip
        return words._("Match #{match} is settled; it takes no more replays.", match=p.get("match_id"))
    if w is Why.REPLAY_ALREADY_SENT:
        return words._("You have already uploaded this replay for match #{match}.", match=p.get("match_id"))
    if w is Why.REPLAY_TOO_MANY:
        return words.ngettext("You have uploaded {count} replay for this match, the most it takes.",
                              "You have uploaded {count} replays for this match, the most it takes.",
                              int(p.get("most", 0)))  # fmt: skip
    if w is Why.MATCH_MOVED_ON:
        return _MATCH_NOW.get(str(p.get("state")), _cannot)(words)
    raise KeyError(w)


def _cannot(words: Words) -> str:
    return words._("This match cannot take that any more.")


_MATCH_NOW: dict[str, Callable[[Words], str]] = {
    "awaiting_confirmation": lambda w: w._("This match is still waiting for both players to confirm."),
    "confirmed": lambda w: w._("This match is confirmed; report its result with the buttons."),
    "aborted": lambda w: w._("This match was called off."),
    "completed": lambda w: w._("This match is over and its result is recorded."),
    "disputed": lambda w: w._("The reports of this match disagree; an admin will settle it."),
    "invalidated": lambda w: w._("An admin has invalidated this match."),
}


def refusal_text(words: Words, refusal: Refusal) -> str:
    return _said(words, refusal)
