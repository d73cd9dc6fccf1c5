"""Every per-player button checks that the user pressing it is that player."""

from __future__ import annotations

from bot.ladder_client import Interaction
from bot.speaking import words_for


async def belongs_to(interaction: Interaction, player_id: int) -> bool:
    """True when the presser is the player; otherwise answers them politely (privately) and changes nothing."""
    if interaction.user.id == player_id:
        return True
    words = await words_for(interaction)
    await interaction.response.send_message(
        words._("This button belongs to another player. Use /queue to open your own."), ephemeral=True
    )
    return False
