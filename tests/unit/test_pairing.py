"""Pairing properties, checked against an oracle built here from ARCHITECTURE.md's definition alone."""

from __future__ import annotations

import math
import random
from itertools import combinations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workers.pairing import FULL_SEARCH_LIMIT, GAP_UNIT, Pairing, PairingRules, RaceRating, Seeker, pair_seekers

SIDES = PairingRules(
    sides=("bw", "sc2"),
    window_base=100,
    window_growth=50,
    maps=("Arkanoid", "Khione", "Pylon", "Radeon", "Sylphid"),
    servers={frozenset({"EU"}): "Europe", frozenset({"EU", "KR"}): "Frankfurt"},
    default_region="EU",
    fallback_server="US Central",
)
NO_SIDES = PairingRules(sides=None, window_base=100, window_growth=50, maps=("Arabia", "Arena", "Nomad"))
MAPS = SIDES.maps


@st.composite
def seekers(draw: st.DrawFn, sides: bool, max_size: int) -> list[Seeker]:
    n = draw(st.integers(0, max_size))
    pool = []
    for k in range(n):
        rating = st.floats(1000, 2000, allow_nan=False).map(lambda r: round(r, 1))
        if sides:
            kind = draw(st.sampled_from(["bw", "sc2", "both"]))
            races = []
            if kind in ("bw", "both"):
                races.append(RaceRating(draw(st.sampled_from(["bw_t", "bw_z"])), "bw", draw(rating)))
            if kind in ("sc2", "both"):
                races.append(RaceRating(draw(st.sampled_from(["sc2_t", "sc2_z"])), "sc2", draw(rating)))
        else:
            races = [RaceRating("aoe2", None, draw(rating))]
        pool.append(
            Seeker(
                entry_id=100 + k,
                player_id=1000 + k,
                races=tuple(races),
                vetoes=frozenset(draw(st.lists(st.sampled_from(MAPS), max_size=2))),
                waves_waited=draw(st.integers(0, 10)),
                region=draw(st.sampled_from(["EU", "KR", None])),
                last_opponent_id=draw(st.one_of(st.none(), st.integers(1000, 1000 + max(n - 1, 0)))),
            )
        )
    return pool


def oracle_weight(a: Seeker, b: Seeker, rules: PairingRules) -> float | None:
    """The best weight of any race assignment of a and b that the rules allow, or None if none does."""
    best = None
    for ra in a.races:
        for rb in b.races:
            if rules.sides is not None and {ra.side, rb.side} != set(rules.sides):
                continue
            gap = abs(ra.rating - rb.rating)
            window = max(rules.window_base + rules.window_growth * s.waves_waited for s in (a, b))
            if gap > window:
                continue
            rematch = a.last_opponent_id == b.player_id or b.last_opponent_id == a.player_id
            weight = (
                rules.wait_weight * (math.sqrt(a.waves_waited) + math.sqrt(b.waves_waited))
                - rules.gap_weight * (gap / GAP_UNIT) ** 2
                - rules.rematch_penalty * rematch
            )
            best = weight if best is None else max(best, weight)
    return best


def oracle(pool: list[Seeker], rules: PairingRules) -> tuple[int, float]:
    """Pairs and total weight of the exact maximum-cardinality maximum-weight matching (networkx)."""
    graph = nx.Graph()
    for a, b in combinations(pool, 2):
        weight = oracle_weight(a, b, rules)
        if weight is not None:
            graph.add_edge(a.player_id, b.player_id, weight=weight)
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    return len(matching), sum(graph.edges[a, b]["weight"] for a, b in matching)


def check_valid(pool: list[Seeker], pairings: list[Pairing], rules: PairingRules) -> None:
    players = [p for pairing in pairings for p in (pairing.first.player_id, pairing.second.player_id)]
    assert len(players) == len(set(players)), "a player is in two pairs"
    assert all(p.first.player_id != p.second.player_id for p in pairings), "a player against themselves"
    for p in pairings:
        assert p.first_race in p.first.races and p.second_race in p.second.races
        if rules.sides is not None:
            assert {p.first_race.side, p.second_race.side} == set(rules.sides), "side rule broken"
        window = max(rules.window(s.waves_waited) for s in (p.first, p.second))
        assert p.gap <= window, "pair outside both windows"
        best = oracle_weight(p.first, p.second, rules)
        assert best is not None and abs(p.weight - best) < 1e-9, "not the pair's best race assignment"
        if rules.maps:
            assert p.map in rules.maps and p.map not in p.first.vetoes | p.second.vetoes
        assert p.server == rules.server_for(p.first.region, p.second.region)


# Weights are rounded to thousandths for the exact solver, so two matchings whose weights differ by less
# than that may be taken for equal: the totals must agree to within 0.001 per pair, no more.
ROUNDING = 0.001


@settings(max_examples=300, deadline=None)
@given(seekers(sides=True, max_size=16))
def test_small_pools_with_sides_are_solved_exactly(pool: list[Seeker]) -> None:
    pairings = pair_seekers(pool, SIDES, random.Random(1))
    check_valid(pool, pairings, SIDES)
    pairs, weight = oracle(pool, SIDES)
    assert len(pairings) == pairs
    assert abs(sum(p.weight for p in pairings) - weight) <= ROUNDING * max(pairs, 1)


@settings(max_examples=300, deadline=None)
@given(seekers(sides=False, max_size=16))
def test_small_pools_without_sides_are_solved_exactly(pool: list[Seeker]) -> None:
    # Every pair must be a candidate for the result to be the exact optimum; with the default of 8
    # neighbours that holds for pools of up to 9 on a ladder without sides.
    pairings = pair_seekers(pool, NO_SIDES, random.Random(1), neighbours=16)
    check_valid(pool, pairings, NO_SIDES)
    pairs, weight = oracle(pool, NO_SIDES)
    assert len(pairings) == pairs
    assert abs(sum(p.weight for p in pairings) - weight) <= ROUNDING * max(pairs, 1)


def draw_pool(n: int, seed: int, sides: bool) -> list[Seeker]:
    """The benchmark's kind of pool (bench/wave.py): ratings N(1500, 300) per race, on a ladder with sides 40%
    one side only, 40% the other only, 20% both; 0-10 waves waited; some rematches."""
    rng = random.Random(seed)
    pool = []
    for k in range(n):
        kind = rng.random()
        if sides:
            races = []
            if kind < 0.6:
                races.append(RaceRating("bw_t", "bw", rng.gauss(1500, 300)))
            if kind >= 0.4:
                races.append(RaceRating("sc2_z", "sc2", rng.gauss(1500, 300)))
        else:
            races = [RaceRating("aoe2", None, rng.gauss(1500, 300))]
        last = rng.randrange(n) + 1 if rng.random() < 0.1 else None
        pool.append(Seeker(k, k + 1, tuple(races), waves_waited=rng.randint(0, 10), last_opponent_id=last))
    return pool


# Pools matched by the search instead of the exact solver (which pools this small get by default: there one
# exchange missed weighs the most), each checked against the exact optimum over every eligible pair: the same
# number of pairs, and no more than 0.5% less weight.
QUALITY_POOLS = [(n, seed) for n in (61, 120) for seed in range(3)]


@pytest.mark.parametrize(("n", "seed"), QUALITY_POOLS)
@pytest.mark.parametrize("rules", [SIDES, NO_SIDES], ids=["sides", "no_sides"])
def test_the_search_comes_within_half_a_percent_of_the_optimum(n: int, seed: int, rules: PairingRules) -> None:
    pool = draw_pool(n, seed, rules.sides is not None)
    pairings = pair_seekers(pool, rules, random.Random(1), exact_limit=0)
    check_valid(pool, pairings, rules)
    pairs, weight = oracle(pool, rules)
    assert len(pairings) == pairs
    assert sum(p.weight for p in pairings) >= weight - 0.005 * abs(weight)


@pytest.mark.parametrize(("n", "seed"), [(40, 75), (61, 39), (61, 95)])
def test_a_pair_the_nearest_neighbours_miss_is_still_made(n: int, seed: int) -> None:
    # In these pools a maximum matching needs a pair that is not among the nearest neighbours in rating.
    pool = draw_pool(n, seed, sides=True)
    pairings = pair_seekers(pool, SIDES, random.Random(1), exact_limit=0)
    check_valid(pool, pairings, SIDES)
    pairs, weight = oracle(pool, SIDES)
    assert len(pairings) == pairs
    assert sum(p.weight for p in pairings) >= weight - 0.005 * abs(weight)


def test_a_lopsided_pool_frees_the_players_who_waited_least() -> None:
    # Three in four play one side only: most stay free, and which ones is the waiting's to decide.
    rng = random.Random(3)
    pool = []
    for k in range(150):
        side = "bw" if rng.random() < 0.75 else "sc2"
        race = RaceRating(f"{side}_t", side, rng.gauss(1500, 300))
        pool.append(Seeker(k, k + 1, (race,), waves_waited=rng.randint(0, 10)))
    pairings = pair_seekers(pool, SIDES, random.Random(1), exact_limit=0)
    check_valid(pool, pairings, SIDES)
    pairs, weight = oracle(pool, SIDES)
    assert len(pairings) == pairs
    assert sum(p.weight for p in pairings) >= weight - 0.005 * abs(weight)


def test_a_pool_beyond_the_full_search_is_still_valid_and_maximal() -> None:
    pool = draw_pool(FULL_SEARCH_LIMIT + 1, 7, sides=True)
    pairings = pair_seekers(pool, SIDES, random.Random(1))
    check_valid(pool, pairings, SIDES)
    assert len(pairings) >= 0.99 * len(pool) // 2


def test_same_seed_same_maps() -> None:
    pool = [Seeker(k, k + 1, (RaceRating("aoe2", None, 1500.0 + k),)) for k in range(40)]
    first = [p.map for p in pair_seekers(pool, NO_SIDES, random.Random(7))]
    again = [p.map for p in pair_seekers(pool, NO_SIDES, random.Random(7))]
    assert first == again and len(first) == 20


def test_two_races_on_one_side_never_meet() -> None:
    pool = [Seeker(1, 1, (RaceRating("bw_t", "bw", 1500),)), Seeker(2, 2, (RaceRating("bw_z", "bw", 1500),))]
    assert pair_seekers(pool, SIDES, random.Random(1)) == []


def test_window_widens_with_waves_waited() -> None:
    def pool(waited: int) -> list[Seeker]:
        return [
            Seeker(1, 1, (RaceRating("bw_t", "bw", 1500),), waves_waited=waited),
            Seeker(2, 2, (RaceRating("sc2_t", "sc2", 1720),)),
        ]

    assert pair_seekers(pool(2), SIDES, random.Random(1)) == []  # window 200 < gap 220
    assert len(pair_seekers(pool(3), SIDES, random.Random(1))) == 1  # window 250


def test_waiting_is_rewarded_by_the_square_root_of_waves_waited() -> None:
    # x can meet p (waited 1 wave, gap 0) or q (waited 9, gap 300). With the weights 2 / 1: p weighs
    # 2 x sqrt(1) = 2 and q 2 x sqrt(9) - 3^2 = -3, so p; a reward linear in waves (q: 2 x 9 - 9 = 9) took q.
    x = Seeker(1, 1, (RaceRating("sc2_t", "sc2", 1500),))
    p = Seeker(2, 2, (RaceRating("bw_t", "bw", 1500),), waves_waited=1)
    q = Seeker(3, 3, (RaceRating("bw_z", "bw", 1800),), waves_waited=9)
    (pairing,) = pair_seekers([x, p, q], SIDES, random.Random(1))
    assert {pairing.first.player_id, pairing.second.player_id} == {1, 2}
    assert pairing.weight == pytest.approx(SIDES.wait_weight * 1.0)


def test_an_immediate_rematch_loses_to_an_equal_pairing() -> None:
    a = Seeker(1, 1, (RaceRating("x", None, 1500),), last_opponent_id=2)
    b = Seeker(2, 2, (RaceRating("x", None, 1500),), last_opponent_id=1)
    c = Seeker(3, 3, (RaceRating("x", None, 1500),))
    d = Seeker(4, 4, (RaceRating("x", None, 1500),))
    pairs = {
        frozenset((p.first.player_id, p.second.player_id))
        for p in pair_seekers([a, b, c, d], NO_SIDES, random.Random(1))
    }
    assert frozenset((1, 2)) not in pairs and len(pairs) == 2


def test_matching_more_players_outweighs_a_smaller_gap() -> None:
    # b-c is the closest pair, but a-b and c-d match all four.
    pool = [Seeker(k, k, (RaceRating("x", None, r),)) for k, r in enumerate([1400, 1490, 1510, 1600], start=1)]
    pairs = {frozenset((p.first.player_id, p.second.player_id)) for p in pair_seekers(pool, NO_SIDES, random.Random(1))}
    assert pairs == {frozenset((1, 2)), frozenset((3, 4))}


def test_launch_day_everyone_at_the_start_rating_still_gets_matched() -> None:
    # Every new player has the start rating: ties must not leave most players without a candidate.
    pool = []
    for k in range(1000):
        kind = k % 5  # 2/5 Brood War only, 2/5 StarCraft II only, 1/5 both
        races = []
        if kind in (0, 1, 4):
            races.append(RaceRating("bw_z", "bw", 1500.0))
        if kind in (2, 3, 4):
            races.append(RaceRating("sc2_t", "sc2", 1500.0))
        pool.append(Seeker(k, k + 1, tuple(races)))
    pairings = pair_seekers(pool, SIDES, random.Random(1))
    check_valid(pool, pairings, SIDES)
    assert len(pairings) == 500  # every player can be matched: a perfect matching exists


def test_launch_day_without_sides() -> None:
    pool = [Seeker(k, k + 1, (RaceRating("aoe2", None, 1000.0),)) for k in range(1001)]
    assert len(pair_seekers(pool, NO_SIDES, random.Random(1))) == 500
