"""The polite refusal of a player who joins and leaves the queue faster than the ladder allows."""

from __future__ import annotations

import time

from bot.ladder_client import Interaction, services_of
from bot.spam_guard import slow_down_message


async def slowed_down(interaction: Interaction, player_id: int) -> bool:
    """True when the press was refused (and the player told so); nothing else happens then."""
    wait_s = services_of(interaction).queue_spam.wait_s(player_id, time.monotonic())
    if wait_s <= 0:
        return False
    await interaction.response.send_message(slow_down_message(wait_s), ephemeral=True)
    return True
