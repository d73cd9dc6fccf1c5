"""Checks a player's queue choice against the ladder's rules. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.queue_errors import NoRaceChosen, TooManyVetoes, TwoRacesOnOneSide, UnknownMap, UnknownRace
from db.ladder import Ladder
from db.refusals import Refusal, Why

# Longer than any code or map name a ladder file allows; anything longer is not worth echoing back.
_SHOWN = 40


@dataclass(frozen=True)
class QueueChoice:
    races: tuple[str, ...]
    vetoes: tuple[str, ...]


def check_choice(ladder: Ladder, races: Sequence[str], vetoes: Sequence[str]) -> QueueChoice:
    """The choice, deduplicated and in the ladder's order, or the domain error that says what is wrong."""
    if isinstance(races, str):
        races = [races]
    if isinstance(vetoes, str):
        vetoes = [vetoes]
    chosen = list(dict.fromkeys(str(r) for r in races))
    if not chosen:
        raise NoRaceChosen()
    for race in chosen:
        if race not in ladder.race_by_code:
            raise UnknownRace(_cut(race))
    if ladder.has_sides:
        for side in ladder.sides:
            of_side = [r for r in chosen if ladder.race_by_code[r].side == side.code]
            if len(of_side) > 1:
                raise TwoRacesOnOneSide(Refusal(Why.TWO_RACES_ON_A_SIDE, {"side": side.code, "count": len(of_side)}))
    elif len(chosen) > 1:
        raise TwoRacesOnOneSide(Refusal(Why.ONE_RACE_ONLY))
    vetoed = list(dict.fromkeys(str(v) for v in vetoes))
    pool = set(ladder.maps.pool)
    for name in vetoed:
        if name not in pool:
            raise UnknownMap(_cut(name))
    if len(vetoed) > ladder.maps.vetoes:
        raise TooManyVetoes(ladder.maps.vetoes, len(vetoed))
    order = {r.code: i for i, r in enumerate(ladder.races)}
    map_order = {m: i for i, m in enumerate(ladder.maps.pool)}
    return QueueChoice(
        races=tuple(sorted(chosen, key=order.__getitem__)),
        vetoes=tuple(sorted(vetoed, key=map_order.__getitem__)),
    )


def _cut(value: object) -> str:
    text = str(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"
