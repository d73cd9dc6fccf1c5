"""The /queue setup view: a race select per side, a map-veto select, and Join.

The view keeps no state in the bot's memory: each pick re-renders the message with the picks marked as
defaults, and Join reads them back from the message. A bot restart between a pick and Join loses nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import discord

from bot.actions.join import join_queue
from bot.failures import answers_failure
from bot.services import services_of
from bot.views.owner import belongs_to
from bot.views.routed import routed_view
from db.ladder import Ladder

# The select of a ladder without sides carries this in place of a side's code.
ALL_RACES = "all"
_PLAYER = r"(?P<player>[0-9]{1,20})"


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
                if item.custom_id.startswith("ladder:race:"):
                    races.extend(picked)
                elif item.custom_id.startswith("ladder:veto:"):
                    vetoes.extend(picked)
        return cls(tuple(races), tuple(vetoes))

    def with_side(self, ladder: Ladder, side: str, picked: list[str]) -> SetupState:
        of_side = set(_side_codes(ladder, side))
        kept = [r for r in self.races if r not in of_side]
        return SetupState(tuple(kept + [p for p in picked if p in of_side][:1]), self.vetoes)

    def with_vetoes(self, ladder: Ladder, picked: list[str]) -> SetupState:
        pool = set(ladder.maps.pool)
        return SetupState(self.races, tuple(p for p in picked if p in pool)[: ladder.maps.vetoes])


def setup_embed(ladder: Ladder) -> discord.Embed:
    lines = []
    if ladder.has_sides:
        names = " and ".join(side.name for side in ladder.sides)
        lines.append(f"Pick the race you play in {names} (one, or one of each to play either side).")
    else:
        lines.append("Pick your race.")
    if ladder.maps.vetoes:
        lines.append(f"Veto up to {ladder.maps.vetoes} maps you do not want to play.")
    lines.append("Then press **Join**.")
    return discord.Embed(title=f"{ladder.ladder.name} — queue", description="\n".join(lines))


def setup_view(ladder: Ladder, player_id: int, state: SetupState) -> discord.ui.View:
    sides = [(s.code, s.name) for s in ladder.sides] if ladder.has_sides else [(ALL_RACES, "Race")]
    items: list[discord.ui.Item[Any]] = [
        RaceSelect(ladder, side, name, player_id, state, row=row) for row, (side, name) in enumerate(sides)
    ]
    if ladder.maps.vetoes and ladder.maps.pool:
        items.append(VetoSelect(ladder, player_id, state, row=len(items)))
    items.append(JoinButton(player_id, row=len(items)))
    return routed_view(*items)


def initial_state(ladder: Ladder, races: tuple[str, ...], vetoes: tuple[str, ...]) -> SetupState:
    """The last choice, or the only race when the ladder has just one."""
    if not races and len(ladder.races) == 1:
        races = (ladder.races[0].code,)
    return SetupState(races, vetoes)


_RACE_ID = rf"^ladder:race:(?P<side>[a-z0-9_]{{1,32}}):{_PLAYER}$"


class RaceSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=_RACE_ID):
    def __init__(
        self, ladder: Ladder, side: str, side_name: str, player_id: int, state: SetupState, *, row: int | None = None
    ) -> None:
        codes = _side_codes(ladder, side)
        options = [
            discord.SelectOption(label=ladder.race_by_code[c].name, value=c, default=c in state.races)
            for c in codes[:25]
        ]
        placeholder = f"{side_name}: pick a race" + (" (optional)" if ladder.has_sides else "")
        super().__init__(
            discord.ui.Select(
                custom_id=f"ladder:race:{side}:{player_id}",
                placeholder=placeholder[:150],
                min_values=0,
                max_values=1,
                options=options or [discord.SelectOption(label="(none)", value="-")],
            ),
            row=row,
        )
        self.side = side
        self.player_id = player_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RaceSelect:
        ladder = services_of(interaction).ladder
        side = match["side"]
        name = next((s.name for s in ladder.sides if s.code == side), "Race")
        return cls(ladder, side, name, int(match["player"]), SetupState())

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if not await belongs_to(interaction, self.player_id):
            return
        ladder = services_of(interaction).ladder
        state = SetupState.from_message(interaction.message).with_side(ladder, self.side, _values(interaction))
        await interaction.response.edit_message(view=setup_view(ladder, self.player_id, state))


class VetoSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=rf"^ladder:veto:{_PLAYER}$"):
    def __init__(self, ladder: Ladder, player_id: int, state: SetupState, *, row: int | None = None) -> None:
        pool = ladder.maps.pool[:25]
        super().__init__(
            discord.ui.Select(
                custom_id=f"ladder:veto:{player_id}",
                placeholder=f"Veto up to {ladder.maps.vetoes} maps (optional)",
                min_values=0,
                max_values=max(1, min(ladder.maps.vetoes, len(pool))),
                options=[discord.SelectOption(label=m[:100], value=m[:100], default=m in state.vetoes) for m in pool],
            ),
            row=row,
        )
        self.player_id = player_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> VetoSelect:
        return cls(services_of(interaction).ladder, int(match["player"]), SetupState())

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if not await belongs_to(interaction, self.player_id):
            return
        ladder = services_of(interaction).ladder
        state = SetupState.from_message(interaction.message).with_vetoes(ladder, _values(interaction))
        await interaction.response.edit_message(view=setup_view(ladder, self.player_id, state))


class JoinButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"^ladder:join:{_PLAYER}$"):
    def __init__(self, player_id: int, *, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(label="Join", style=discord.ButtonStyle.success, custom_id=f"ladder:join:{player_id}"),
            row=row,
        )
        self.player_id = player_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> JoinButton:
        return cls(int(match["player"]))

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if not await belongs_to(interaction, self.player_id):
            return
        await join_queue(interaction, SetupState.from_message(interaction.message))


def _side_codes(ladder: Ladder, side: str) -> list[str]:
    if side == ALL_RACES or not ladder.has_sides:
        return [r.code for r in ladder.races]
    return [r.code for r in ladder.races_of_side(side)]


def _values(interaction: discord.Interaction[Any]) -> list[str]:
    data: Any = interaction.data or {}
    values = data.get("values", [])
    return [str(v)[:100] for v in values][:25] if isinstance(values, list) else []
