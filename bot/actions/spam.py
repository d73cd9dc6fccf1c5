"""The polite refusal of a player who joins and leaves the queue faster than the ladder allows."""

from __future__ import annotations

import math
import time

from bot.ladder_client import Interaction, services_of
from bot.words import Words


async def slowed_down(interaction: Interaction, player_id: int, words: Words) -> bool:
    """True when the press was refused (and the player told so); nothing else happens then."""
    wait_s = services_of(interaction).queue_spam.wait_s(player_id, time.monotonic())
    if wait_s <= 0:
        return False
    await interaction.response.send_message(slow_down_message(words, wait_s), ephemeral=True)
    return True


def slow_down_message(words: Words, wait_s: float) -> str:
    return words.ngettext(
        "You are joining and leaving the queue very quickly. Please wait {count} second and try again.",
        "You are joining and leaving the queue very quickly. Please wait {count} seconds and try again.",
        max(1, math.ceil(wait_s)),
    )
