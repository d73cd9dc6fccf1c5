"""`algorithm = "greedy"` in the ladder file: a wave pairs by the seed community's greedy matchmaker, the same
one the benchmark's baseline runs, and a wrong value stops start-up naming the key."""

from __future__ import annotations

import dataclasses
import random
import tomllib
from typing import Any

import pytest

from bench.greedy import greedy
from bench.pools import draw_pool
from db.ladder import LADDERS_DIR, LadderConfigError, load_ladder, parse_ladder
from workers.pairing import Pairing, PairingRules, RaceRating, Seeker, pair_seekers
from workers.wave import pairing_rules

OPTIMAL = PairingRules(sides=("bw", "sc2"), window_base=100, window_growth=50, maps=("m1", "m2"))
GREEDY = dataclasses.replace(OPTIMAL, algorithm="greedy")


def seeker(player: int, bw: float | None = None, sc2: float | None = None, waited: int = 0) -> Seeker:
    races = []
    if bw is not None:
        races.append(RaceRating("bw_t", "bw", bw))
    if sc2 is not None:
        races.append(RaceRating("sc2_z", "sc2", sc2))
    return Seeker(entry_id=player, player_id=player, races=tuple(races), waves_waited=waited)


def pairs(pairings: list[Pairing]) -> set[frozenset[int]]:
    return {frozenset((p.first.player_id, p.second.player_id)) for p in pairings}


def test_the_greedy_takes_the_closest_pair_where_the_optimal_matches_more_players() -> None:
    # 2-3 is the closest pair; taking it leaves 1 and 4 200 apart, outside both windows (100).
    pool = [seeker(1, bw=1400), seeker(2, sc2=1500), seeker(3, bw=1500), seeker(4, sc2=1600)]
    assert pairs(pair_seekers(pool, OPTIMAL, random.Random(0))) == {frozenset((1, 2)), frozenset((3, 4))}
    assert pairs(pair_seekers(pool, GREEDY, random.Random(0))) == {frozenset((2, 3))}


def test_the_greedy_puts_a_player_of_both_sides_on_the_emptier_side() -> None:
    # One waits on each side; the player of both sides goes to the first (on a tie) and meets 2 there, 50
    # apart, where the optimal plays their second-side race against 1, 0 apart.
    pool = [seeker(1, bw=1500), seeker(2, sc2=2000), seeker(3, bw=2050, sc2=1500)]
    (by_greedy,) = pair_seekers(pool, GREEDY, random.Random(0))
    (by_optimal,) = pair_seekers(pool, OPTIMAL, random.Random(0))
    assert pairs([by_greedy]) == {frozenset((2, 3))} and by_greedy.gap == 50
    assert pairs([by_optimal]) == {frozenset((1, 3))} and by_optimal.gap == 0


@pytest.mark.parametrize("seed", range(3))
def test_a_greedy_wave_makes_the_baselines_pairs_with_maps_and_servers(seed: int) -> None:
    pool = draw_pool(300, seed)
    rules = dataclasses.replace(GREEDY, maps=("Death Valley", "Khione", "Pylon", "Radeon", "Sylphid"))
    found = pair_seekers(pool, rules, random.Random(seed))
    baseline = greedy(pool, rules)
    assert found and {frozenset((p.first.player_id, p.second.player_id)) for p in found} == {
        frozenset((m.a.player_id, m.b.player_id)) for m in baseline
    }
    assert pairs(found) != pairs(pair_seekers(pool, OPTIMAL, random.Random(seed)))
    assert all(p.map is not None and p.map not in p.first.vetoes | p.second.vetoes for p in found)
    entries = [min(p.first.entry_id, p.second.entry_id) for p in found]
    assert entries == sorted(entries)


def test_a_greedy_pair_is_weighed_by_the_ladders_weights() -> None:
    pool = [seeker(1, bw=1500, waited=4), seeker(2, sc2=1550, waited=1)]
    rules = dataclasses.replace(GREEDY, wait_weight=1.0, gap_weight=2.0)
    (found,) = pair_seekers(pool, rules, random.Random(0))
    assert found.weight == pytest.approx(1.0 * (2 + 1) - 2.0 * 0.5**2)


def test_a_greedy_wave_uses_the_ladders_window_and_last_call() -> None:
    pool = [seeker(1, bw=1500, waited=3), seeker(2, sc2=1700)]
    assert pair_seekers(pool, dataclasses.replace(GREEDY, window_growth=30), random.Random(0)) == []  # 190
    assert len(pair_seekers(pool, GREEDY, random.Random(0))) == 1  # 250
    last = dataclasses.replace(GREEDY, window_growth=0, last_call_waves=3)
    assert len(pair_seekers(pool, last, random.Random(0))) == 1


def _starcraft() -> dict[str, Any]:
    return tomllib.loads((LADDERS_DIR / "starcraft.toml").read_text())


def test_the_ladder_file_chooses_the_algorithm() -> None:
    shipped = load_ladder(LADDERS_DIR / "starcraft.toml")
    assert shipped.matchmaking.algorithm == "optimal" and pairing_rules(shipped).algorithm == "optimal"
    data = _starcraft()
    data["matchmaking"]["algorithm"] = "greedy"
    assert pairing_rules(parse_ladder(data, "test.toml")).algorithm == "greedy"


def test_a_wrong_algorithm_is_named() -> None:
    data = _starcraft()
    data["matchmaking"]["algorithm"] = "greeedy"
    with pytest.raises(LadderConfigError) as info:
        parse_ladder(data, "test.toml")
    assert "matchmaking.algorithm: Input should be 'optimal' or 'greedy'" in str(info.value)


def test_the_greedy_needs_sides() -> None:
    data = tomllib.loads((LADDERS_DIR / "plain.toml").read_text())
    data["matchmaking"]["algorithm"] = "greedy"
    with pytest.raises(LadderConfigError) as info:
        parse_ladder(data, "test.toml")
    assert "matchmaking.algorithm: 'greedy' pairs one player of each side; this ladder has no sides" in str(info.value)


def test_the_greedy_keeps_its_own_window_whatever_the_cap() -> None:
    pool = draw_pool(300, 7)
    capped = dataclasses.replace(GREEDY, window_neighbours=1)
    assert pairs(pair_seekers(pool, capped, random.Random(0))) == pairs(pair_seekers(pool, GREEDY, random.Random(0)))
    assert pairs(pair_seekers(pool, dataclasses.replace(OPTIMAL, window_neighbours=1), random.Random(0))) != pairs(
        pair_seekers(pool, OPTIMAL, random.Random(0))
    )
