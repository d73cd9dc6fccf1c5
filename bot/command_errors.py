"""The last resort of a slash command that failed: the player is told, privately; the log keeps the detail.

A command refuses bad input itself with a clear answer; this runs only for what nobody foresaw (a bug, a
database that went away), so the player never sees "The application did not respond" and never sees the
exception.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

log = logging.getLogger(__name__)

SORRY = "Sorry, that did not work on our side. Please try again in a moment."


async def answer_command_error(interaction: discord.Interaction[Any], error: app_commands.AppCommandError) -> None:
    name = interaction.command.qualified_name if interaction.command else "?"
    log.error("command /%s failed for user %s", name, interaction.user.id, exc_info=error)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(SORRY, ephemeral=True)
        else:
            await interaction.response.send_message(SORRY, ephemeral=True)
    except discord.HTTPException as exc:  # the interaction is gone (answered too late); the log has the cause
        log.warning("could not tell user %s that /%s failed: %s", interaction.user.id, name, exc.status)
