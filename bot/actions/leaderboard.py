"""Turning a leaderboard's page."""

from __future__ import annotations

from typing import Any

import discord

from bot.drawing.leaderboard import board_rendering
from bot.services import services_of


async def turn_page(interaction: discord.Interaction[Any], race: str, page: int) -> None:
    services = services_of(interaction)
    if race not in services.ladder.race_by_code:
        await interaction.response.send_message("That race is not on this ladder any more.", ephemeral=True)
        return
    board = await services.players.leaderboard(race, page)
    await interaction.response.edit_message(**board_rendering(services.ladder, board).kwargs())
