"""Who may use the admin tools, and the admins' log channel where what they do is posted."""

from __future__ import annotations

import logging

import discord

from bot.ladder_client import Interaction, LadderClient

log = logging.getLogger(__name__)


def is_admin(interaction: Interaction) -> bool:
    """Manage Server, or the admin role, in the ladder's home server; nobody anywhere else."""
    member = interaction.user
    home = interaction.client.settings.home_guild_id()
    if home is None or interaction.guild_id != home or not isinstance(member, discord.Member):
        return False
    # The permissions Discord computed for this member in this channel, sent with the interaction.
    if interaction.permissions.manage_guild:
        return True
    role_id = interaction.client.settings.admin_role_id
    return role_id is not None and any(r.id == role_id for r in member.roles)


async def post_to_admin_log(client: LadderClient, text: str) -> None:
    """Best effort: the audit row is the record; a log channel that is gone or closed must not fail the action."""
    channel_id = client.settings.admin_channel_id
    if not channel_id:
        return
    try:
        await client.get_partial_messageable(channel_id).send(
            text[:2000], allowed_mentions=discord.AllowedMentions.none()
        )
    except discord.HTTPException as exc:
        log.warning("could not post to the admins' log channel: %s %s", exc.status, exc.code)
