"""/notify on|off: a direct message when someone joins the queue while the player is not in it."""

from __future__ import annotations

from bot.ladder_client import Interaction, services_of


async def set_notify(interaction: Interaction, setting: str) -> None:
    services = services_of(interaction)
    if setting not in ("on", "off"):  # Discord offers only the two choices; anything else is forged
        await interaction.response.send_message("Use /notify on or /notify off.", ephemeral=True)
        return
    on = setting == "on"
    await services.players.set_notify(interaction.user.id, on)
    minutes = round(services.ladder.notify.cooldown_s / 60)
    text = (
        f"You will get a direct message when someone joins the queue while you are not in it "
        f"(at most one every {minutes} minutes). /notify off stops them."
        if on
        else "No more messages when someone joins the queue."
    )
    await interaction.response.send_message(text, ephemeral=True)
