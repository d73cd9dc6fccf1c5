"""Where a player's message lives, so the listener can reach it after the interaction object is gone."""

from __future__ import annotations

import time
from typing import Any

import discord

# An interaction token lives 15 minutes; leave a margin for the request in flight.
TOKEN_LIFETIME_S = 15 * 60 - 20


def token_alive(issued_at: float) -> bool:
    """Whether a token issued then may still be used. A dead token's request is refused with a 401, which
    Discord counts toward banning the bot's IP: it is never sent."""
    return time.time() - issued_at < TOKEN_LIFETIME_S


def token_expiry() -> float:
    """When a token issued now stops being used (Unix time)."""
    return time.time() + TOKEN_LIFETIME_S


def message_ref(interaction: discord.Interaction[Any], drawn_in: str) -> dict[str, Any]:
    """The message this interaction's answer edits: its token (for 15 minutes), channel and message ids, and
    the language it is drawn in (which a later edit keeps, unless the player chose another since)."""
    message = interaction.message
    return {
        "application_id": str(interaction.application_id),
        "token": interaction.token,
        "channel_id": str(interaction.channel_id) if interaction.channel_id else None,
        "message_id": str(message.id) if message else None,
        "ephemeral": bool(message and message.flags.ephemeral),
        # The token lives 15 minutes from the interaction, by the bot's clock.
        "issued_at": time.time(),
        "locale": drawn_in,
    }
