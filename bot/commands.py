"""The slash commands: thin, each hands over to a view or an action."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.services import services_of
from bot.views.setup import initial_state, setup_embed, setup_view


@app_commands.command(name="queue", description="Pick your races and map vetoes, then join the ladder's queue.")
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
@app_commands.allowed_installs(guilds=True, users=False)
async def queue_command(interaction: discord.Interaction[Any]) -> None:
    services = services_of(interaction)
    last = await services.queue.last_choice(interaction.user.id)
    state = initial_state(services.ladder, last.races if last else (), last.vetoes if last else ())
    await interaction.response.send_message(
        embed=setup_embed(services.ladder),
        view=setup_view(services.ladder, interaction.user.id, state),
        # Private in a server channel; in a DM it is private anyway, and a plain message can be edited later
        # with the bot token once the interaction token has expired.
        ephemeral=interaction.guild_id is not None,
    )


COMMANDS: list[app_commands.Command[Any, Any, Any]] = [queue_command]
