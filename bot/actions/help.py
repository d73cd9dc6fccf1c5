"""/help: how the ladder works, privately, in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence

from bot.drawing.help import help_embed
from bot.ladder_client import Interaction, services_of
from bot.speaking import words_for


async def show_help(interaction: Interaction, commands: Sequence[tuple[str, str]]) -> None:
    words = await words_for(interaction)
    embed = help_embed(services_of(interaction).ladder, words, commands)
    await interaction.response.send_message(embed=embed, ephemeral=True)
