"""/notify on|off [cooldown]: a direct message when players have been waiting in the queue while this player is
not in it, at most once per the player's own cooldown."""

from __future__ import annotations

from bot.ladder_client import Interaction, services_of
from bot.speaking import words_for

# The cooldowns a player may choose, in minutes: from a call every few minutes to one a day.
COOLDOWN_MINUTES = (5, 1440)


async def set_notify(interaction: Interaction, setting: str, cooldown_minutes: int | None = None) -> None:
    services = services_of(interaction)
    words = await words_for(interaction)
    if setting not in ("on", "off"):  # Discord offers only the two choices; anything else is forged
        await interaction.response.send_message(words._("Use /notify on or /notify off."), ephemeral=True)
        return
    low, high = COOLDOWN_MINUTES
    if cooldown_minutes is not None and not low <= cooldown_minutes <= high:  # Discord keeps to the range
        text = words._("Choose a cooldown from {low} to {high} minutes.", low=low, high=high)
        await interaction.response.send_message(text, ephemeral=True)
        return
    on = setting == "on"
    chosen = None if cooldown_minutes is None else cooldown_minutes * 60.0
    cooldown_s = await services.players.set_notify(interaction.user.id, on, chosen)
    if on:
        text = words._(
            "You will get a direct message when players have waited {delay} in the queue while you are not in it, "
            "at most one every {cooldown}. /notify off stops them.",
            delay=words.duration(services.ladder.notify.delay_s),
            cooldown=words.duration(cooldown_s),
        )
    else:
        text = words._("No more messages when players are waiting in the queue.")
    await interaction.response.send_message(text, ephemeral=True)
