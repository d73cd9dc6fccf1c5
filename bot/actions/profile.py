"""/profile: a player's ratings, record, rank and last matches."""

from __future__ import annotations

import discord

from bot.answer_in_time import Reply, answer_privately
from bot.drawing.profile import profile_embed
from bot.ladder_client import Interaction, services_of
from bot.speaking import words_for


async def show_profile(interaction: Interaction, whom: discord.User | discord.Member) -> None:
    await answer_privately(interaction, _profile(interaction, whom))


async def _profile(interaction: Interaction, whom: discord.User | discord.Member) -> Reply:
    services = services_of(interaction)
    words = await words_for(interaction)
    profile = await services.players.profile(whom.id)
    if profile is None:
        if whom.id == interaction.user.id:
            return {"content": words._("You have not played yet. Use /queue to start.")}
        return {"content": words._("That player has not played on this ladder yet.")}
    return {"embed": profile_embed(services.ladder, profile, words)}
