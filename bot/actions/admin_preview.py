"""An admin's Confirm or Cancel under a preview: the action done (and logged for the other admins) or dropped."""

from __future__ import annotations

import logging

import discord

from bot.admin_access import is_admin, post_to_admin_log
from bot.admin_service import clean_reason
from bot.drawing.admin_notes import admin_summary
from bot.ladder_client import Interaction, services_of
from db.admin import Done

log = logging.getLogger(__name__)

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
    done, params = await admin.confirm(interaction.user.id, preview_id)
    said = ("Done: " if done.changed else "") + admin_summary(done)
    await interaction.response.edit_message(content=said[:2000], view=None)
    if not done.changed:
        return
    reason = clean_reason(params.get("reason"))
    post = params.get("post")
    if isinstance(post, list) and len(post) == 2:
        await settled_post(interaction, int(post[0]), int(post[1]), done, reason)
    why = f" Reason: {discord.utils.escape_markdown(reason)}" if reason else ""
    logged = f"{interaction.user} ({interaction.user.id}): {admin_summary(done)}{why}"
    await post_to_admin_log(interaction.client, logged)


async def settled_post(
    interaction: Interaction, channel_id: int, message_id: int, done: Done, reason: str | None
) -> None:
    """The dispute's post in the admins' channel, its buttons gone: who settled it how, and why."""
    try:
        message = await interaction.client.get_partial_messageable(channel_id).fetch_message(message_id)
        embed = message.embeds[0] if message.embeds else None
        settled = discord.Embed(
            title=f"Match #{done.params.get('match')} resolved",
            description=(embed.description + "\n\n" if embed and embed.description else "")
            + f"Settled by {interaction.user.mention}: {done.params.get('resolution')}."
            + (f" Reason: {discord.utils.escape_markdown(reason)}" if reason else ""),
            colour=discord.Colour.dark_grey(),
        )
        await message.edit(embed=settled, view=None)
    except discord.HTTPException as err:  # the post was deleted, say: the match is settled all the same
        log.warning("dispute post %s not updated (%s)", message_id, err.status)
