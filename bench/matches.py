"""What every matchmaker under test returns, and our objective, stated here so it can be checked.

A pair's weight (ARCHITECTURE.md, and the ladder file's comment) without any constant per-pair reward:

    weight = wait_weight x (sqrt(waves a waited) + sqrt(waves b waited)) - gap_weight x (gap / 100)^2
             - rematch_penalty x [rematch]

where the gap is between the two races played and a rematch means either was the other's last opponent.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from workers.pairing import Pairing, PairingRules, RaceRating, Seeker

GAP_UNIT = 100.0


@dataclass(frozen=True, slots=True)
class Match:
    a: Seeker
    a_race: RaceRating
    b: Seeker
    b_race: RaceRating

    @property
    def gap(self) -> float:
        return abs(self.a_race.rating - self.b_race.rating)

    @property
    def rematch(self) -> bool:
        return self.a.last_opponent_id == self.b.player_id or self.b.last_opponent_id == self.a.player_id


Matchmaker = Callable[[Sequence[Seeker], PairingRules], list[Match]]


def from_pairings(pairings: Sequence[Pairing]) -> list[Match]:
    return [Match(p.first, p.first_race, p.second, p.second_race) for p in pairings]


def weight(m: Match, rules: PairingRules) -> float:
    return (
        rules.wait_weight * (math.sqrt(m.a.waves_waited) + math.sqrt(m.b.waves_waited))
        - rules.gap_weight * (m.gap / GAP_UNIT) ** 2
        - rules.rematch_penalty * m.rematch
    )


def total_weight(matches: Sequence[Match], rules: PairingRules) -> float:
    return float(sum(weight(m, rules) for m in matches))


def eligible(m: Match, rules: PairingRules) -> bool:
    """Different players, one race of each side (on a ladder with sides), the gap within the larger window."""
    if m.a.player_id == m.b.player_id:
        return False
    if rules.sides is not None and {m.a_race.side, m.b_race.side} != set(rules.sides):
        return False
    return m.gap <= max(rules.window(m.a.waves_waited), rules.window(m.b.waves_waited))


def side_races(seekers: Sequence[Seeker], side: str | None) -> tuple[NDArray[np.float64], list[RaceRating | None]]:
    """Each seeker's rating on one side (NaN where they play none of its races) and that race."""
    races = [next((r for r in s.races if r.side == side), None) for s in seekers]
    ratings = np.array([r.rating if r is not None else np.nan for r in races], dtype=np.float64)
    return ratings, races


def waves(seekers: Sequence[Seeker]) -> NDArray[np.float64]:
    return np.array([s.waves_waited for s in seekers], dtype=np.float64)


def check_disjoint(matches: Sequence[Match]) -> None:
    """No player in two matches of one wave, nor matched with themselves."""
    seen: set[int] = set()
    for m in matches:
        for p in (m.a.player_id, m.b.player_id):
            if p in seen:
                raise AssertionError(f"player {p} is matched twice")
            seen.add(p)
