"""Join: write the entry, show the searching view, and subscribe the player to their match."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import discord

from bot.actions.owner import belongs_to
from bot.actions.spam import slowed_down
from bot.discord_api import edit_original_response
from bot.drawing.match import match_rendering
from bot.drawing.player_setup import region_view
from bot.drawing.presenting import render_event
from bot.drawing.searching import searching_embed, searching_view
from bot.drawing.setup import SetupState
from bot.message_refs import message_ref, token_alive
from bot.notifications import Sink
from bot.queue_errors import AlreadyQueued, InUnfinishedMatch, NeedsSetup, QueueError
from bot.queue_service import Joined
from bot.services import services_of
from db.events import Event

log = logging.getLogger(__name__)


async def press_join(interaction: discord.Interaction[Any], player_id: int) -> None:
    """Join on the setup message: the races and vetoes picked on it, read back from the message."""
    if not await belongs_to(interaction, player_id):
        return
    await join_queue(interaction, SetupState.from_message(interaction.message))


async def join_queue(interaction: discord.Interaction[Any], state: SetupState) -> None:
    services = services_of(interaction)
    player_id = interaction.user.id
    ref = message_ref(interaction)
    await _enter(
        interaction,
        lambda: services.queue.join(
            player_id, state.races, state.vetoes, display_name=interaction.user.display_name, message_ref=ref
        ),
    )


async def requeue(interaction: discord.Interaction[Any], match_id: int) -> None:
    """Back into the queue after the other side called the match off, keeping the waves waited."""
    services = services_of(interaction)
    ref = message_ref(interaction)
    await _enter(interaction, lambda: services.queue.requeue(match_id, interaction.user.id, ref))


async def _enter(interaction: discord.Interaction[Any], write: Callable[[], Awaitable[Joined]]) -> None:
    """Writes the entry, turns the pressed message into the searching view and subscribes the player to it."""
    services = services_of(interaction)
    player_id = interaction.user.id
    if await slowed_down(interaction, player_id):
        return
    # Subscribed before the entry exists: a match found before we answer waits for the answer.
    sub = services.notifications.subscribe(player_id)
    try:
        joined = await write()
    except QueueError as err:
        services.notifications.unsubscribe(player_id, sub)
        if isinstance(err, AlreadyQueued):  # offer the way out with the refusal
            await interaction.response.send_message(err.message, ephemeral=True, view=searching_view(player_id))
        elif isinstance(err, InUnfinishedMatch):  # the match they may have lost sight of, with its buttons
            payload = await services.matches.current(err.match_id)
            if payload is None:
                await interaction.response.send_message(err.message, ephemeral=True)
            else:
                shown = match_rendering(payload, player_id).send_kwargs()
                await interaction.response.send_message(err.message, ephemeral=True, **shown)
        elif isinstance(err, NeedsSetup):  # offer the setup with the refusal
            await interaction.response.send_message(
                err.message, ephemeral=True, view=region_view(services.ladder, player_id)
            )
        else:
            await interaction.response.send_message(err.message, ephemeral=True)
        return
    except Exception:
        services.notifications.unsubscribe(player_id, sub)
        raise
    try:
        ratings = list(joined.ratings.values())
        snapshot = await services.queue.snapshot(sum(ratings) / len(ratings) if ratings else None)
        embed = searching_embed(services.ladder, joined, snapshot, services.queue.wave_interval_s)
        await interaction.response.edit_message(content=None, embed=embed, view=searching_view(player_id))
    finally:
        services.notifications.activate(sub, _live_sink(interaction, player_id))
    log.info("player %s joined the queue (entry %s)", player_id, joined.entry_id, extra={"player_id": player_id})


class TokenExpired(Exception):
    """The live message can no longer be edited: the listener shows the event by another path."""


def _live_sink(interaction: discord.Interaction[Any], player_id: int) -> Sink:
    return LiveMessage(interaction.client, interaction.application_id, interaction.token, player_id)


@dataclass(frozen=True, slots=True)
class LiveMessage:
    """Shows events in the message a Join answered, knowing only its interaction's token.

    Not the Interaction itself, nor a closure: each waiting player's Interaction (with the message, member and
    components it came with) would be a hundred more objects for every full garbage collection to walk, and
    tens of thousands of players wait at once. This is one object.
    """

    client: discord.Client
    application_id: int
    token: str = field(repr=False)  # a credential: never in a log line
    player_id: int
    issued_at: float = field(default_factory=time.time)

    async def __call__(self, event: Event) -> None:
        if not token_alive(self.issued_at):
            raise TokenExpired(f"the interaction token of player {self.player_id}'s live message has expired")
        rendering = render_event(event, self.player_id)
        await edit_original_response(
            self.client, self.application_id, self.token, embed=rendering.embed, view=rendering.view
        )
