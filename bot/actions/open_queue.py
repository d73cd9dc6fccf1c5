"""/queue: the setup message with the player's last choice, or the region pick first when they are new."""

from __future__ import annotations

from bot.actions.setup import queue_setup
from bot.drawing.player_setup import region_embed, region_view
from bot.ladder_client import Interaction, services_of
from bot.speaking import words_for


async def open_queue(interaction: Interaction) -> None:
    services = services_of(interaction)
    player_id = interaction.user.id
    words = await words_for(interaction)
    if not await services.players.is_set_up(player_id):
        await interaction.response.send_message(
            embed=region_embed(words, words._("Before your first game, set up your ladder profile.")),
            view=region_view(services.ladder, player_id, words),
            ephemeral=_private(interaction),
        )
        return
    embed, view = await queue_setup(services, player_id, words)
    await interaction.response.send_message(embed=embed, view=view, ephemeral=_private(interaction))


def _private(interaction: Interaction) -> bool:
    # Private in a server channel; in a DM it is private anyway, and a plain message can be edited later
    # with the bot token once the interaction token has expired.
    return interaction.guild_id is not None
