"""Last call (the ladder file's `last_call`): in the last wave before a player would give up, their window is
unbounded; nothing else changes."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest

from db.ladder import LADDERS_DIR, load_ladder
from workers.pairing import PairingRules, RaceRating, Seeker, pair_seekers
from workers.wave import pairing_rules

RULES = PairingRules(sides=("bw", "sc2"), window_base=100, window_growth=50, maps=("m",), last_call_waves=19)


def pool(waited: int) -> list[Seeker]:
    # 1,200 apart: outside both windows (1,000 after 18 waves) until one of them is on last call.
    return [
        Seeker(1, 1, (RaceRating("bw_t", "bw", 1000.0),), waves_waited=waited),
        Seeker(2, 2, (RaceRating("sc2_z", "sc2", 2200.0),)),
    ]


@pytest.mark.parametrize("neighbours_of_many", [False, True])
def test_a_player_on_last_call_is_matched_at_any_gap(neighbours_of_many: bool) -> None:
    extra = [Seeker(10 + k, 10 + k, (RaceRating("bw_t", "bw", 4000.0 + k),)) for k in range(300)]
    more = extra if neighbours_of_many else []  # a pool past the exact limit goes through the compiled kernel
    assert len(pair_seekers(pool(18) + more, RULES, random.Random(0))) == 0
    found = pair_seekers(pool(19) + more, RULES, random.Random(0))
    assert [(p.first.player_id, p.second.player_id) for p in found] == [(1, 2)]


def test_without_last_call_the_window_only_grows() -> None:
    off = dataclasses.replace(RULES, last_call_waves=None)
    assert pair_seekers(pool(19), off, random.Random(0)) == []
    assert off.window(19) == 100 + 50 * 19 and RULES.window(19) == float("inf") and RULES.window(18) == 1000
    assert list(RULES.windows(np.array([0.0, 18.0, 19.0, 25.0]))) == [100, 1000, np.inf, np.inf]


def test_the_ladder_file_turns_last_call_on_at_the_last_wave_before_max_wait() -> None:
    ladder = load_ladder(LADDERS_DIR / "starcraft.toml")
    on = ladder.matchmaking.model_copy(update={"last_call": True, "max_wait_s": 900, "wave_interval_s": 45})
    assert on.last_call_waves == 19  # waited 19 waves: 855-900 s; the next wave is past 900 s
    assert on.model_copy(update={"max_wait_s": 910}).last_call_waves == 20
    off = ladder.matchmaking.model_copy(update={"last_call": False})
    assert off.last_call_waves is None
    assert pairing_rules(ladder).last_call_waves == ladder.matchmaking.last_call_waves
