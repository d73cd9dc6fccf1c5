"""Which language an answer to an interaction is in: the one the player chose with /setup, else their
Discord client's (the interaction's `locale`), else their server's."""

from __future__ import annotations

from typing import Any

import discord

from bot.services import Services
from bot.words import Words


async def words_for(interaction: discord.Interaction[Any]) -> Words:
    services: Services = interaction.client.services
    chosen = await services.languages.chosen(interaction.user.id)
    return services.catalogs.words(chosen, client_locale(interaction), guild_locale(interaction))


def words_without_asking(interaction: discord.Interaction[Any]) -> Words:
    """For telling a player something went wrong: the language as far as it is known without a query."""
    services: Services = interaction.client.services
    chosen = services.languages.known(interaction.user.id)
    return services.catalogs.words(chosen, client_locale(interaction), guild_locale(interaction))


def client_locale(interaction: discord.Interaction[Any]) -> str:
    return str(interaction.locale.value)


def guild_locale(interaction: discord.Interaction[Any]) -> str | None:
    return str(interaction.guild_locale.value) if interaction.guild_locale is not None else None
