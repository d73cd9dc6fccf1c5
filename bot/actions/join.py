"""Join: write the entry, show the searching view, and subscribe the player to their match."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

import discord

from bot.notifications import Sink
from bot.queue_errors import AlreadyQueued, QueueError
from bot.renderings import render_event
from bot.services import services_of
from bot.views.searching import searching_embed, searching_view
from db.events import Event

if TYPE_CHECKING:
    from bot.views.setup import SetupState

log = logging.getLogger(__name__)


async def join_queue(interaction: discord.Interaction[Any], state: SetupState) -> None:
    services = services_of(interaction)
    player_id = interaction.user.id
    # Subscribed before the entry exists: a match found before we answer waits for the answer.
    sub = services.notifications.subscribe(player_id)
    try:
        joined = await services.queue.join(
            player_id,
            state.races,
            state.vetoes,
            display_name=interaction.user.display_name,
            message_ref=message_ref(interaction),
        )
    except QueueError as err:
        services.notifications.unsubscribe(player_id, sub)
        if isinstance(err, AlreadyQueued):  # offer the way out with the refusal
            await interaction.response.send_message(err.message, ephemeral=True, view=searching_view(player_id))
        else:
            await interaction.response.send_message(err.message, ephemeral=True)
        return
    except Exception:
        services.notifications.unsubscribe(player_id, sub)
        raise
    try:
        snapshot = await services.queue.snapshot()
        embed = searching_embed(services.ladder, joined, snapshot, services.queue.wave_interval_s)
        await interaction.response.edit_message(content=None, embed=embed, view=searching_view(player_id))
    finally:
        services.notifications.activate(sub, _live_sink(interaction, player_id))
    log.info("player %s joined the queue (entry %s)", player_id, joined.entry_id)


def message_ref(interaction: discord.Interaction[Any]) -> dict[str, Any]:
    """Where the searching message lives, so the listener can reach it after a restart."""
    message = interaction.message
    return {
        "application_id": str(interaction.application_id),
        "token": interaction.token,
        "channel_id": str(interaction.channel_id) if interaction.channel_id else None,
        "message_id": str(message.id) if message else None,
        "ephemeral": bool(message and message.flags.ephemeral),
        # The token lives 15 minutes from the interaction, by the bot's clock.
        "issued_at": time.time(),
    }


def _live_sink(interaction: discord.Interaction[Any], player_id: int) -> Sink:
    async def show(event: Event) -> None:
        await interaction.edit_original_response(**render_event(event, player_id).kwargs())

    return show
