"""The benchmark's baselines obey the rules they were described with, the exact yardstick is exact, and the
ladder simulation loses no player."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from bench import assignment as assignment_module
from bench import greedy as greedy_module
from bench import simulation
from bench.algorithms import ours
from bench.assignment import assignment
from bench.exact import exact
from bench.greedy import greedy
from bench.matches import Match, check_disjoint, eligible, total_weight
from bench.pools import baseline_rules, draw_pool, starcraft_rules
from db.ladder import Ladder
from workers.greedy_matching import split_sides, swap_passes
from workers.pairing import PairingRules, RaceRating, Seeker

RULES = starcraft_rules()
# The baselines keep the seed community's window, whatever window the ladder file ships for ours: their pairs
# are judged, and compared with the exact optimum, under that window.
BASELINE_RULES = baseline_rules()


def test_both_baselines_keep_the_seed_communitys_window() -> None:
    windows = {(m.WINDOW_BASE, m.WINDOW_GROWTH) for m in (greedy_module, assignment_module)}
    assert windows == {(100.0, 50.0)}


def seeker(player: int, bw: float | None = None, sc2: float | None = None, waited: int = 0) -> Seeker:
    races = []
    if bw is not None:
        races.append(RaceRating("bw_terran", "bw", bw))
    if sc2 is not None:
        races.append(RaceRating("sc2_zerg", "sc2", sc2))
    return Seeker(entry_id=player, player_id=player, races=tuple(races), waves_waited=waited)


def pairs(matches: Sequence[Match]) -> set[frozenset[int]]:
    return {frozenset((m.a.player_id, m.b.player_id)) for m in matches}


# --- greedy ------------------------------------------------------------------------------------------------


def test_greedy_pairs_only_within_a_window() -> None:
    # A gap of 160: outside two fresh players' windows (100), inside once one has waited two waves (200).
    assert greedy([seeker(1, bw=1500), seeker(2, sc2=1660)], RULES) == []
    assert pairs(greedy([seeker(1, bw=1500), seeker(2, sc2=1660, waited=2)], RULES)) == {frozenset((1, 2))}


@pytest.mark.parametrize("seed", range(5))
def test_greedy_pairs_are_allowed_and_disjoint_on_drawn_pools(seed: int) -> None:
    matches = greedy(draw_pool(300, seed), RULES)
    check_disjoint(matches)
    assert matches and all(eligible(m, BASELINE_RULES) for m in matches)
    assert all(m.a_race.side == "bw" and m.b_race.side == "sc2" for m in matches)


def test_greedy_takes_the_lowest_score_first() -> None:
    # 2 could pair with 1 (gap 50) or 3 (gap 10); the lowest score wins, leaving 1 alone.
    matches = greedy([seeker(1, bw=1450), seeker(2, sc2=1500), seeker(3, bw=1510)], RULES)
    assert pairs(matches) == {frozenset((2, 3))}


def test_players_of_both_sides_even_out_the_sides() -> None:
    pool = [seeker(1, bw=1500), seeker(2, bw=1500), seeker(3, bw=1500), seeker(4, bw=1, sc2=1), seeker(5, bw=1, sc2=1)]
    side_a, side_b = split_sides([frozenset(r.side for r in s.races) for s in pool], ("bw", "sc2"))
    assert [pool[k].player_id for k in side_a] == [1, 2, 3] and [pool[k].player_id for k in side_b] == [4, 5]


def test_a_swap_of_neighbouring_pairs_lowers_the_squared_gaps() -> None:
    rating_a, rating_b = np.array([1000.0, 1210.0]), np.array([1200.0, 1010.0])
    windows = np.array([300.0, 300.0])
    a, b = swap_passes(np.array([0, 1]), np.array([0, 1]), rating_a, rating_b, windows, windows)
    assert list(zip(a.tolist(), b.tolist(), strict=True)) == [(0, 1), (1, 0)]
    # The same swap is refused when it would leave a pair outside both windows.
    narrow = np.array([5.0, 5.0])
    a, b = swap_passes(np.array([0, 1]), np.array([0, 1]), rating_a, rating_b, narrow, narrow)
    assert list(zip(a.tolist(), b.tolist(), strict=True)) == [(0, 0), (1, 1)]


# --- assignment ----------------------------------------------------------------------------------------------


def test_assignment_never_pairs_a_player_with_themselves_nor_uses_one_twice() -> None:
    # Everyone plays both sides at one rating: for the raw solver each player's own column is the cheapest.
    pool = [seeker(k, bw=1500 + 30 * k, sc2=1500 + 30 * k) for k in range(1, 8)]
    matches = assignment(pool, RULES)
    check_disjoint(matches)
    assert matches and all(m.a.player_id != m.b.player_id for m in matches)
    assert all(eligible(m, BASELINE_RULES) for m in matches)


@pytest.mark.parametrize("seed", range(5))
def test_assignment_pairs_are_allowed_and_disjoint_on_drawn_pools(seed: int) -> None:
    matches = assignment(draw_pool(300, seed), RULES)
    check_disjoint(matches)
    assert matches and all(eligible(m, BASELINE_RULES) for m in matches)


def test_assignment_forbids_pairs_outside_both_windows() -> None:
    assert assignment([seeker(1, bw=1500), seeker(2, sc2=1700)], RULES) == []


# --- exact ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("rules", [RULES, BASELINE_RULES], ids=["shipped", "baseline window"])
def test_both_exact_solvers_agree_and_nothing_beats_them(seed: int, rules: PairingRules) -> None:
    pool = draw_pool(60, seed)
    by_nx, by_rx = exact(pool, rules, "networkx"), exact(pool, rules, "rustworkx")
    assert len(by_nx) == len(by_rx)
    assert total_weight(by_nx, rules) == pytest.approx(total_weight(by_rx, rules), abs=1e-4)
    check_disjoint(by_nx)
    assert all(eligible(m, rules) for m in by_nx)
    others = [ours(pool, rules)]
    if rules is BASELINE_RULES:
        others += [greedy(pool, rules), assignment(pool, rules)]
    for other in others:
        assert len(other) <= len(by_nx)
        if len(other) == len(by_nx):
            assert total_weight(other, rules) <= total_weight(by_nx, rules) + 1e-6


def test_exact_prefers_more_pairs_to_more_weight() -> None:
    # 2 with 3 alone is the heaviest pair; matching everyone needs 1-2 and 3-4.
    pool = [seeker(1, bw=1400), seeker(2, sc2=1500), seeker(3, bw=1500), seeker(4, sc2=1600)]
    assert pairs(exact(pool, BASELINE_RULES)) == {frozenset((1, 2)), frozenset((3, 4))}


# --- simulation ----------------------------------------------------------------------------------------------


def never(seekers: Sequence[Seeker], rules: PairingRules) -> list[Match]:
    return []


@pytest.mark.parametrize("name", ["ours", "greedy", "assignment", "never"])
def test_the_simulation_loses_no_player(name: str) -> None:
    matchmaker = {"ours": ours, "greedy": greedy, "assignment": assignment, "never": never}[name]
    out = simulation.simulate(matchmaker, rate_per_min=10, hours=0.75, seed=3)
    assert out.arrived > 0
    assert out.arrived == out.matched + out.timed_out + out.still_waiting
    assert out.matched == 2 * out.matches == len(out.waits)
    assert len(out.gaps) == out.matches
    if name == "never":
        assert out.matched == 0 and out.timed_out > 0
        assert out.figures(900)["timeout_share"] > 0
    else:
        assert out.matches > 0


def test_a_rematch_is_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    # A community of two, one of each side: after their first game they can only meet each other again.
    def two(size: int, seed: int, ladder: Ladder, *_: object) -> list[simulation.Player]:
        return [
            simulation.Player(1, (RaceRating("bw_terran", "bw", 0.0),), {"bw_terran": 1500.0}, {"bw_terran": 1500.0},
                              frozenset()),
            simulation.Player(2, (RaceRating("sc2_zerg", "sc2", 0.0),), {"sc2_zerg": 1500.0}, {"sc2_zerg": 1500.0},
                              frozenset()),
        ]  # fmt: skip

    monkeypatch.setattr(simulation, "community", two)
    out = simulation.simulate(ours, rate_per_min=1, hours=3, seed=1)
    assert out.matches >= 3
    assert out.rematches == out.matches - 1
    assert out.arrived == out.matched + out.timed_out + out.still_waiting
