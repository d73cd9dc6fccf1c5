"""Cancel: leave the queue, or learn that a wave matched the player first (and see the match)."""

from __future__ import annotations

from bot.actions.owner import belongs_to
from bot.actions.spam import slowed_down
from bot.drawing.match import match_rendering
from bot.drawing.renderings import left_queue_embed
from bot.ladder_client import Interaction, services_of
from bot.queue_service import AlreadyMatched, Cancelled
from bot.speaking import words_for
from db.deliveries import match_found_payload


async def cancel_queue(interaction: Interaction, player_id: int) -> None:
    if not await belongs_to(interaction, player_id):
        return
    words = await words_for(interaction)
    if await slowed_down(interaction, player_id, words):
        return
    services = services_of(interaction)
    outcome = await services.queue.cancel(player_id)
    if isinstance(outcome, Cancelled):
        services.notifications.unsubscribe(player_id)
        embed = left_queue_embed(words, words._("You left the queue. Use /queue whenever you want to play."))
        await interaction.response.edit_message(content=None, embed=embed, view=None)
    elif isinstance(outcome, AlreadyMatched):
        async with services.sessions() as session:
            payload = await match_found_payload(session, outcome.match_id)
        if payload is None:  # the event is not written yet: cannot happen once the wave committed, but be kind
            text = words._("A wave matched you just before you cancelled: match #{match}.", match=outcome.match_id)
            embed = left_queue_embed(words, text)
            await interaction.response.edit_message(content=None, embed=embed, view=None)
            return
        await interaction.response.edit_message(**match_rendering(payload, player_id, "", words).kwargs())
    else:
        services.notifications.unsubscribe(player_id)
        embed = left_queue_embed(words, words._("You are not in the queue. Use /queue to join it."))
        await interaction.response.edit_message(content=None, embed=embed, view=None)
