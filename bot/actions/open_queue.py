"""/queue: the setup message with the player's last choice; before it, the ladder's rules to accept and the
profile to set up, for a player who has not done so."""

from __future__ import annotations

from bot.actions.player_setup import needs_rules, open_profile, show_rules
from bot.actions.setup import private_here, queue_setup
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
    await interaction.response.send_message(embed=embed, view=view, ephemeral=private_here(interaction))
