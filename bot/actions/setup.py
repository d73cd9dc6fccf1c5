"""The /queue setup message: opening it with the player's last choice, and each pick on it redrawing it."""

from __future__ import annotations

from typing import Any

import discord

from bot.actions.owner import belongs_to
from bot.drawing.setup import SetupState, initial_state, setup_embed, setup_view
from bot.ladder_client import Interaction, services_of
from bot.services import Services
from bot.speaking import words_for
from bot.words import Words


async def queue_setup(services: Services, player_id: int, words: Words) -> tuple[discord.Embed, discord.ui.View]:
    """The setup message as the player left it last time (their last races and vetoes picked)."""
    last = await services.queue.last_choice(player_id)
    state = initial_state(services.ladder, last.races if last else (), last.vetoes if last else ())
    return setup_embed(services.ladder, words), setup_view(services.ladder, player_id, state, words)


async def pick_races(interaction: Interaction, side: str, player_id: int) -> None:
    if not await belongs_to(interaction, player_id):
        return
    ladder = services_of(interaction).ladder
    state = SetupState.from_message(interaction.message).with_side(ladder, side, picked_values(interaction))
    await interaction.response.edit_message(view=setup_view(ladder, player_id, state, await words_for(interaction)))


async def pick_vetoes(interaction: Interaction, player_id: int) -> None:
    if not await belongs_to(interaction, player_id):
        return
    ladder = services_of(interaction).ladder
    state = SetupState.from_message(interaction.message).with_vetoes(ladder, picked_values(interaction))
    await interaction.response.edit_message(view=setup_view(ladder, player_id, state, await words_for(interaction)))


def private_here(interaction: Interaction) -> bool:
    """Whether a new answer should be ephemeral: yes in a server channel; in a DM it is private anyway, and a
    plain message can be edited later with the bot token once the interaction token has expired."""
    return interaction.guild_id is not None


def picked_values(interaction: Interaction) -> list[str]:
    """A select's picked values as the interaction carries them, bounded (a forged press may carry anything)."""
    data: Any = interaction.data or {}
    values = data.get("values", [])
    return [str(v)[:100] for v in values][:25] if isinstance(values, list) else []
