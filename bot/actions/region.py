"""Setting up a player: /setup, and the region pick of a first setup (which then opens the queue's setup message)."""

from __future__ import annotations

import discord

from bot.actions.owner import belongs_to
from bot.actions.setup import picked_values, queue_setup
from bot.drawing.player_setup import region_embed, region_view
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


async def set_up_by_command(interaction: Interaction, name: str | None, region: str | None) -> None:
    """/setup: with a region, saves the name and region; without one, offers the region pick."""
    services = services_of(interaction)
    if region is None:
        await interaction.response.send_message(
            embed=region_embed(), view=region_view(services.ladder, interaction.user.id), ephemeral=True
        )
        return
    try:
        saved_name, saved_region = await services.players.set_up(
            interaction.user.id, name or interaction.user.display_name, region
        )
    except SetupRefused as err:
        await interaction.response.send_message(refusal_text(err.refusal), ephemeral=True)
        return
    region_name = services.ladder.region_by_code[saved_region].name
    await interaction.response.send_message(
        f"You are set up as **{discord.utils.escape_markdown(saved_name)}** in {region_name}. Use /queue to play.",
        ephemeral=True,
    )
