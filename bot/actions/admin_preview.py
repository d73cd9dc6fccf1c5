"""An admin's Confirm or Cancel under a preview: the action done (and logged for the other admins) or dropped."""

from __future__ import annotations

import discord

from bot.admin_access import is_admin, post_to_admin_log
from bot.drawing.admin_notes import admin_summary
from bot.ladder_client import Interaction, services_of

NOT_ADMIN = "Only the ladder's admins can confirm an admin action."


async def decide(interaction: Interaction, preview_id: int, decision: str) -> None:
    if not is_admin(interaction):
        await interaction.response.send_message(NOT_ADMIN, ephemeral=True)
        return
    admin = services_of(interaction).admin
    if decision == "cancel":
        done = await admin.cancel(interaction.user.id, preview_id)
        await interaction.response.edit_message(content=admin_summary(done)[:2000], view=None)
        return
    done, reason = await admin.confirm(interaction.user.id, preview_id)
    said = ("Done: " if done.changed else "") + admin_summary(done)
    await interaction.response.edit_message(content=said[:2000], view=None)
    if done.changed:
        why = f" Reason: {discord.utils.escape_markdown(reason)}" if reason else ""
        await post_to_admin_log(
            interaction.client, f"{interaction.user} ({interaction.user.id}): {admin_summary(done)}{why}"
        )
