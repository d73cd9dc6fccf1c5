"""The JSON objects Discord sends, with the keys discord.py reads without a default (it raises KeyError otherwise)."""

from __future__ import annotations

import datetime

from . import rules
from .models import JSON, Message
from .store import DM, Channel, Guild, Identity, Store, User

# @everyone in a small server: view channels, send messages, embed links, read history, use application commands.
EVERYONE_PERMISSIONS = str((1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 31))
# A server admin: everything @everyone has, and Manage Server.
ADMIN_PERMISSIONS = str(int(EVERYONE_PERMISSIONS) | (1 << 5))
# The bot is an administrator, so no permission check on the bot's side gets in the way.
BOT_PERMISSIONS = str((1 << 3) | (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 31))
ATTACHMENT_SIZE_LIMIT = rules.MAX_FILE_SIZE  # no boosts, no Nitro: the default for everyone
CHAT_INPUT_REPLY = 20


def iso(at: float | None) -> str | None:
    if at is None:
        return None
    return datetime.datetime.fromtimestamp(at, datetime.UTC).isoformat()


def user(u: User) -> JSON:
    return {
        "id": str(u.id),
        "username": u.name,
        "global_name": None if u.bot else u.name,
        "discriminator": "0",
        "avatar": None,
        "bot": u.bot,
        "public_flags": 0,
        "flags": 0,
        "primary_guild": None,
    }


def bot_user(store: Store) -> JSON:
    data = user(store.users[store.identity.bot_user_id])
    data.update(verified=True, mfa_enabled=False, email=None, locale="en-US")
    return data


def member(store: Store, u: User, *, with_permissions: bool) -> JSON:
    data: JSON = {
        "user": user(u),
        "roles": [],
        "nick": None,
        "avatar": None,
        "joined_at": iso(store.clock.now() - 86400),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if with_permissions:
        if u.bot:
            data["permissions"] = BOT_PERMISSIONS
        else:
            data["permissions"] = ADMIN_PERMISSIONS if u.id in store.admins else EVERYONE_PERMISSIONS
    return data


def application(store: Store) -> JSON:
    ident = store.identity
    return {
        "id": str(ident.application_id),
        "name": ident.bot_name,
        "icon": None,
        "description": "",
        "rpc_origins": [],
        "bot_public": False,
        "bot_require_code_grant": False,
        "owner": user(store.user(_owner_id(ident))),
        "summary": "",
        "verify_key": "0" * 64,
        "flags": 0,
        "flags_new": "0",
        "team": None,
        "bot": bot_user(store),
        "type": None,
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "approximate_guild_count": len(store.guilds),
        "approximate_user_install_count": 0,
        "approximate_user_authorization_count": 0,
        "explicit_content_filter": 0,
        "eligible_oauth2_scopes": ["applications.commands", "bot"],
    }


def _owner_id(ident: Identity) -> int:
    return ident.guild_id + 1


def channel(store: Store, ch: Channel) -> JSON:
    if ch.type == DM:
        assert ch.recipient_id is not None
        return {
            "id": str(ch.id),
            "type": DM,
            "last_message_id": None,
            "flags": 0,
            "recipients": [user(store.user(ch.recipient_id))],
        }
    assert ch.guild_id is not None
    return {
        "id": str(ch.id),
        "type": ch.type,
        "guild_id": str(ch.guild_id),
        "name": ch.name or store.identity.channel_name,
        "position": [c.id for c in store.guild_channels(ch.guild_id)].index(ch.id),
        "permission_overwrites": [],
        "nsfw": False,
        "topic": None,
        "parent_id": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def guild_create(store: Store, guild: Guild) -> JSON:
    ident = store.identity
    bot = store.users[ident.bot_user_id]
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": str(_owner_id(ident)),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "features": [],
        "roles": [
            {
                "id": str(guild.id),
                "name": "@everyone",
                "permissions": EVERYONE_PERMISSIONS,
                "position": 0,
                "color": 0,
                "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "icon": None,
                "unicode_emoji": None,
                "flags": 0,
            }
        ],
        "emojis": [],
        "stickers": [],
        "channels": [channel(store, c) for c in store.guild_channels(guild.id)],
        "threads": [],
        "members": [member(store, bot, with_permissions=False)],
        "member_count": len(store.users),
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "joined_at": iso(store.clock.now() - 86400),
        "large": False,
        "unavailable": False,
        "lazy": True,
        "premium_subscription_count": 0,
    }


def guild(store: Store, g: Guild) -> JSON:
    """GET /guilds/{guild_id}: the guild's settings, without what only the gateway sends (channels, members)."""
    whole = guild_create(store, g)
    kept = ("id", "name", "icon", "splash", "discovery_splash", "owner_id", "afk_channel_id", "afk_timeout",
            "verification_level", "default_message_notifications", "explicit_content_filter", "mfa_level",
            "nsfw_level", "premium_tier", "preferred_locale", "system_channel_id", "system_channel_flags",
            "rules_channel_id", "public_updates_channel_id", "features", "roles", "emojis", "stickers",
            "premium_subscription_count")  # fmt: skip
    return {
        **{key: whole[key] for key in kept},
        "description": None,
        "home_header": None,
        "banner": None,
        "application_id": None,
        "region": "deprecated",
        "widget_enabled": False,
        "widget_channel_id": None,
        "max_presences": None,
        "max_members": 25000000,
        "max_stage_video_channel_users": 50,
        "max_video_channel_users": 25,
        "vanity_url_code": None,
        "safety_alerts_channel_id": None,
        "premium_progress_bar_enabled": False,
        "nsfw": False,
        "incidents_data": None,
    }


def ready(store: Store, session_id: str, resume_url: str, guilds: list[Guild], shard: tuple[int, int]) -> JSON:
    """READY of one shard: its own guilds, each unavailable until its GUILD_CREATE."""
    ident = store.identity
    return {
        "v": 10,
        "user": bot_user(store),
        "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
        "session_id": session_id,
        "session_type": "normal",
        "resume_gateway_url": resume_url,
        "shard": list(shard),
        "application": {"id": str(ident.application_id), "flags": 0},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": [],
        "user_settings": {},
        "auth": {},
    }


def message(store: Store, m: Message) -> JSON:
    ch = store.channels[m.channel_id]
    author = store.users[m.author_id]
    data: JSON = {
        "id": str(m.id),
        "channel_id": str(m.channel_id),
        "type": CHAT_INPUT_REPLY if m.interaction_token is not None else 0,
        "content": m.content or "",
        "author": user(author),
        "timestamp": iso(m.created_at),
        "edited_timestamp": iso(m.edited_at),
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [str(r) for r in m.mention_roles],
        "attachments": [store.cdn.refreshed(a) for a in m.attachments],
        "embeds": m.embeds,
        "components": m.components,
        "pinned": False,
        "flags": m.flags,
    }
    guild_id = store.guild_id_of(ch)
    if guild_id is not None and not m.ephemeral:
        data["guild_id"] = str(guild_id)
    if m.interaction_token is not None:
        data["webhook_id"] = str(store.identity.application_id)
        data["application_id"] = str(store.identity.application_id)
    return data
