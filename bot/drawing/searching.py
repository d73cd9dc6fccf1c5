"""The searching view: what the player queued with, how long they have waited, the next wave, Cancel."""

from __future__ import annotations

import discord

from bot.drawing import custom_ids
from bot.drawing.renderings import NEUTRAL_COLOUR, timestamp
from bot.drawing.routed import routed_view
from bot.queue_service import Joined, QueueSnapshot
from bot.words import Words
from db.ladder import Ladder


def searching_embed(
    ladder: Ladder, joined: Joined, snapshot: QueueSnapshot, wave_interval_s: float, words: Words
) -> discord.Embed:
    embed = discord.Embed(title=words._("Searching for an opponent…"), colour=NEUTRAL_COLOUR)
    races = "\n".join(
        f"{words.race(code)} · {words.rating(joined.ratings.get(code, ladder.rating.start))}"
        for code in joined.choice.races
    )
    embed.add_field(name=words._("You queued with"), value=races or "—", inline=True)
    vetoes = words.listing([words.map(m) for m in joined.choice.vetoes]) or words._("none")
    embed.add_field(name=words._("Vetoed maps"), value=vetoes[:1024], inline=True)
    embed.add_field(name=words._("Waiting since"), value=timestamp(joined.joined_at), inline=False)
    if snapshot.next_wave_at is None:
        next_wave = words.ngettext("the first wave is due within {count} second",
                                   "the first wave is due within {count} seconds", round(wave_interval_s))  # fmt: skip
    elif snapshot.next_wave_at > joined.joined_at:
        next_wave = timestamp(snapshot.next_wave_at)
    else:
        next_wave = words._("any moment now (the wave is due)")
    embed.add_field(name=words._("Next wave"), value=next_wave, inline=True)
    waiting = words.ngettext("{count} player", "{count} players", snapshot.waiting)
    embed.add_field(name=words._("In the queue"), value=waiting, inline=True)
    embed.add_field(name=words._("Expected wait"), value=_estimate(snapshot, words), inline=True)
    embed.set_footer(text=words._("You will see your match here as soon as a wave finds one."))
    return embed


def searching_view(player_id: int, words: Words) -> discord.ui.View:
    cancel = discord.ui.Button[discord.ui.View](
        label=words.pgettext("button", "Cancel")[:80],
        style=discord.ButtonStyle.secondary,
        custom_id=custom_ids.cancel_button(player_id),
    )
    return routed_view(cancel)


def _estimate(snapshot: QueueSnapshot, words: Words) -> str:
    if snapshot.estimated_wait_s is None or snapshot.estimate_basis < 3:
        return words._("not enough recent games near your rating to tell")
    minutes = round(snapshot.estimated_wait_s / 60)
    basis = snapshot.estimate_basis
    if minutes < 1:
        return words.ngettext("under a minute (from {count} recent match near your rating)",
                              "under a minute (from {count} recent matches near your rating)", basis)  # fmt: skip
    return words.ngettext("about {minutes} min (from {count} recent match near your rating)",
                          "about {minutes} min (from {count} recent matches near your rating)", basis,
                          minutes=words.number(minutes))  # fmt: skip
