"""The setup a player does once before the first game: the region select (their name is their Discord name
unless /setup gives another). Picking a region saves the setup and opens the queue."""

from __future__ import annotations

import discord

from bot.drawing import custom_ids
from bot.drawing.renderings import NEUTRAL_COLOUR
from bot.drawing.routed import routed_view
from bot.words import Words
from db.ladder import Ladder


def region_embed(words: Words, text: str = "") -> discord.Embed:
    lines = [text] if text else []
    lines.append(words._("Pick the region you play from: it decides the server of your matches."))
    return discord.Embed(
        title=words._("Set up your ladder profile"), description="\n".join(lines), colour=NEUTRAL_COLOUR
    )


def region_view(ladder: Ladder, player_id: int, words: Words) -> discord.ui.View:
    select = discord.ui.Select[discord.ui.View](
        custom_id=custom_ids.region_select(player_id),
        placeholder=words._("Your region")[:150],
        min_values=1,
        max_values=1,
        options=[
            discord.SelectOption(label=(words.region(r.code) or r.name)[:100], value=r.code)
            for r in ladder.regions[:25]
        ],
    )
    return routed_view(select)
