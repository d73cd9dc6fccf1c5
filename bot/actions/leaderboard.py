"""/leaderboard, and turning its pages."""

from __future__ import annotations

from bot.answer_in_time import Reply, answer_privately
from bot.drawing.leaderboard import board_rendering
from bot.ladder_client import Interaction, services_of


async def turn_page(interaction: Interaction, race: str, page: int) -> None:
    services = services_of(interaction)
    if race not in services.ladder.race_by_code:
        await interaction.response.send_message("That race is not on this ladder any more.", ephemeral=True)
        return
    board = await services.players.leaderboard(race, page)
    await interaction.response.edit_message(**board_rendering(services.ladder, board).kwargs())


async def open_board(interaction: Interaction, race: str | None, page: int) -> None:
    ladder = services_of(interaction).ladder
    code = (race or ladder.races[0].code).strip().lower()
    if code not in ladder.race_by_code:
        listed = ", ".join(f"{r.code} ({r.name})" for r in ladder.races)
        await interaction.response.send_message(f"That is not a race of this ladder. Pick one of: {listed}."[:1900],
                                                ephemeral=True)  # fmt: skip
        return
    await answer_privately(interaction, _board(interaction, code, page))


async def _board(interaction: Interaction, race: str, page: int) -> Reply:
    services = services_of(interaction)
    board = await services.players.leaderboard(race, page)
    return board_rendering(services.ladder, board).send_kwargs()
