"""The match-log channel's post for a match that ended or is in question: who played, the result, the ratings.

Drawn in the match log's language (`MATCH_LOG_LANGUAGE`): the community reads it, so its texts are in the
catalogs like the players'. An embed pings nobody, so the players are shown by name and mention."""

from __future__ import annotations

import discord

from bot.drawing.match import dispute_why
from bot.drawing.match_card import player_head
from bot.drawing.renderings import (
    ENDED_COLOUR,
    NEUTRAL_COLOUR,
    WARNING_COLOUR,
    Rendering,
    name,
    race,
    rating_after,
)
from bot.words import Words
from db.payloads import MatchPayload, MatchSide


def match_log_rendering(payload: MatchPayload, words: Words) -> Rendering:
    players = [p for p in payload.get("players", []) if isinstance(p, dict)][:2]
    state = payload.get("state")
    if state == "completed":
        title, colour, text = words._("Match completed"), NEUTRAL_COLOUR, _result(payload, players, words)
    elif state == "disputed":
        title, colour = words._("Match disputed"), WARNING_COLOUR
        text = dispute_why(words, payload.get("end_reason")) + " " + words._("An admin will settle it.")
    elif state == "invalidated":
        title, colour = words._("Match invalidated"), ENDED_COLOUR
        text = words._("An admin invalidated this match. It does not count, and no rating moved.")
    else:
        title, colour, text = words._("Match aborted"), ENDED_COLOUR, _why_aborted(payload, players, words)
    embed = discord.Embed(title=title, description=text, colour=colour)
    new_ratings = payload.get("new_ratings") or {}
    for n, side in enumerate(players, start=1):
        embed.add_field(name=words._("Player {n}", n=n), value=_side(words, side, new_ratings), inline=True)
    if payload.get("map"):
        embed.add_field(name=words._("Map"), value=words.map(str(payload["map"])), inline=True)
    if payload.get("server"):
        embed.add_field(name=words._("Server"), value=words.server(str(payload["server"])), inline=True)
    embed.set_footer(text=words._("Match #{match}", match=payload.get("match_id", "?")))
    return Rendering(embed)


def _side(words: Words, side: MatchSide, new_ratings: dict[str, float]) -> str:
    return f"{player_head(words, side)}\n{race(words, side)} · {rating_after(words, side, new_ratings)}"[:1024]


def _result(payload: MatchPayload, players: list[MatchSide], words: Words) -> str:
    result = payload.get("result")
    if result == "draw":
        text = words._("The match was a draw.")
    elif result in ("player1", "player2") and len(players) == 2:
        winner = players[0] if result == "player1" else players[1]
        text = words._("{player} won.", player=name(words, winner))
    else:
        text = words._("The result is recorded.")
    if payload.get("resolved_by"):
        text += " " + words._("An admin settled the result.")
    elif payload.get("replay"):
        text += " " + words._("Settled by a replay.")
    return text


def _why_aborted(payload: MatchPayload, players: list[MatchSide], words: Words) -> str:
    by = next((p for p in players if p.get("player_id") == payload.get("aborted_by")), None)
    if payload.get("end_reason") == "timeout":
        late = [name(words, p) for p in players if not p.get("confirmed")]
        if late:
            return words._("{players} did not confirm in time.", players=words.listing(late))
        return words._("The match was not confirmed in time.")
    if by is not None:
        return words._("{player} aborted the match.", player=name(words, by))
    return words._("The match was aborted.")
