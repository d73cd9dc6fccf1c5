"""An admin settles a dispute from its message in the admins' channel: a button per result, then a form for the
reason both players will read."""

from __future__ import annotations

import discord

from bot.actions.form_values import form_values
from bot.admin_access import is_admin, post_to_admin_log
from bot.admin_service import MAX_REASON
from bot.drawing.admin_notes import admin_summary
from bot.drawing.dispute import REASON, reason_form
from bot.ladder_client import Interaction, services_of

NOT_ADMIN = "Only the ladder's admins can settle a dispute."


async def resolve_dispute(interaction: Interaction, match_id: int, result: str) -> None:
    """The button: asks for the reason first (nothing is settled until the form comes back)."""
    if not is_admin(interaction):
        await interaction.response.send_message(NOT_ADMIN, ephemeral=True)
        return
    await interaction.response.send_modal(reason_form(match_id, result, MAX_REASON))


async def reason_given(interaction: Interaction, match_id: int, result: str) -> None:
    """The form sent back: settles the match with the reason, and the dispute post says who settled it how."""
    if not is_admin(interaction):
        await interaction.response.send_message(NOT_ADMIN, ephemeral=True)
        return
    reason = form_values(interaction.data, (REASON,), MAX_REASON + 1).get(REASON, "")
    done = await services_of(interaction).admin.resolve(interaction.user.id, match_id, result, reason)
    if not done.changed:
        await interaction.response.send_message(admin_summary(done), ephemeral=True)
        return
    message = interaction.message
    embed = message.embeds[0] if message and message.embeds else None
    settled = discord.Embed(
        title=f"Match #{match_id} resolved",
        description=(embed.description + "\n\n" if embed and embed.description else "")
        + f"Settled by {interaction.user.mention}: {result}. Reason: {discord.utils.escape_markdown(reason)}",
        colour=discord.Colour.dark_grey(),
    )
    if message is not None:
        await interaction.response.edit_message(embed=settled, view=None)
    else:
        await interaction.response.send_message(embed=settled, ephemeral=True)
    summary = admin_summary(done)
    await post_to_admin_log(
        interaction.client, f"{interaction.user} ({interaction.user.id}): {summary} Reason: {reason}"
    )
