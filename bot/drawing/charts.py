"""The words on a chart, in the reader's language (the workers draw it with them), and the /activity answer."""

from __future__ import annotations

import io
from typing import Any

import discord

from bot.drawing.renderings import NEUTRAL_COLOUR
from bot.words import Words
from db.players import Profile

RATING_FILE = "rating.png"
ACTIVITY_FILE = "activity.png"


def rating_chart_words(profile: Profile, words: Words) -> dict[str, Any]:
    name = profile.display_name or words._("Player {id}", id=profile.player_id)
    return {
        "locale": str(words.locale),
        "title": words._("Rating of {name}", name=name),
        "y_label": words._("Rating"),
        "series": {s.race: words.race(s.race) for s in profile.standings},
    }


def period_words(period: str, words: Words) -> str:
    if period == "day":
        return words._("the last 24 hours")
    if period == "week":
        return words._("the last 7 days")
    return words._("the last 30 days")


def activity_chart_words(period: str, words: Words) -> dict[str, Any]:
    return {
        "locale": str(words.locale),
        "title": words._("Ladder activity over {period}", period=period_words(period, words)),
        "y_label": words._("Per hour"),
        "series": {"joins": words._("Queue joins"), "matches": words._("Matches found")},
    }


def with_chart(embed: discord.Embed, picture: bytes, name: str) -> dict[str, Any]:
    """The message's embed showing the picture, attached under `name`."""
    embed.set_image(url=f"attachment://{name}")
    return {"embed": embed, "file": discord.File(io.BytesIO(picture), filename=name)}


def activity_embed(period: str, words: Words, drawn: bool) -> discord.Embed:
    text = words._("Queue joins and matches found in each hour of {period}.", period=period_words(period, words))
    if not drawn:
        text = words._("The chart could not be drawn just now. Please try again in a minute.")
    return discord.Embed(title=words._("Ladder activity"), description=text, colour=NEUTRAL_COLOUR)
