"""The last resort of a command or a button that failed: the player is told, privately; the log keeps the detail.

Commands and views refuse bad input themselves with a clear answer; this runs only for what nobody foresaw (a
bug, a database that went away), so the player never sees "This interaction failed" and never sees the
exception.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.catalogs import source_words
from bot.speaking import words_without_asking
from bot.words import Words

log = logging.getLogger(__name__)


Item = TypeVar("Item")


async def answer_command_error(interaction: discord.Interaction[Any], error: app_commands.AppCommandError) -> None:
    name = interaction.command.qualified_name if interaction.command else "?"
    log.error("command /%s failed for user %s", name, interaction.user.id, exc_info=error)
    await _say_sorry(interaction, f"/{name}")


def answers_failure(
    callback: Callable[[Item, discord.Interaction[Any]], Coroutine[Any, Any, None]],
) -> Callable[[Item, discord.Interaction[Any]], Coroutine[Any, Any, None]]:
    """For a dynamic item's callback, whose exceptions discord.py would only log."""

    @functools.wraps(callback)
    async def guarded(item: Item, interaction: discord.Interaction[Any]) -> None:
        try:
            await callback(item, interaction)
        except Exception:
            log.exception("%s failed for user %s", type(item).__name__, interaction.user.id)
            await _say_sorry(interaction, type(item).__name__)

    return guarded


def sorry_text(words: Words) -> str:
    return words._("Sorry, that did not work on our side. Please try again in a moment.")


# In English, as the admins (and the tests) read it.
SORRY = sorry_text(source_words())


async def _say_sorry(interaction: discord.Interaction[Any], what: str) -> None:
    sorry = sorry_text(words_without_asking(interaction))
    try:
        if interaction.response.is_done():
            await interaction.followup.send(sorry, ephemeral=True)
        else:
            await interaction.response.send_message(sorry, ephemeral=True)
    except discord.HTTPException as exc:  # the interaction is gone (answered too late); the log has the cause
        log.warning("could not tell user %s that %s failed: %s", interaction.user.id, what, exc.status)
