"""The match message: what a player sees of their match in each state, and the buttons they may press on it."""

from __future__ import annotations

from typing import Any

import discord

from bot.drawing import custom_ids
from bot.drawing.custom_ids import ABORT, CONFIRM, DRAW, LOST, REPLAY, REQUEUE, WON
from bot.drawing.match_card import map_field, meeting_field, player_field
from bot.drawing.renderings import (
    ENDED_COLOUR,
    FOUND_COLOUR,
    NEUTRAL_COLOUR,
    WARNING_COLOUR,
    Rendering,
    iso_timestamp,
    name,
    race,
    rating_after,
    report_name,
    sides,
)
from bot.drawing.replay import replay_field
from bot.drawing.routed import routed_view
from bot.words import Words
from db.events import MATCH_REMINDER
from db.payloads import MatchPayload, MatchSide

_STYLES = {
    CONFIRM: discord.ButtonStyle.success,
    ABORT: discord.ButtonStyle.danger,
    WON: discord.ButtonStyle.success,
    LOST: discord.ButtonStyle.secondary,
    DRAW: discord.ButtonStyle.secondary,
    REQUEUE: discord.ButtonStyle.primary,
    REPLAY: discord.ButtonStyle.secondary,
}


def _label(words: Words, action: str) -> str:
    if action == CONFIRM:
        return words.pgettext("button", "Confirm")
    if action == ABORT:
        return words.pgettext("button", "Abort")
    if action == WON:
        return words.pgettext("button", "I won")
    if action == LOST:
        return words.pgettext("button", "I lost")
    if action == DRAW:
        return words.pgettext("button", "Draw")
    if action == REPLAY:
        return words.pgettext("button", "Upload a replay")
    return words.pgettext("button", "Back to the queue")


def match_rendering(payload: MatchPayload, player_id: int, type_: str, words: Words) -> Rendering:
    """The player's match message for the match as the payload describes it."""
    state = str(payload.get("state") or "awaiting_confirmation")
    render = _BY_STATE.get(state, _awaiting)
    return render(payload, player_id, type_, words)


def _footer(embed: discord.Embed, payload: MatchPayload, words: Words) -> None:
    embed.set_footer(text=words._("Match #{match}", match=payload.get("match_id", "?")))


def _details(
    embed: discord.Embed, payload: MatchPayload, me: MatchSide | None, opp: MatchSide | None, words: Words
) -> None:
    if me:
        embed.add_field(name=words._("You"), value=player_field(words, me), inline=True)
    if opp:
        embed.add_field(name=words._("Opponent"), value=player_field(words, opp), inline=True)
    map_name, server = payload.get("map"), payload.get("server")
    embed.add_field(name=words._("Map"), value=map_field(words, map_name, server), inline=True)
    shown = words.server(server) if server else words._("agree with your opponent")
    embed.add_field(name=words._("Server"), value=shown, inline=True)
    meeting = meeting_field(words, server)
    if meeting:
        embed.add_field(name=words._("How to meet"), value=meeting, inline=False)
    _footer(embed, payload, words)


def _opponent(words: Words, opp: MatchSide | None) -> str:
    return name(words, opp) if opp else words._("your opponent")


def _awaiting(payload: MatchPayload, player_id: int, type_: str, words: Words) -> Rendering:
    me, opp = sides(payload, player_id)
    confirmed = bool(me and me.get("confirmed"))
    deadline = iso_timestamp(payload.get("confirm_by"))
    if confirmed and deadline:
        text = words._("You confirmed. Waiting for {opponent} to confirm {deadline}.", opponent=_opponent(words, opp),
                       deadline=deadline)  # fmt: skip
    elif confirmed:
        text = words._("You confirmed. Waiting for {opponent} to confirm.", opponent=_opponent(words, opp))
    elif me and opp:
        versus = {"race": race(words, me), "opponent": name(words, opp), "opponent_race": race(words, opp)}
        if deadline:
            text = words._("You play **{race}** against **{opponent}** ({opponent_race}). Confirm {deadline}.",
                           deadline=deadline, **versus)  # fmt: skip
        else:
            text = words._("You play **{race}** against **{opponent}** ({opponent_race}). Confirm.", **versus)
    else:
        text = words._("Confirm {deadline}.", deadline=deadline) if deadline else words._("Confirm.")
    title = words._("Match found")
    if type_ == MATCH_REMINDER and not confirmed:
        # Its own title: the reminder is a second message about the match, not the match found again.
        title = words._("Reminder: your match is waiting")
        text = f"⏰ {text}"
    embed = discord.Embed(title=title, description=text, colour=FOUND_COLOUR)
    _details(embed, payload, me, opp, words)
    actions = [ABORT] if confirmed else [CONFIRM, ABORT]
    return Rendering(embed, _buttons(payload, player_id, actions, words))


def _confirmed(payload: MatchPayload, player_id: int, _type: str, words: Words) -> Rendering:
    me, opp = sides(payload, player_id)
    deadline = iso_timestamp(payload.get("report_by"))
    mine = me.get("report") if me else None
    by_replay = payload.get("replays") == "required"
    if mine:
        reported = {"report": report_name(words, mine), "opponent": _opponent(words, opp)}
        if deadline:
            text = words._("You reported a **{report}**. Waiting for the report of {opponent} (until {deadline}).",
                           deadline=deadline, **reported)  # fmt: skip
        else:
            text = words._("You reported a **{report}**. Waiting for the report of {opponent}.", **reported)
    elif opp and opp.get("report") and not by_replay:
        told = {"opponent": _opponent(words, opp), "report": report_name(words, opp.get("report"))}
        if deadline:
            text = words._("{opponent} reported a **{report}**. Report your result too (until {deadline}).",
                           deadline=deadline, **told)  # fmt: skip
        else:
            text = words._("{opponent} reported a **{report}**. Report your result too.", **told)
    elif by_replay and deadline:
        text = words._("Both players confirmed. Play your game, then upload its replay with /replay {deadline}.",
                       deadline=deadline)  # fmt: skip
    elif by_replay:
        text = words._("Both players confirmed. Play your game, then upload its replay with /replay.")
    elif deadline:
        text = words._("Both players confirmed. Play your game, then report the result here {deadline}.",
                       deadline=deadline)  # fmt: skip
    else:
        text = words._("Both players confirmed. Play your game, then report the result here.")
    embed = discord.Embed(title=words._("Match confirmed — good luck, have fun!"), description=text,
                          colour=FOUND_COLOUR)  # fmt: skip
    _details(embed, payload, me, opp, words)
    replay_field(embed, payload, player_id, words)
    actions = [] if mine or by_replay else [WON, LOST, DRAW]
    if payload.get("replays"):
        actions.append(REPLAY)
    return Rendering(embed, _buttons(payload, player_id, actions, words) if actions else None)


def _completed(payload: MatchPayload, player_id: int, _type: str, words: Words) -> Rendering:
    me, opp = sides(payload, player_id)
    result = payload.get("result")
    slot = _slot(payload, player_id)
    if result == "draw":
        headline = words._("The match was a draw.")
    elif slot is not None and result == f"player{slot}":
        headline = words._("You won.")
    elif slot is not None:
        headline = words._("You lost.")
    else:
        headline = words._("The result is recorded.")
    if payload.get("resolved_by"):
        headline += " " + words._("An admin settled the result.")
    embed = discord.Embed(title=words._("Match completed"), description=headline, colour=NEUTRAL_COLOUR)
    new_ratings = payload.get("new_ratings") or {}
    for side, label in ((me, words._("Your rating")), (opp, words._("Opponent's rating"))):
        if side:
            shown = rating_after(words, side, new_ratings)
            embed.add_field(name=label, value=f"{race(words, side)}: {shown}", inline=True)
    replay_field(embed, payload, player_id, words)
    _footer(embed, payload, words)
    return Rendering(embed)


def dispute_why(words: Words, end_reason: object) -> str:
    if end_reason == "reports_differ":
        return words._("The two reports disagree.")
    if end_reason == "one_report":
        return words._("Only one player reported in time.")
    if end_reason == "no_report":
        return words._("Nobody reported a result in time.")
    if end_reason == "replay_differs":
        return words._("The replay disagrees with a report.")
    return words._("The result is in question.")


def _disputed(payload: MatchPayload, player_id: int, _type: str, words: Words) -> Rendering:
    why = dispute_why(words, payload.get("end_reason"))
    embed = discord.Embed(
        title=words._("Match disputed"),
        description=why + " " + words._("An admin will settle it; ratings wait until then."),
        colour=WARNING_COLOUR,
    )
    replay_field(embed, payload, player_id, words)
    _footer(embed, payload, words)
    return Rendering(embed)


def _aborted(payload: MatchPayload, player_id: int, _type: str, words: Words) -> Rendering:
    me, opp = sides(payload, player_id)
    offered = player_id in (payload.get("requeue") or [])
    if payload.get("end_reason") == "timeout":
        if me and me.get("confirmed"):
            text = words._("{opponent} did not confirm in time, so the match is off.", opponent=_opponent(words, opp))
        else:
            text = words._(
                "You did not confirm in time, so the match is off. A short cooldown applies before you queue again."
            )
    elif payload.get("aborted_by") == player_id:
        text = words._("You aborted this match. A short cooldown applies before you queue again.")
    else:
        text = words._("{opponent} aborted this match.", opponent=_opponent(words, opp))
    if offered:
        text += " " + words._("You can go back into the queue and keep the waves you waited.")
    embed = discord.Embed(title=words._("Match aborted"), description=text, colour=ENDED_COLOUR)
    _footer(embed, payload, words)
    return Rendering(embed, _buttons(payload, player_id, [REQUEUE], words) if offered else None)


def _invalidated(payload: MatchPayload, player_id: int, _type: str, words: Words) -> Rendering:
    embed = discord.Embed(
        title=words._("Match invalidated"),
        description=words._("An admin invalidated this match. It does not count, and no rating moved."),
        colour=ENDED_COLOUR,
    )
    _footer(embed, payload, words)
    return Rendering(embed)


_BY_STATE = {
    "awaiting_confirmation": _awaiting,
    "confirmed": _confirmed,
    "completed": _completed,
    "disputed": _disputed,
    "aborted": _aborted,
    "invalidated": _invalidated,
}


def _slot(payload: MatchPayload, player_id: int) -> int | None:
    players = [p for p in payload.get("players", []) if isinstance(p, dict)]
    for n, p in enumerate(players[:2], start=1):
        if p.get("player_id") == player_id:
            return n
    return None


def _buttons(payload: MatchPayload, player_id: int, actions: list[str], words: Words) -> discord.ui.View | None:
    match_id = payload.get("match_id")
    if not isinstance(match_id, int):
        return None
    return routed_view(*(_button(action, match_id, player_id, words) for action in actions))


def _button(action: str, match_id: int, player_id: int, words: Words) -> discord.ui.Button[Any]:
    return discord.ui.Button(
        label=_label(words, action)[:80],
        style=_STYLES[action],
        custom_id=custom_ids.match_button(action, match_id, player_id),
    )
