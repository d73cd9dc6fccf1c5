"""The searching view: what the player queued with, how long they have waited, the next wave, Cancel."""

from __future__ import annotations

import discord

from bot.drawing import custom_ids
from bot.drawing.renderings import NEUTRAL_COLOUR, timestamp
from bot.drawing.routed import routed_view
from bot.queue_service import Joined, QueueSnapshot
from db.ladder import Ladder


def searching_embed(ladder: Ladder, joined: Joined, snapshot: QueueSnapshot, wave_interval_s: float) -> discord.Embed:
    embed = discord.Embed(title="Searching for an opponent…", colour=NEUTRAL_COLOUR)
    races = "\n".join(
        f"{ladder.race_by_code[code].name} · {round(joined.ratings.get(code, ladder.rating.start))}"
        for code in joined.choice.races
    )
    embed.add_field(name="You queued with", value=races or "—", inline=True)
    vetoes = ", ".join(joined.choice.vetoes) or "none"
    embed.add_field(name="Vetoed maps", value=vetoes[:1024], inline=True)
    embed.add_field(name="Waiting since", value=timestamp(joined.joined_at), inline=False)
    if snapshot.next_wave_at is None:
        next_wave = f"the first wave is due within {round(wave_interval_s)} seconds"
    elif snapshot.next_wave_at > joined.joined_at:
        next_wave = timestamp(snapshot.next_wave_at)
    else:
        next_wave = "any moment now (the wave is due)"
    embed.add_field(name="Next wave", value=next_wave, inline=True)
    embed.add_field(name="In the queue", value=_players(snapshot.waiting), inline=True)
    embed.add_field(name="Expected wait", value=_estimate(snapshot), inline=True)
    embed.set_footer(text="You will see your match here as soon as a wave finds one.")
    return embed


def searching_view(player_id: int) -> discord.ui.View:
    cancel = discord.ui.Button[discord.ui.View](
        label="Cancel", style=discord.ButtonStyle.secondary, custom_id=custom_ids.cancel_button(player_id)
    )
    return routed_view(cancel)


def _estimate(snapshot: QueueSnapshot) -> str:
    if snapshot.estimated_wait_s is None or snapshot.estimate_basis < 3:
        return "not enough recent games near your rating to tell"
    minutes = snapshot.estimated_wait_s / 60
    about = "under a minute" if minutes < 1 else f"about {round(minutes)} min"
    return f"{about} (from {snapshot.estimate_basis} recent matches near your rating)"


def _players(count: int) -> str:
    return "1 player" if count == 1 else f"{count} players"
