"""/help: what the ladder is, how a match goes and the commands, from the ladder file and the catalogs."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.drawing.renderings import NEUTRAL_COLOUR
from bot.words import Words
from db.ladder import Ladder


def help_embed(ladder: Ladder, words: Words, commands: Sequence[tuple[str, str]]) -> discord.Embed:
    """`commands`: each player command's name and description, as declared (shown in the reader's language)."""
    mm, match = ladder.matchmaking, ladder.match
    if ladder.has_sides:
        sides = [words.side(s.code) for s in ladder.sides]
        races = words._("Pick the race you play in {first} or in {second}, or one of each to play either side.",
                        first=sides[0], second=sides[1])  # fmt: skip
    else:
        races = words._("Pick the race you play.")
    steps = [
        words._(
            "Set up your profile with /setup (your names, so your opponent finds you in the game), and accept "
            "the ladder's rules."
        ),
        words._("Use /queue. {races} Then press **Join**.", races=races),
        words._(
            "Every {interval}, a wave pairs the players waiting by rating; the longer you wait, the wider it looks.",
            interval=words.duration(mm.wave_interval_s),
        ),
        words._(
            "When you are matched, confirm within {window}. The match message says how to meet in the game.",
            window=words.duration(match.confirm_window_s),
        ),
        _result_step(ladder, words),
        words._("Agreeing results move your rating once; a disagreement goes to the admins."),
    ]
    embed = discord.Embed(
        title=words._("How {ladder} works", ladder=words.names.ladder)[:256],
        description="\n".join(f"{n}. {step}" for n, step in enumerate(steps, start=1))[:4000],
        colour=NEUTRAL_COLOUR,
    )
    listed = [
        f"**/{words.pgettext('command_name', name)}** — {words.pgettext('command_description', description)}"
        for name, description in commands
    ]
    embed.add_field(name=words._("Commands"), value="\n".join(listed)[:1024], inline=False)
    if ladder.maps.pool:
        embed.add_field(
            name=words.ngettext(
                "The map pool (veto up to {count})", "The map pool (veto up to {count})", ladder.maps.vetoes
            ),
            value=words.listing([words.map(m) for m in ladder.maps.pool])[:1024],
            inline=False,
        )
    return embed


def _result_step(ladder: Ladder, words: Words) -> str:
    window = words.duration(ladder.match.report_window_s)
    if ladder.replays.mode == "required":
        return words._("Play your game, then upload its replay with /replay within {window}.", window=window)
    if ladder.replays.mode == "optional":
        return words._("Play your game, then report the result on the match message within {window}, or upload "
                       "its replay with /replay.", window=window)  # fmt: skip
    return words._("Play your game, then report the result on the match message within {window}.", window=window)
