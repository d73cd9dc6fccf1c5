"""Join: write the entry, show the searching view, and subscribe the player to their match."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.actions.owner import belongs_to
from bot.actions.player_setup import open_profile
from bot.actions.spam import slowed_down
from bot.drawing.match import match_rendering
from bot.drawing.notices import notices_embed, notices_view
from bot.drawing.refusals import refusal_text
from bot.drawing.searching import searching_embed, searching_view
from bot.drawing.setup import SetupState
from bot.ladder_client import Interaction, services_of
from bot.live_messages import LiveMessages
from bot.message_refs import message_ref, token_expiry
from bot.queue_errors import AlreadyQueued, InUnfinishedMatch, NeedsSetup, QueueError
from bot.queue_service import Joined
from bot.speaking import client_locale, words_for
from bot.words import Words

log = logging.getLogger(__name__)


async def press_join(interaction: Interaction, player_id: int) -> None:
    """Join on the setup message: the races and vetoes picked on it, read back from the message."""
    if not await belongs_to(interaction, player_id):
        return
    await join_queue(interaction, SetupState.from_message(interaction.message))


async def join_queue(interaction: Interaction, state: SetupState) -> None:
    services = services_of(interaction)
    player_id = interaction.user.id
    words = await words_for(interaction)
    if services.ladder.notices:
        notices = await services.players.notices_to_show(player_id, state.races, state.vetoes)
        if notices:  # read once, before this Join or the next one goes through
            await interaction.response.send_message(
                embed=notices_embed(words, notices),
                view=notices_view(services.ladder, notices, player_id, words),
                ephemeral=True,
            )
            return
    ref = message_ref(interaction, words.code)
    await _enter(
        interaction,
        words,
        lambda: services.queue.join(
            player_id,
            state.races,
            state.vetoes,
            display_name=interaction.user.display_name,
            discord_name=interaction.user.name,
            message_ref=ref,
            locale=client_locale(interaction),
        ),
    )


async def acknowledge_notices(interaction: Interaction, places: list[int], player_id: int) -> None:
    """Understood: the notices are not shown to this player again (until the ladder gives them new ids)."""
    if not await belongs_to(interaction, player_id):
        return
    services = services_of(interaction)
    notices = [services.ladder.notices[i].id for i in places if i < len(services.ladder.notices)]
    await services.players.acknowledge_notices(player_id, notices)
    words = await words_for(interaction)
    text = words._("Thank you. Press **Join** on your queue message again.")
    await interaction.response.edit_message(content=text, embed=None, view=None)


async def requeue(interaction: Interaction, match_id: int) -> None:
    """Back into the queue after the other side called the match off, keeping the waves waited."""
    services = services_of(interaction)
    words = await words_for(interaction)
    ref = message_ref(interaction, words.code)
    await _enter(interaction, words, lambda: services.queue.requeue(match_id, interaction.user.id, ref))


async def _enter(interaction: Interaction, words: Words, write: Callable[[], Awaitable[Joined]]) -> None:
    """Writes the entry, turns the pressed message into the searching view and subscribes the player to it."""
    services = services_of(interaction)
    player_id = interaction.user.id
    if await slowed_down(interaction, player_id, words):
        return
    # Subscribed before the entry exists: a match found before we answer waits for the answer.
    sub = services.notifications.subscribe(player_id)
    try:
        joined = await write()
    except QueueError as err:
        services.notifications.unsubscribe(player_id, sub)
        if isinstance(err, AlreadyQueued):  # offer the way out with the refusal
            await interaction.response.send_message(
                refusal_text(words, err.refusal), ephemeral=True, view=searching_view(player_id, words)
            )
        elif isinstance(err, InUnfinishedMatch):  # the match they may have lost sight of, with its buttons
            payload = await services.matches.current(err.match_id)
            if payload is None:
                await interaction.response.send_message(refusal_text(words, err.refusal), ephemeral=True)
            else:
                shown = match_rendering(payload, player_id, "", words).send_kwargs()
                await interaction.response.send_message(refusal_text(words, err.refusal), ephemeral=True, **shown)
        elif isinstance(err, NeedsSetup):  # the setup, with the refusal as its note
            await open_profile(interaction, to_queue=True, note=refusal_text(words, err.refusal))
        else:
            await interaction.response.send_message(refusal_text(words, err.refusal), ephemeral=True)
        return
    except Exception:
        services.notifications.unsubscribe(player_id, sub)
        raise
    try:
        ratings = list(joined.ratings.values())
        snapshot = await services.queue.snapshot(sum(ratings) / len(ratings) if ratings else None)
        embed = searching_embed(services.ladder, joined, snapshot, services.queue.wave_interval_s, words)
        await interaction.response.edit_message(content=None, embed=embed, view=searching_view(player_id, words))
    finally:
        address = LiveMessages.address(interaction.application_id, interaction.token, player_id, words.code)
        services.notifications.activate(sub, services.live_messages.show, address, until=token_expiry())
    log.info("player %s joined the queue (entry %s)", player_id, joined.entry_id, extra={"player_id": player_id})
