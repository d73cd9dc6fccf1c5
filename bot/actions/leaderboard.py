"""Turning a leaderboard's page."""

from __future__ import annotations

from bot.drawing.leaderboard import board_rendering
from bot.ladder_client import Interaction, services_of


async def turn_page(interaction: Interaction, race: str, page: int) -> None:
    services = services_of(interaction)
    if race not in services.ladder.race_by_code:
        await interaction.response.send_message("That race is not on this ladder any more.", ephemeral=True)
        return
    board = await services.players.leaderboard(race, page)
    await interaction.response.edit_message(**board_rendering(services.ladder, board).kwargs())
