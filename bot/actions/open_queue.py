"""/queue: the setup message with the player's last choice; before it, the ladder's rules to accept and the
profile to set up, for a player who has not done so."""

from __future__ import annotations

from bot.actions.player_setup import needs_rules, open_profile, show_rules
from bot.actions.setup import queue_setup
from bot.ladder_client import Interaction, services_of
from bot.speaking import words_for


async def open_queue(interaction: Interaction) -> None:
    services = services_of(interaction)
    player_id = interaction.user.id
    if await needs_rules(interaction):
        await show_rules(interaction)
        return
    words = await words_for(interaction)
    if not await services.players.is_set_up(player_id):
        await open_profile(
            interaction, to_queue=True, note=words._("Before your first game, set up your ladder profile.")
        )
        return
    embed, view = await queue_setup(services, player_id, words)
    await interaction.response.send_message(embed=embed, view=view, ephemeral=_private(interaction))


def _private(interaction: Interaction) -> bool:
    # Private in a server channel; in a DM it is private anyway, and a plain message can be edited later
    # with the bot token once the interaction token has expired.
    return interaction.guild_id is not None
