"""The pieces every view is drawn with: a message's whole content, colours, names, ratings and timestamps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord

from db.payloads import MatchPayload, MatchSide, QueueEndedPayload, SomeoneWaitingPayload

FOUND_COLOUR = discord.Colour.green()
NEUTRAL_COLOUR = discord.Colour.blurple()
ENDED_COLOUR = discord.Colour.dark_grey()
WARNING_COLOUR = discord.Colour.orange()


@dataclass(frozen=True)
class Rendering:
    """A message's whole content: `view=None` removes any buttons the message had."""

    embed: discord.Embed
    view: discord.ui.View | None = None

    def kwargs(self) -> dict[str, Any]:
        return {"content": None, "embed": self.embed, "view": self.view}

    def send_kwargs(self) -> dict[str, Any]:
        """For a new message, where "no view" is said by leaving it out."""
        return {"embed": self.embed, "view": self.view} if self.view else {"embed": self.embed}


def render_expired(payload: QueueEndedPayload, _player_id: int, _type: str) -> Rendering:
    minutes = round(float(payload.get("waited_s", 0)) / 60)
    embed = discord.Embed(
        title="Queue expired",
        description=f"Nobody was found for you in {minutes} minutes, so you left the queue. Use /queue to join again.",
        colour=ENDED_COLOUR,
    )
    return Rendering(embed)


_REMOVED_WHY = {
    "removed": "An admin took you out of the queue.",
    "cleared": "An admin cleared the queue.",
    "banned": "You are banned from this ladder, so you left the queue.",
}


def render_removed(payload: QueueEndedPayload, _player_id: int, _type: str) -> Rendering:
    text = _REMOVED_WHY.get(str(payload.get("why")), "You left the queue.")
    if payload.get("why") != "banned":
        text += " Use /queue to join again."
    return Rendering(left_queue_embed(text))


def render_someone_waiting(payload: SomeoneWaitingPayload, _player_id: int, _type: str) -> Rendering:
    races = ", ".join(str(r) for r in payload.get("races", []) if isinstance(r, str))[:200]
    embed = discord.Embed(
        title="Someone is looking for a game",
        description=f"{name(payload)} just joined the queue" + (f" ({races})" if races else "") + ". "
        "Use /queue to play them. (/notify off stops these messages.)",
        colour=NEUTRAL_COLOUR,
    )
    return Rendering(embed)


def render_other(payload: dict[str, Any], _player_id: int, type_: str) -> Rendering:
    match = f" (match #{payload['match_id']})" if "match_id" in payload else ""
    embed = discord.Embed(title="Ladder update", description=f"{type_.replace('_', ' ')}{match}", colour=NEUTRAL_COLOUR)
    return Rendering(embed)


def sides(payload: MatchPayload, player_id: int) -> tuple[MatchSide | None, MatchSide | None]:
    """The player's own side of a match payload, and their opponent's."""
    players = [p for p in payload.get("players", []) if isinstance(p, dict)]
    me = next((p for p in players if p.get("player_id") == player_id), None)
    opponent = next((p for p in players if p.get("player_id") != player_id), None)
    return me, opponent


def name(player: MatchSide | SomeoneWaitingPayload) -> str:
    shown = player.get("display_name") or f"Player {player.get('player_id', '?')}"
    return discord.utils.escape_markdown(str(shown))


def race(player: MatchSide) -> str:
    return str(player.get("race_name") or player.get("race") or "?")


def rating(value: object) -> str:
    return f"{round(float(value))}" if isinstance(value, int | float) else "?"


def left_queue_embed(text: str) -> discord.Embed:
    return discord.Embed(title="Not in the queue", description=text, colour=ENDED_COLOUR)


def timestamp(moment: datetime, style: str = "R") -> str:
    """Discord renders this in each reader's own clock and language, and keeps it counting."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def iso_timestamp(value: object, style: str = "R") -> str | None:
    """A payload's ISO time as a Discord timestamp; None when it is missing or not a time."""
    if not isinstance(value, str):
        return None
    try:
        return timestamp(datetime.fromisoformat(value), style)
    except ValueError:
        return None
