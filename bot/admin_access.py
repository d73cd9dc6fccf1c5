"""Who may use the admin tools, and the admins' log channel where what they do is posted."""

from __future__ import annotations

import logging
from typing import Any

import discord

from db.settings import Settings

log = logging.getLogger(__name__)


def is_admin(interaction: discord.Interaction[Any]) -> bool:
    """Manage Server, or the admin role, in the ladder's home server; nobody anywhere else."""
    member = interaction.user
    home = settings_of(interaction.client).home_guild_id()
    if home is None or interaction.guild_id != home or not isinstance(member, discord.Member):
        return False
    # The permissions Discord computed for this member in this channel, sent with the interaction.
    if interaction.permissions.manage_guild:
        return True
    role_id = settings_of(interaction.client).admin_role_id
    return role_id is not None and any(r.id == role_id for r in member.roles)


def settings_of(client: discord.Client) -> Settings:
    settings: Settings = getattr(client, "settings")  # noqa: B009 - LadderBot's, not discord.Client's
    return settings


async def post_to_admin_log(client: discord.Client, text: str) -> None:
    """Best effort: the audit row is the record; a log channel that is gone or closed must not fail the action."""
    channel_id = settings_of(client).admin_channel_id
    if not channel_id:
        return
    try:
        await client.get_partial_messageable(channel_id).send(
            text[:2000], allowed_mentions=discord.AllowedMentions.none()
        )
    except discord.HTTPException as exc:
        log.warning("could not post to the admins' log channel: %s %s", exc.status, exc.code)
