"""What a player sees for each event the backend emits: embeds built from the event's payload alone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord

from db.events import (
    MATCH_ABORTED,
    MATCH_COMPLETED,
    MATCH_CONFIRMED,
    MATCH_DISPUTED,
    MATCH_FOUND,
    QUEUE_EXPIRED,
    Event,
)

FOUND_COLOUR = discord.Colour.green()
NEUTRAL_COLOUR = discord.Colour.blurple()
ENDED_COLOUR = discord.Colour.dark_grey()


@dataclass(frozen=True)
class Rendering:
    """A message's whole content: `view=None` removes any buttons the message had."""

    embed: discord.Embed
    view: discord.ui.View | None = None

    def kwargs(self) -> dict[str, Any]:
        return {"content": None, "embed": self.embed, "view": self.view}


def render_event(event: Event, player_id: int) -> Rendering:
    render: Renderer = _RENDERERS.get(event.type, _render_other)
    return render(event.payload, player_id, event.type)


def render_match_found(payload: dict[str, Any], player_id: int, _type: str = MATCH_FOUND) -> Rendering:
    me, opponent = _sides(payload, player_id)
    embed = discord.Embed(
        title="Match found",
        description=(
            f"You play **{_race(me)}** against **{_name(opponent)}** ({_race(opponent)})."
            if me and opponent
            else "Your match is ready."
        ),
        colour=FOUND_COLOUR,
    )
    if me:
        embed.add_field(name="You", value=f"{_race(me)} · {_rating(me)}", inline=True)
    if opponent:
        embed.add_field(name="Opponent", value=f"{_name(opponent)} · {_race(opponent)} · {_rating(opponent)}")
    embed.add_field(name="Map", value=str(payload.get("map") or "any map"), inline=False)
    embed.add_field(name="Server", value=str(payload.get("server") or "agree with your opponent"), inline=True)
    embed.set_footer(text=f"Match #{payload.get('match_id', '?')}")
    return Rendering(embed)


def _render_expired(payload: dict[str, Any], _player_id: int, _type: str) -> Rendering:
    minutes = round(float(payload.get("waited_s", 0)) / 60)
    embed = discord.Embed(
        title="Queue expired",
        description=f"Nobody was found for you in {minutes} minutes, so you left the queue. Use /queue to join again.",
        colour=ENDED_COLOUR,
    )
    return Rendering(embed)


_MATCH_TITLES = {
    MATCH_CONFIRMED: ("Match confirmed", "Both players confirmed. Good luck, have fun!"),
    MATCH_ABORTED: ("Match aborted", "This match will not be played. You can queue again with /queue."),
    MATCH_COMPLETED: ("Match completed", "The result is recorded and the ratings have moved."),
    MATCH_DISPUTED: ("Match disputed", "The two reports disagree; an admin will settle the result."),
}


def _render_match_update(payload: dict[str, Any], player_id: int, type_: str) -> Rendering:
    title, text = _MATCH_TITLES[type_]
    embed = discord.Embed(title=title, description=text, colour=NEUTRAL_COLOUR)
    me, opponent = _sides(payload, player_id)
    if opponent:
        embed.add_field(name="Opponent", value=f"{_name(opponent)} · {_race(opponent)}")
    if me and "new_rating" in me:
        embed.add_field(name="Your rating", value=_rating({"rating": me["new_rating"]}))
    embed.set_footer(text=f"Match #{payload.get('match_id', '?')}")
    return Rendering(embed)


def _render_other(payload: dict[str, Any], _player_id: int, type_: str) -> Rendering:
    match = f" (match #{payload['match_id']})" if "match_id" in payload else ""
    embed = discord.Embed(title="Ladder update", description=f"{type_.replace('_', ' ')}{match}", colour=NEUTRAL_COLOUR)
    return Rendering(embed)


Renderer = Callable[[dict[str, Any], int, str], Rendering]

_RENDERERS: dict[str, Renderer] = {
    MATCH_FOUND: render_match_found,
    QUEUE_EXPIRED: _render_expired,
    MATCH_CONFIRMED: _render_match_update,
    MATCH_ABORTED: _render_match_update,
    MATCH_COMPLETED: _render_match_update,
    MATCH_DISPUTED: _render_match_update,
}


def _sides(payload: dict[str, Any], player_id: int) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    players = [p for p in payload.get("players", []) if isinstance(p, dict)]
    me = next((p for p in players if p.get("player_id") == player_id), None)
    opponent = next((p for p in players if p.get("player_id") != player_id), None)
    return me, opponent


def _name(player: dict[str, Any]) -> str:
    name = player.get("display_name") or f"Player {player.get('player_id', '?')}"
    return discord.utils.escape_markdown(str(name))


def _race(player: dict[str, Any]) -> str:
    return str(player.get("race_name") or player.get("race") or "?")


def _rating(player: dict[str, Any]) -> str:
    rating = player.get("rating")
    return f"{round(float(rating))}" if isinstance(rating, int | float) else "?"


def left_queue_embed(text: str) -> discord.Embed:
    return discord.Embed(title="Not in the queue", description=text, colour=ENDED_COLOUR)


def timestamp(moment: datetime, style: str = "R") -> str:
    """Discord renders this in each reader's own clock and language, and keeps it counting."""
    return f"<t:{int(moment.timestamp())}:{style}>"
