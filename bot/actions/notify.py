"""/notify on|off: a direct message when someone joins the queue while the player is not in it."""

from __future__ import annotations

from bot.ladder_client import Interaction, services_of
from bot.speaking import words_for


async def set_notify(interaction: Interaction, setting: str) -> None:
    services = services_of(interaction)
    words = await words_for(interaction)
    if setting not in ("on", "off"):  # Discord offers only the two choices; anything else is forged
        await interaction.response.send_message(words._("Use /notify on or /notify off."), ephemeral=True)
        return
    on = setting == "on"
    await services.players.set_notify(interaction.user.id, on)
    if on:
        text = words.ngettext(
            "You will get a direct message when someone joins the queue while you are not in it "
            "(at most one every {count} minute). /notify off stops them.",
            "You will get a direct message when someone joins the queue while you are not in it "
            "(at most one every {count} minutes). /notify off stops them.",
            round(services.ladder.notify.cooldown_s / 60),
        )
    else:
        text = words._("No more messages when someone joins the queue.")
    await interaction.response.send_message(text, ephemeral=True)
