"""Ratings that differ from the match history, as the admins read them (English: admins' texts): the daily
check's post in the admins' channel and `/admin ratings check`."""

from __future__ import annotations

import discord

from bot.drawing.renderings import WARNING_COLOUR, Rendering
from bot.words import Words
from db.payloads import DriftedRating, RatingsDriftPayload


def drift_text(count: int, drifts: list[DriftedRating]) -> str:
    if not count:
        return "Every rating agrees with the match history."
    lines = [f"{count} ratings differ from the match history:"]
    lines += [f"<@{d['player_id']}> ({d['player_id']}) · {d['race']}: stored {_standing(d['stored'])}; "
              f"the history says {_standing(d['expected'])}" for d in drifts]  # fmt: skip
    if count > len(drifts):
        lines.append(f"… and {count - len(drifts)} more (/admin ratings check lists them).")
    lines.append("/admin ratings repair sets each to what the history says (audited).")
    return "\n".join(lines)


def _standing(values: list[float]) -> str:
    rating, games, wins, losses, draws = (values + [0] * 5)[:5]
    return f"{rating:.1f} ({int(games)} games, {int(wins)}-{int(losses)}-{int(draws)})"


def drift_rendering(payload: RatingsDriftPayload, _player_id: int, _type: str, _words: Words) -> Rendering:
    drifts = [d for d in payload.get("drifts", []) if isinstance(d, dict)]
    text = drift_text(int(payload.get("count", len(drifts))), drifts)
    embed = discord.Embed(title="Ratings differ from the match history", description=text[:4096], colour=WARNING_COLOUR)
    return Rendering(embed)
