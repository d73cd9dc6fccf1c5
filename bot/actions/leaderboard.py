"""/leaderboard, and what its controls change: the races, the rank band, the page, best race only, the country."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from discord import app_commands

from bot.actions.form_values import form_values
from bot.actions.setup import picked_values
from bot.answer_in_time import Reply, answer_privately
from bot.drawing.leaderboard import PAGE, board_rendering, jump_form
from bot.drawing.refusals import refusal_text
from bot.ladder_client import Interaction, services_of
from bot.speaking import words_for
from bot.words import Words
from db import identity
from db.ladder import Race
from db.leaderboard import BoardFilter, BoardPage


async def open_board(
    interaction: Interaction,
    race: str | None,
    country: str | None,
    rank: str | None,
    best_only: bool,
    page: int,
) -> None:
    """The command: the options are what autocomplete offered, or typed by hand (then read as leniently as
    the suggestions are: a code or a name, in any case)."""
    ladder = services_of(interaction).ladder
    words = await words_for(interaction)
    wanted = BoardFilter(best_only=best_only)
    if race is not None:
        code = race_code(race, ladder.races, words)
        if code is None:
            listed = words.listing([words.race(r.code) for r in ladder.races])
            text = words._("That is not a race of this ladder. Pick one of: {races}.", races=listed)
            await interaction.response.send_message(text[:1900], ephemeral=True)
            return
        wanted = dataclasses.replace(wanted, races=(code,))
    if country is not None:
        code, refused = identity.country(country, [words.locale.language, "en"])
        if refused is not None:
            await interaction.response.send_message(refusal_text(words, refused), ephemeral=True)
            return
        wanted = dataclasses.replace(wanted, country=code)
    if rank is not None:
        band = next((b.name for b in ladder.ranks.bands if b.name.casefold() == rank.strip().casefold()), None)
        if band is None:
            listed = words.listing([b.name for b in ladder.ranks.bands])
            text = words._("That is not a rank of this ladder. Pick one of: {ranks}.", ranks=listed)
            await interaction.response.send_message(text[:1900], ephemeral=True)
            return
        wanted = dataclasses.replace(wanted, band=band)
    await answer_privately(interaction, _board(interaction, wanted, page, words))


async def _board(interaction: Interaction, wanted: BoardFilter, page: int, words: Words) -> Reply:
    services = services_of(interaction)
    board = await services.players.leaderboard(wanted, page)
    return board_rendering(services.ladder, board, words, _past_end(board, page, words)).send_kwargs()


def _past_end(board: BoardPage, page: int, words: Words) -> str | None:
    if page <= board.pages:
        return None
    return words.ngettext("The board has {pages} page; here is the last.",
                          "The board has {pages} pages; here is the last.", board.pages,
                          pages=words.number(board.pages))  # fmt: skip


def race_code(typed: str, races: Sequence[Race], words: Words) -> str | None:
    wanted = typed.strip().casefold()
    for race in races:
        if wanted in (race.code, words.race(race.code).casefold(), race.name.casefold()):
            return str(race.code)
    return None


async def suggest_races(interaction: Interaction, typed: str) -> list[app_commands.Choice[str]]:
    """The ladder's races whose name (in the player's language) or code holds what they typed."""
    words = await words_for(interaction)
    wanted = typed.strip().casefold()[:100]
    races = services_of(interaction).ladder.races
    return [
        app_commands.Choice(name=words.race(r.code)[:100], value=r.code)
        for r in races
        if wanted in words.race(r.code).casefold() or wanted in r.code
    ][:25]


async def suggest_ranks(interaction: Interaction, typed: str) -> list[app_commands.Choice[str]]:
    wanted = typed.strip().casefold()[:16]
    bands = services_of(interaction).ladder.ranks.bands
    return [app_commands.Choice(name=f"{b.badge} {b.name}".strip(), value=b.name) for b in bands
            if wanted in b.name.casefold()][:25]  # fmt: skip


async def show(interaction: Interaction, wanted: BoardFilter | None, page: int, *, typed: bool = False) -> None:
    """Redraws the board the control belongs to, as `wanted` and at `page` (None: the id was forged); `typed`:
    the page was typed, and one past the end is said so."""
    words = await words_for(interaction)
    if wanted is None:
        text = words._("That control is not one this leaderboard drew. Open it again with /leaderboard.")
        await interaction.response.send_message(text, ephemeral=True)
        return
    services = services_of(interaction)
    board = await services.players.leaderboard(wanted, page)
    note = _past_end(board, page, words) if typed else None
    await interaction.response.edit_message(**board_rendering(services.ladder, board, words, note).kwargs())


async def press(interaction: Interaction, control: str, page: int, wanted: BoardFilter | None) -> None:
    if wanted is None:
        await show(interaction, None, page)
    elif control == "best":
        await show(interaction, dataclasses.replace(wanted, best_only=not wanted.best_only), 1)
    elif control == "world":
        await show(interaction, dataclasses.replace(wanted, country=None), 1)
    elif control == "jump":
        services = services_of(interaction)
        board = await services.players.leaderboard(wanted, page)
        words = await words_for(interaction)
        await interaction.response.send_modal(jump_form(services.ladder, wanted, board.pages, words))
    else:
        await show(interaction, wanted, page)


async def pick_races(interaction: Interaction, wanted: BoardFilter | None) -> None:
    ladder = services_of(interaction).ladder
    picked = picked_values(interaction)
    codes = tuple(r.code for r in ladder.races if r.code in picked)
    if wanted is None or not codes or len(codes) != len(set(picked)):
        await show(interaction, None, 1)
        return
    await show(interaction, dataclasses.replace(wanted, races=codes), 1)


async def pick_rank(interaction: Interaction, wanted: BoardFilter | None) -> None:
    bands = services_of(interaction).ladder.ranks.bands
    picked = picked_values(interaction)
    value = picked[0] if len(picked) == 1 else ""
    if wanted is None or not (value == "all" or (value.isascii() and value.isdigit() and int(value) < len(bands))):
        await show(interaction, None, 1)
        return
    band = None if value == "all" else bands[int(value)].name
    await show(interaction, dataclasses.replace(wanted, band=band), 1)


async def jump(interaction: Interaction, wanted: BoardFilter | None) -> None:
    """The page-jump form sent back: the page typed, or a polite word if it is not a page number."""
    typed = form_values(interaction.data, (PAGE,), 20).get(PAGE, "").strip()
    if wanted is not None and not (typed.isascii() and typed.isdigit() and 1 <= int(typed) <= 9_999_999):
        words = await words_for(interaction)
        text = words._("“{typed}” is not a page number. Type a whole number such as 3.", typed=typed[:20])
        await interaction.response.send_message(text, ephemeral=True)
        return
    await show(interaction, wanted, int(typed) if typed.isascii() and typed.isdigit() else 1, typed=True)
