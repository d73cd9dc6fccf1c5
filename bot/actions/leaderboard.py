"""/leaderboard, and turning its pages."""

from __future__ import annotations

from bot.answer_in_time import Reply, answer_privately
from bot.drawing.leaderboard import board_rendering
from bot.ladder_client import Interaction, services_of
from bot.speaking import words_for
from bot.words import Words


async def turn_page(interaction: Interaction, race: str, page: int) -> None:
    services = services_of(interaction)
    words = await words_for(interaction)
    if race not in services.ladder.race_by_code:
        await interaction.response.send_message(words._("That race is not on this ladder any more."), ephemeral=True)
        return
    board = await services.players.leaderboard(race, page)
    await interaction.response.edit_message(**board_rendering(services.ladder, board, words).kwargs())


async def open_board(interaction: Interaction, race: str | None, page: int) -> None:
    ladder = services_of(interaction).ladder
    words = await words_for(interaction)
    code = (race or ladder.races[0].code).strip().lower()
    if code not in ladder.race_by_code:
        listed = ", ".join(f"{r.code} ({words.race(r.code)})" for r in ladder.races)
        text = words._("That is not a race of this ladder. Pick one of: {races}.", races=listed)
        await interaction.response.send_message(text[:1900], ephemeral=True)
        return
    await answer_privately(interaction, _board(interaction, code, page, words))


async def _board(interaction: Interaction, race: str, page: int, words: Words) -> Reply:
    services = services_of(interaction)
    board = await services.players.leaderboard(race, page)
    return board_rendering(services.ladder, board, words).send_kwargs()
