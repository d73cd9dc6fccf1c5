"""The /queue setup message: a race select per side, a map-veto select, and Join.

The message keeps no state in the bot's memory: each pick redraws it with the picks marked as defaults, and
Join reads them back from the message. A bot restart between a pick and Join loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord

from bot.drawing import custom_ids
from bot.drawing.custom_ids import ALL_RACES, RACE_PREFIX, VETO_PREFIX
from bot.drawing.routed import routed_view
from bot.words import Words
from db.ladder import Ladder


@dataclass(frozen=True)
class SetupState:
    """The races and vetoes currently picked on a setup message."""

    races: tuple[str, ...] = ()
    vetoes: tuple[str, ...] = ()

    @classmethod
    def from_message(cls, message: discord.Message | None) -> SetupState:
        races: list[str] = []
        vetoes: list[str] = []
        for row in message.components if message else []:
            for item in getattr(row, "children", []):
                if not isinstance(item, discord.SelectMenu) or not item.custom_id:
                    continue
                picked = [o.value for o in item.options if o.default]
                if item.custom_id.startswith(RACE_PREFIX):
                    races.extend(picked)
                elif item.custom_id.startswith(VETO_PREFIX):
                    vetoes.extend(picked)
        return cls(tuple(races), tuple(vetoes))

    def with_side(self, ladder: Ladder, side: str, picked: list[str]) -> SetupState:
        of_side = set(_side_codes(ladder, side))
        kept = [r for r in self.races if r not in of_side]
        return SetupState(tuple(kept + [p for p in picked if p in of_side][:1]), self.vetoes)

    def with_vetoes(self, ladder: Ladder, picked: list[str]) -> SetupState:
        pool = set(ladder.maps.pool)
        return SetupState(self.races, tuple(p for p in picked if p in pool)[: ladder.maps.vetoes])


def setup_embed(ladder: Ladder, words: Words) -> discord.Embed:
    lines = []
    if ladder.has_sides:
        names = words.listing([words.side(side.code) for side in ladder.sides])
        lines.append(words._("Pick the race you play in {sides} (one, or one of each to play either side).",
                             sides=names))  # fmt: skip
    else:
        lines.append(words._("Pick your race."))
    if ladder.maps.vetoes:
        vetoes = ladder.maps.vetoes
        lines.append(words.ngettext("Veto up to {count} map you do not want to play.",
                                    "Veto up to {count} maps you do not want to play.", vetoes))  # fmt: skip
    lines.append(words._("Then press **Join**."))
    return discord.Embed(
        title=words._("{ladder} — queue", ladder=words.names.ladder or ladder.ladder.name), description="\n".join(lines)
    )


def setup_view(ladder: Ladder, player_id: int, state: SetupState, words: Words) -> discord.ui.View:
    sides = [(s.code, words.side(s.code)) for s in ladder.sides] if ladder.has_sides else [(ALL_RACES, "")]
    items: list[discord.ui.Item[Any]] = [
        _race_select(ladder, side, name, player_id, state, row, words) for row, (side, name) in enumerate(sides)
    ]
    if ladder.maps.vetoes and ladder.maps.pool:
        items.append(_veto_select(ladder, player_id, state, len(items), words))
    join = discord.ui.Button[discord.ui.View](
        label=words.pgettext("button", "Join")[:80],
        style=discord.ButtonStyle.success,
        custom_id=custom_ids.join_button(player_id),
        row=len(items),
    )
    items.append(join)
    return routed_view(*items)


def _race_select(
    ladder: Ladder, side: str, side_name: str, player_id: int, state: SetupState, row: int, words: Words
) -> discord.ui.Select[discord.ui.View]:
    options = [
        discord.SelectOption(label=words.race(c)[:100], value=c, default=c in state.races)
        for c in _side_codes(ladder, side)[:25]
    ]
    if ladder.has_sides:
        placeholder = words._("{side}: pick a race (optional)", side=side_name)
    else:
        placeholder = words._("Pick a race")
    return discord.ui.Select(
        custom_id=custom_ids.race_select(side, player_id),
        placeholder=placeholder[:150],
        min_values=0,
        max_values=1,
        options=options or [discord.SelectOption(label=words._("(none)"), value="-")],
        row=row,
    )


def _veto_select(
    ladder: Ladder, player_id: int, state: SetupState, row: int, words: Words
) -> discord.ui.Select[discord.ui.View]:
    pool = ladder.maps.pool[:25]
    placeholder = words.ngettext("Veto up to {count} map (optional)", "Veto up to {count} maps (optional)",
                                 ladder.maps.vetoes)  # fmt: skip
    return discord.ui.Select(
        custom_id=custom_ids.veto_select(player_id),
        placeholder=placeholder[:150],
        min_values=0,
        max_values=max(1, min(ladder.maps.vetoes, len(pool))),
        options=[
            discord.SelectOption(label=words.map(m)[:100], value=m[:100], default=m in state.vetoes) for m in pool
        ],
        row=row,
    )


def initial_state(ladder: Ladder, races: tuple[str, ...], vetoes: tuple[str, ...]) -> SetupState:
    """The last choice, or the only race when the ladder has just one."""
    if not races and len(ladder.races) == 1:
        races = (ladder.races[0].code,)
    return SetupState(races, vetoes)


def _side_codes(ladder: Ladder, side: str) -> list[str]:
    if side == ALL_RACES or not ladder.has_sides:
        return [r.code for r in ladder.races]
    return [r.code for r in ladder.races_of_side(side)]
