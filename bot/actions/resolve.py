"""An admin settles a dispute from its message in the admins' channel."""

from __future__ import annotations

import discord

from bot.admin_access import is_admin, post_to_admin_log
from bot.drawing.admin_notes import admin_summary
from bot.ladder_client import Interaction, services_of


async def resolve_dispute(interaction: Interaction, match_id: int, result: str) -> None:
    if not is_admin(interaction):
        await interaction.response.send_message("Only the ladder's admins can settle a dispute.", ephemeral=True)
        return
    done = await services_of(interaction).admin.resolve(interaction.user.id, match_id, result)
    if not done.changed:
        await interaction.response.send_message(admin_summary(done), ephemeral=True)
        return
    embed = interaction.message.embeds[0] if interaction.message and interaction.message.embeds else None
    settled = discord.Embed(
        title=f"Match #{match_id} resolved",
        description=(embed.description + "\n\n" if embed and embed.description else "")
        + f"Settled by {interaction.user.mention}: {result}.",
        colour=discord.Colour.dark_grey(),
    )
    await interaction.response.edit_message(embed=settled, view=None)
    await post_to_admin_log(interaction.client, f"{interaction.user} ({interaction.user.id}): {admin_summary(done)}")
