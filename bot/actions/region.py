"""The region pick of a player's first setup: saves the setup, then opens the queue's setup message."""

from __future__ import annotations

import discord

from bot.actions.owner import belongs_to
from bot.actions.setup import picked_values, queue_setup
from bot.drawing.refusals import refusal_text
from bot.ladder_client import Interaction, services_of
from bot.player_service import SetupRefused


async def pick_region(interaction: Interaction, player_id: int) -> None:
    if not await belongs_to(interaction, player_id):
        return
    services = services_of(interaction)
    picked = picked_values(interaction)
    region = picked[0][:16] if picked else ""
    try:
        name, region = await services.players.set_up(player_id, interaction.user.display_name, region)
    except SetupRefused as err:
        await interaction.response.send_message(refusal_text(err.refusal), ephemeral=True)
        return
    embed, view = await queue_setup(services, player_id)
    region_name = services.ladder.region_by_code[region].name
    embed.description = f"You are set up as **{discord.utils.escape_markdown(name)}** in {region_name}.\n\n" + (
        embed.description or ""
    )
    await interaction.response.edit_message(embed=embed, view=view)
