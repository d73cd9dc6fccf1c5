"""The match message: what a player sees of their match in each state, and the buttons they may press on it."""

from __future__ import annotations

from typing import Any

import discord

from bot.drawing import custom_ids
from bot.drawing.custom_ids import ABORT, CONFIRM, DRAW, LOST, REQUEUE, WON
from bot.drawing.renderings import (
    ENDED_COLOUR,
    FOUND_COLOUR,
    NEUTRAL_COLOUR,
    WARNING_COLOUR,
    Rendering,
    iso_timestamp,
    name,
    race,
    rating,
    sides,
)
from bot.drawing.routed import routed_view
from db.events import MATCH_REMINDER
from db.payloads import MatchPayload, MatchSide

_BUTTONS = {
    CONFIRM: ("Confirm", discord.ButtonStyle.success),
    ABORT: ("Abort", discord.ButtonStyle.danger),
    WON: ("I won", discord.ButtonStyle.success),
    LOST: ("I lost", discord.ButtonStyle.secondary),
    DRAW: ("Draw", discord.ButtonStyle.secondary),
    REQUEUE: ("Back to the queue", discord.ButtonStyle.primary),
}


def match_rendering(payload: MatchPayload, player_id: int, type_: str = "") -> Rendering:
    """The player's match message for the match as the payload describes it."""
    state = str(payload.get("state") or "awaiting_confirmation")
    render = _BY_STATE.get(state, _awaiting)
    return render(payload, player_id, type_)


def _details(embed: discord.Embed, payload: MatchPayload, me: MatchSide | None, opp: MatchSide | None) -> None:
    if me:
        embed.add_field(name="You", value=f"{race(me)} · {rating(me.get('rating'))}", inline=True)
    if opp:
        embed.add_field(name="Opponent", value=f"{name(opp)} · {race(opp)} · {rating(opp.get('rating'))}")
    embed.add_field(name="Map", value=str(payload.get("map") or "any map"), inline=False)
    embed.add_field(name="Server", value=str(payload.get("server") or "agree with your opponent"), inline=True)
    embed.set_footer(text=f"Match #{payload.get('match_id', '?')}")


def _awaiting(payload: MatchPayload, player_id: int, type_: str) -> Rendering:
    me, opp = sides(payload, player_id)
    confirmed = bool(me and me.get("confirmed"))
    deadline = iso_timestamp(payload.get("confirm_by"))
    if confirmed:
        text = f"You confirmed. Waiting for {name(opp) if opp else 'your opponent'} to confirm"
    else:
        text = f"You play **{race(me)}** against **{name(opp)}** ({race(opp)}). Confirm" if me and opp else "Confirm"
    text += f" {deadline}." if deadline else "."
    title = "Match found"
    if type_ == MATCH_REMINDER and not confirmed:
        # Its own title: the reminder is a second message about the match, not the match found again.
        title = "Reminder: your match is waiting"
        text = f"⏰ {text}"
    embed = discord.Embed(title=title, description=text, colour=FOUND_COLOUR)
    _details(embed, payload, me, opp)
    actions = [ABORT] if confirmed else [CONFIRM, ABORT]
    return Rendering(embed, _buttons(payload, player_id, actions))


def _confirmed(payload: MatchPayload, player_id: int, _type: str) -> Rendering:
    me, opp = sides(payload, player_id)
    deadline = iso_timestamp(payload.get("report_by"))
    mine = me.get("report") if me else None
    if mine:
        text = f"You reported a **{mine}**. Waiting for {name(opp) if opp else 'your opponent'}'s report"
        text += f" (until {deadline})." if deadline else "."
    else:
        text = "Both players confirmed. Play your game, then report the result here"
        text += f" {deadline}." if deadline else "."
    embed = discord.Embed(title="Match confirmed — good luck, have fun!", description=text, colour=FOUND_COLOUR)
    _details(embed, payload, me, opp)
    return Rendering(embed, None if mine else _buttons(payload, player_id, [WON, LOST, DRAW]))


def _completed(payload: MatchPayload, player_id: int, _type: str) -> Rendering:
    me, opp = sides(payload, player_id)
    result = payload.get("result")
    slot = _slot(payload, player_id)
    if result == "draw":
        headline = "The match was a draw."
    elif slot is not None and result == f"player{slot}":
        headline = "You won."
    elif slot is not None:
        headline = "You lost."
    else:
        headline = "The result is recorded."
    if payload.get("resolved_by"):
        headline += " An admin settled the result."
    embed = discord.Embed(title="Match completed", description=headline, colour=NEUTRAL_COLOUR)
    new_ratings = payload.get("new_ratings") if isinstance(payload.get("new_ratings"), dict) else {}
    for side, label in ((me, "Your rating"), (opp, "Opponent's rating")):
        if not side:
            continue
        change = side.get("rating_change")
        new = new_ratings.get(str(side.get("player_id"))) if new_ratings else None
        moved = f" ({change:+.0f})" if isinstance(change, int | float) else ""
        shown = rating(new) if new is not None else rating(side.get("rating"))
        embed.add_field(name=label, value=f"{race(side)}: {shown}{moved}", inline=True)
    embed.set_footer(text=f"Match #{payload.get('match_id', '?')}")
    return Rendering(embed)


_DISPUTE_WHY = {
    "reports_differ": "The two reports disagree.",
    "one_report": "Only one player reported in time.",
    "no_report": "Nobody reported a result in time.",
}


def _disputed(payload: MatchPayload, player_id: int, _type: str) -> Rendering:
    why = _DISPUTE_WHY.get(str(payload.get("end_reason")), "The result is in question.")
    embed = discord.Embed(
        title="Match disputed", description=f"{why} An admin will settle it; ratings wait until then.",
        colour=WARNING_COLOUR,
    )  # fmt: skip
    embed.set_footer(text=f"Match #{payload.get('match_id', '?')}")
    return Rendering(embed)


def _aborted(payload: MatchPayload, player_id: int, _type: str) -> Rendering:
    me, opp = sides(payload, player_id)
    offered = player_id in (payload.get("requeue") or [])
    if payload.get("end_reason") == "timeout":
        if me and me.get("confirmed"):
            text = f"{name(opp) if opp else 'Your opponent'} did not confirm in time, so the match is off."
        else:
            text = "You did not confirm in time, so the match is off. A short cooldown applies before you queue again."
    elif payload.get("aborted_by") == player_id:
        text = "You aborted this match. A short cooldown applies before you queue again."
    else:
        text = f"{name(opp) if opp else 'Your opponent'} aborted this match."
    if offered:
        text += " You can go back into the queue and keep the waves you waited."
    embed = discord.Embed(title="Match aborted", description=text, colour=ENDED_COLOUR)
    embed.set_footer(text=f"Match #{payload.get('match_id', '?')}")
    return Rendering(embed, _buttons(payload, player_id, [REQUEUE]) if offered else None)


def _invalidated(payload: MatchPayload, player_id: int, _type: str) -> Rendering:
    embed = discord.Embed(
        title="Match invalidated",
        description="An admin invalidated this match. It does not count, and no rating moved.",
        colour=ENDED_COLOUR,
    )
    embed.set_footer(text=f"Match #{payload.get('match_id', '?')}")
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


def _buttons(payload: MatchPayload, player_id: int, actions: list[str]) -> discord.ui.View | None:
    match_id = payload.get("match_id")
    if not isinstance(match_id, int):
        return None
    return routed_view(*(_button(action, match_id, player_id) for action in actions))


def _button(action: str, match_id: int, player_id: int) -> discord.ui.Button[Any]:
    label, style = _BUTTONS[action]
    return discord.ui.Button(label=label, style=style, custom_id=custom_ids.match_button(action, match_id, player_id))
