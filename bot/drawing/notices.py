"""The ladder's notices a player is shown before their Join goes through, with Understood under them."""

from __future__ import annotations

from typing import Any

import discord

from bot.drawing import custom_ids
from bot.drawing.renderings import WARNING_COLOUR
from bot.drawing.routed import routed_view
from bot.words import Words
from db.ladder import Ladder


def notices_embed(words: Words, notices: list[str]) -> discord.Embed:
    texts = [words.names.notices.get(n, "") for n in notices]
    body = "\n\n".join(t for t in texts if t)[:3800]
    return discord.Embed(
        title=words._("Before you play"),
        description=body + "\n\n" + words._("Press **Understood**, then **Join** again."),
        colour=WARNING_COLOUR,
    )


def notices_view(ladder: Ladder, notices: list[str], player_id: int, words: Words) -> discord.ui.View:
    places = [i for i, n in enumerate(ladder.notices) if n.id in notices]
    return routed_view(
        discord.ui.Button[Any](
            label=words.pgettext("button", "Understood")[:80],
            style=discord.ButtonStyle.primary,
            custom_id=custom_ids.notice_button(places, player_id),
        )
    )
