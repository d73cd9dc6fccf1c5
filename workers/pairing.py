"""Pairing: which waiting players a wave matches. Pure: plain data in, plain data out, no I/O.

A pair is eligible when the two are different players, a race assignment exists that obeys the side rule
(on a ladder with sides, one plays a race of each side) and its rating gap is within the larger of the two
windows, `window = base + growth x waves waited` (unbounded on a player's last call, the last wave before they
would give up, when the ladder asks for it), and, with `window_neighbours` = k, no wider than the gap to the
player's k-th nearest partner on the other side plus the growth (where many wait, a far pair waits a wave for
a closer partner instead of being matched to make the numbers). A wave matches as many players as it can
and, among those matchings, the one of greatest total weight, where a pair's weight rewards the waves both waited (the
square root of each one's, `waiting_reward`) and penalises the squared gap and an immediate rematch.

How: candidate pairs are each player's nearest neighbours in rating on the other side (an optimal matching
under a squared-gap penalty pairs near neighbours). A pool of up to EXACT_LIMIT players is then matched
exactly (rustworkx's blossom algorithm). A larger one goes to the compiled kernel (`workers.matching_kernel`,
numba): a greedy matching, raised to maximum cardinality with Edmonds' augmenting paths, then, up to
FULL_SEARCH_LIMIT players, raised in weight by exchanges that keep the number of pairs (improving alternating
cycles and paths). On a pool up to FULL_SEARCH_LIMIT that leaves players free, the neighbourhood is widened,
and the number of pairs is checked against every eligible pair, not only the candidates.

A ladder file may choose the seed community's greedy matchmaker instead (`algorithm = "greedy"`,
`workers.greedy_matching`): under the same windows, closest pairs first, a player of both sides put on the
emptier side; it is neither the most players nor the greatest weight, but the greedy's own point of the
trade-off between waits and gaps (docs/LADDER.md).

The kernels are compiled on first use and cached on disk; `warm_up` at worker start keeps that out of a wave.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, Literal

import numpy as np
import rustworkx as rx
from numpy.typing import NDArray

from workers import greedy_matching
from workers import matching_kernel as kernel

# Neighbours in rating order a player is linked to, on each side of them. An optimal matching under a
# squared-gap penalty pairs near neighbours, so a small number loses next to nothing and bounds the work.
NEIGHBOURS = 8
# Pools up to this many players are matched exactly (rustworkx's blossom algorithm, cubic: about 10 ms for
# 200): the fewer the players, the more one exchange missed by the search below would weigh.
EXACT_LIMIT = 200
# Pools up to this many players get the search for a heavier matching after the greedy one is made maximum
# (local exchanges, then exchange-graph cycles and paths); a larger one does without: its gaps are narrower,
# and what the search adds there is about 0.01-0.03% of the weight for several times the time of the wave.
FULL_SEARCH_LIMIT = 2000
# Gaps are penalised in units of this many rating points, squared.
GAP_UNIT = 100.0


def waiting_reward(waves_waited: NDArray[np.float64]) -> NDArray[np.float64]:
    """What a player's waiting adds to the weight of a pair with them, before `wait_weight`: the square root
    of the waves they waited. The window already widens with every wave; in the ladder simulation a reward
    that kept growing linearly on top of it made waves take a long waiter's wide gap over a close pair, and
    tied the greedy baseline's wait p95 at 2 arrivals a minute, where the square root beat it on wait and gap."""
    return np.sqrt(waves_waited)


@dataclass(frozen=True, slots=True)
class RaceRating:
    race: str
    side: str | None
    rating: float


@dataclass(frozen=True, slots=True)
class Seeker:
    """A waiting player as a wave sees them."""

    entry_id: int
    player_id: int
    races: tuple[RaceRating, ...]
    vetoes: frozenset[str] = frozenset()
    waves_waited: int = 0
    region: str | None = None
    last_opponent_id: int | None = None


@dataclass(frozen=True)
class PairingRules:
    """The ladder's rules as the pairing needs them (built from the ladder file by the caller)."""

    sides: tuple[str, str] | None
    window_base: float
    window_growth: float
    # Where many wait, a window no wider than the gap to the k-th nearest partner on the other side plus the
    # growth (`_capped_by_density`; 0: off; with sides only).
    window_neighbours: int = 0
    wait_weight: float = 2.0
    gap_weight: float = 1.0
    rematch_penalty: float = 1.0
    # Last call: a player who has waited this many waves gives up before the next one, so their window is
    # unbounded (None: off). It adds no weight: it only lets a wave match them if it can match them at all.
    last_call_waves: int | None = None
    # "optimal": the most players, then the greatest weight (this module). "greedy": the seed community's
    # matchmaker (`workers.greedy_matching`) under the same windows; the weights only weigh its pairs.
    algorithm: Literal["optimal", "greedy"] = "optimal"
    maps: tuple[str, ...] = ()
    servers: Mapping[frozenset[str], str] = field(default_factory=dict)
    default_region: str = ""
    fallback_server: str = ""

    def window(self, waves_waited: int) -> float:
        if self.last_call_waves is not None and waves_waited >= self.last_call_waves:
            return float("inf")
        return self.window_base + self.window_growth * waves_waited

    def windows(self, waves_waited: NDArray[np.float64]) -> NDArray[np.float64]:
        """`window` of each of an array of waves waited."""
        window = self.window_base + self.window_growth * waves_waited
        if self.last_call_waves is not None:
            window[waves_waited >= self.last_call_waves] = np.inf
        return window

    def server_for(self, region_a: str | None, region_b: str | None) -> str:
        key = frozenset((region_a or self.default_region, region_b or self.default_region))
        return self.servers.get(key, self.fallback_server)


# Not frozen: a wave of 10,000 makes 5,000 of these, and a frozen dataclass's __init__ (object.__setattr__ per
# field) took 18 ms of a pairing's 50 ms budget.
@dataclass(slots=True)
class Pairing:
    first: Seeker
    second: Seeker
    first_race: RaceRating
    second_race: RaceRating
    weight: float
    map: str | None
    server: str

    @property
    def gap(self) -> float:
        return abs(self.first_race.rating - self.second_race.rating)


@dataclass(frozen=True)
class CandidatePairs:
    """Eligible pairs among the pool's players, who are numbered here in rating order (player k is
    `seekers[seeker[k]]`, so that neighbours in rating sit near each other in memory): the two players
    (i < j, pairs sorted by (i, j)), the race index each plays, the pair's weight and its cost, the penalties in
    the weight (squared gap, rematch), so weight = waiting rewarded - cost; and the role i plays (0/1: the
    side of its race, or without sides the parity of its place in rating order; -1 none), which the
    matching's exchanges keep. `position[2 * k + role]` is the rating player k plays in that role (NaN:
    never)."""

    seeker: NDArray[np.int64]
    i: NDArray[np.int64]
    j: NDArray[np.int64]
    race_i: NDArray[np.int64]
    race_j: NDArray[np.int64]
    weight: NDArray[np.float64]
    cost: NDArray[np.float64]
    role_i: NDArray[np.int64]
    position: NDArray[np.float64]


def pair_seekers(
    seekers: Sequence[Seeker],
    rules: PairingRules,
    rng: random.Random,
    *,
    neighbours: int = NEIGHBOURS,
    exact_limit: int = EXACT_LIMIT,
) -> list[Pairing]:
    """The wave's matching: the most players matched, then the greatest total weight. A pool of up to
    `exact_limit` players is matched exactly; a larger one by the search (see the module's docstring)."""
    if rules.algorithm == "greedy":
        return _greedy_pairings(seekers, rules, rng)
    pool = _Pool.of(seekers, rules)
    n = len(seekers)
    widened = False
    while True:
        candidates = _candidates(pool, rules, neighbours)
        chosen = choose_pairs(n, candidates, exact_limit)
        # On a pool small enough for it, when two or more players are left free: which players those are
        # rides on the waiting, which nearest neighbours in rating know nothing of, so the neighbourhood is
        # widened once; and then it is made sure that the candidates lose no pair (an augmenting path over
        # all eligible pairs), widening again until they do not.
        if n > FULL_SEARCH_LIMIT or n - 2 * len(chosen) < 2 or neighbours >= n:
            break
        if widened and _most_pairs(pool, candidates, chosen) == len(chosen):
            break
        widened = True
        neighbours *= 2
    first = candidates.seeker[candidates.i[chosen]]
    second = candidates.seeker[candidates.j[chosen]]
    race_first, race_second = candidates.race_i[chosen], candidates.race_j[chosen]
    return _pairings(seekers, rules, rng, first, race_first, second, race_second, candidates.weight[chosen])


def _greedy_pairings(seekers: Sequence[Seeker], rules: PairingRules, rng: random.Random) -> list[Pairing]:
    """The wave's matching by the seed community's greedy (`algorithm = "greedy"`), each pair weighed as the
    ladder's weights would weigh it (the greedy chose it by its own score)."""
    first, race_first, second, race_second = greedy_pairs(seekers, rules)
    waited = np.array([s.waves_waited for s in seekers], dtype=np.float64)
    chosen = zip(first.tolist(), race_first.tolist(), second.tolist(), race_second.tolist(), strict=True)
    gap = np.array([abs(seekers[a].races[x].rating - seekers[b].races[y].rating) for a, x, b, y in chosen])
    player = np.array([s.player_id for s in seekers], dtype=np.int64)
    last = np.array([-1 if s.last_opponent_id is None else s.last_opponent_id for s in seekers], dtype=np.int64)
    rematch = (last[first] == player[second]) | (last[second] == player[first])
    weight = (
        rules.wait_weight * (waiting_reward(waited[first]) + waiting_reward(waited[second]))
        - rules.gap_weight * (gap / GAP_UNIT) ** 2
        - rules.rematch_penalty * rematch
    )
    return _pairings(seekers, rules, rng, first, race_first, second, race_second, weight)


def greedy_pairs(
    seekers: Sequence[Seeker], rules: PairingRules
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """The greedy's pairs (`workers.greedy_matching`) under the rules' windows, in its own order: the seekers
    (indices) on the first and the second side and the race (index among theirs) each plays."""
    if rules.sides is None:
        raise ValueError("the greedy matchmaker pairs one player of each side: it needs a ladder with sides")
    sides = rules.sides
    on_a, on_b = greedy_matching.split_sides([frozenset(r.side for r in s.races) for s in seekers], sides)
    race_a = np.array([_race_on(seekers[k], sides[0]) for k in on_a], dtype=np.int64)
    race_b = np.array([_race_on(seekers[k], sides[1]) for k in on_b], dtype=np.int64)
    rating_a = np.array([seekers[k].races[r].rating for k, r in zip(on_a, race_a.tolist(), strict=True)])
    rating_b = np.array([seekers[k].races[r].rating for k, r in zip(on_b, race_b.tolist(), strict=True)])
    waited_a = np.array([seekers[k].waves_waited for k in on_a], dtype=np.float64)
    waited_b = np.array([seekers[k].waves_waited for k in on_b], dtype=np.float64)
    ia, ib = greedy_matching.greedy_matching(
        rating_a.astype(np.float64),
        rating_b.astype(np.float64),
        rules.windows(waited_a),
        rules.windows(waited_b),
        waited_a,
        waited_b,
    )
    return np.array(on_a, dtype=np.int64)[ia], race_a[ia], np.array(on_b, dtype=np.int64)[ib], race_b[ib]


def _race_on(seeker: Seeker, side: str) -> int:
    """The index of the seeker's first race of the side."""
    return next(k for k, r in enumerate(seeker.races) if r.side == side)


def _pairings(
    seekers: Sequence[Seeker],
    rules: PairingRules,
    rng: random.Random,
    first: NDArray[np.int64],
    race_first: NDArray[np.int64],
    second: NDArray[np.int64],
    race_second: NDArray[np.int64],
    weight: NDArray[np.float64],
) -> list[Pairing]:
    """The chosen pairs (seeker and race indices) as the wave's pairings, in order of their earlier entry, each
    with a map and a server."""
    entry = _each(seekers, "entry_id", np.int64)
    in_order = np.argsort(np.minimum(entry[first], entry[second]), kind="stable")
    first, second = first[in_order], second[in_order]
    maps = _draw_maps(seekers, rules, first, second, rng)
    servers = _servers(seekers, rules, first, second)
    # Positional, and each seeker looked up once: 5,000 pairings for a wave of 10,000.
    return [
        Pairing(one, other, one.races[race_a], other.races[race_b], w, map_, server)
        for one, other, race_a, race_b, w, map_, server in zip(
            [seekers[a] for a in first.tolist()],
            [seekers[b] for b in second.tolist()],
            race_first[in_order].tolist(),
            race_second[in_order].tolist(),
            weight[in_order].tolist(),
            maps,
            servers,
            strict=True,
        )
    ]


def _draw_maps(
    seekers: Sequence[Seeker],
    rules: PairingRules,
    first: NDArray[np.int64],
    second: NDArray[np.int64],
    rng: random.Random,
) -> list[str | None]:
    """Each pair's map, drawn from the pool minus both players' vetoes (one draw of `rng` per pair, in order)."""
    vetoes, kind = _kinds(seekers, "vetoes")
    pair_kind = kind[first] * max(len(vetoes), 1) + kind[second]
    keys, at = np.unique(pair_kind, return_inverse=True)
    pools = [sorted(set(rules.maps) - vetoes[k // len(vetoes)] - vetoes[k % len(vetoes)]) for k in keys.tolist()]
    sizes = np.array([len(p) for p in pools], dtype=np.float64)
    draws = np.array([rng.random() for _ in range(len(first))], dtype=np.float64)
    picks = (draws * sizes[at]).astype(np.int64).tolist()
    return [pools[k][pick] if pools[k] else None for k, pick in zip(at.tolist(), picks, strict=True)]


def _servers(
    seekers: Sequence[Seeker], rules: PairingRules, first: NDArray[np.int64], second: NDArray[np.int64]
) -> list[str]:
    """Each pair's server, from the regions table."""
    regions, kind = _kinds(seekers, "region")
    pair_kind = kind[first] * max(len(regions), 1) + kind[second]
    keys, at = np.unique(pair_kind, return_inverse=True)
    table = [rules.server_for(regions[k // len(regions)], regions[k % len(regions)]) for k in keys.tolist()]
    return [table[k] for k in at.tolist()]


def _each(items: Sequence[object], name: str, dtype: type[np.generic]) -> NDArray[Any]:
    """The attribute `name` of every item, as an array (a wave of 10,000 reads several: `map` keeps it in C)."""
    return np.fromiter(map(attrgetter(name), items), dtype=dtype, count=len(items))


def _kinds(seekers: Sequence[Seeker], name: str) -> tuple[list[Any], NDArray[np.int64]]:
    """The distinct values of a seeker attribute (in order of first appearance), and each seeker's index
    among them."""
    values: list[Hashable] = list(map(attrgetter(name), seekers))
    index = {v: k for k, v in enumerate(dict.fromkeys(values))}
    return list(index), np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))


def choose_pairs(n: int, candidates: CandidatePairs, exact_limit: int = EXACT_LIMIT) -> NDArray[np.int64]:
    """Indices into `candidates` of a maximum-cardinality matching of (near-)maximum weight, in order."""
    if len(candidates.i) == 0:
        return np.empty(0, dtype=np.int64)
    if n <= exact_limit:
        return _exact(n, candidates)
    start, nbr, eid = kernel.incidence(n, candidates.i, candidates.j)
    mate_edge = kernel.max_matching(
        n,
        candidates.i,
        candidates.j,
        candidates.weight,
        candidates.cost,
        candidates.role_i,
        candidates.position,
        start,
        nbr,
        eid,
        n <= FULL_SEARCH_LIMIT,
    )
    return np.unique(mate_edge[mate_edge >= 0])


def _exact(n: int, candidates: CandidatePairs) -> NDArray[np.int64]:
    """The exact maximum-cardinality maximum-weight matching of the candidate pairs (rustworkx's blossom
    algorithm; weights in millionths)."""
    scaled = np.round((candidates.weight - candidates.weight.min()) * 1e6).astype(np.int64) + 1
    graph = rx.PyGraph(multigraph=False)
    graph.add_nodes_from(range(n))
    graph.add_edges_from(list(zip(candidates.i.tolist(), candidates.j.tolist(), scaled.tolist(), strict=True)))
    matching = rx.max_weight_matching(graph, max_cardinality=True, weight_fn=int)
    first = np.array([min(a, b) for a, b in matching], dtype=np.int64)
    second = np.array([max(a, b) for a, b in matching], dtype=np.int64)
    # Candidate pairs are sorted by (i, j): each chosen pair's index is where it sorts in.
    key = candidates.i * n + candidates.j
    return np.sort(np.searchsorted(key, first * n + second))


# --- Candidate pairs ---------------------------------------------------------------------------------------


def candidate_pairs(seekers: Sequence[Seeker], rules: PairingRules, neighbours: int = NEIGHBOURS) -> CandidatePairs:
    """Every eligible pair among each player's nearest neighbours in rating, in its best race assignment."""
    return _candidates(_Pool.of(seekers, rules), rules, neighbours)


@dataclass(frozen=True)
class _Slots:
    """One side's race slots, sorted by rating: which player (in rating numbering), which of their races,
    what rating."""

    seeker: NDArray[np.int64]
    race: NDArray[np.int64]
    rating: NDArray[np.float64]


@dataclass(frozen=True)
class _Pool:
    """The pool as arrays, its players numbered in the order of the rating of their first race (player k is
    `seekers[seeker[k]]`): waves waited, player and last opponent ids, and each side's race slots (without
    sides, `left` is every race and `right` the same)."""

    seeker: NDArray[np.int64]
    waited: NDArray[np.float64]
    window: NDArray[np.float64]
    player: NDArray[np.int64]
    last: NDArray[np.int64]
    left: _Slots
    right: _Slots
    same_list: bool

    @classmethod
    def of(cls, seekers: Sequence[Seeker], rules: PairingRules) -> _Pool:
        n = len(seekers)
        player = _each(seekers, "player_id", np.int64)
        if len(np.unique(player)) != n:
            raise ValueError("a player appears twice among the seekers")
        waited = _each(seekers, "waves_waited", np.float64)
        last = np.array([-1 if s.last_opponent_id is None else s.last_opponent_id for s in seekers], dtype=np.int64)
        # Every race slot: its seeker, its index among the seeker's races, rating, side (0, 1, or -1 for a side
        # the ladder does not have; without sides every race is on side 0).
        races = [r for s in seekers for r in s.races]
        counts = np.fromiter(map(len, map(attrgetter("races"), seekers)), dtype=np.int64, count=n)
        slot_seeker = np.repeat(np.arange(n), counts)
        slot_race = np.arange(len(races)) - np.repeat(np.cumsum(counts) - counts, counts)
        slot_rating = _each(races, "rating", np.float64)
        same_list = rules.sides is None
        code: dict[str | None, int] = {None: 0} if rules.sides is None else {rules.sides[0]: 0, rules.sides[1]: 1}
        slot_side = np.fromiter(
            map(code.get, map(attrgetter("side"), races), itertools.repeat(-1)), dtype=np.int64, count=len(races)
        )
        first_rating = np.full(n, np.inf)
        first_rating[slot_seeker[::-1]] = slot_rating[::-1]
        seeker = np.argsort(first_rating, kind="stable")
        rank = np.empty(n, dtype=np.int64)
        rank[seeker] = np.arange(n)

        def side_slots(side: int) -> _Slots:
            on = np.flatnonzero(slot_side == side)
            on = on[np.argsort(slot_rating[on], kind="stable")]
            return _Slots(rank[slot_seeker[on]], slot_race[on], slot_rating[on])

        left = side_slots(0)
        right = left if same_list else side_slots(1)
        waited = waited[seeker]
        window = rules.windows(waited)
        if rules.window_neighbours and not same_list:
            window = _capped_by_density(window, waited, left, right, rules)
        return cls(seeker, waited, window, player[seeker], last[seeker], left, right, same_list)


def windows_of(seekers: Sequence[Seeker], rules: PairingRules) -> NDArray[np.float64]:
    """Each seeker's window in this pool (in the seekers' order), the cap by density included: what the wave
    pairs under, for a yardstick that checks it."""
    pool = _Pool.of(seekers, rules)
    window = np.empty(len(seekers))
    window[pool.seeker] = pool.window
    return window


def _capped_by_density(
    window: NDArray[np.float64], waited: NDArray[np.float64], left: _Slots, right: _Slots, rules: PairingRules
) -> NDArray[np.float64]:
    """`window_neighbours` = k: a window no wider than the gap to the player's k-th nearest partner on the
    other side (over their races) plus `window_growth` x waves waited. Where many wait, a wave then holds a
    far pair back for a closer partner next wave, as the greedy's closest-first pairs do, instead of matching
    everyone at any gap within the window; where few wait the k-th nearest is beyond the window anyway and
    nothing changes. A player on last call keeps an unbounded window."""
    nearest = np.full(len(window), np.inf)
    for mine, theirs in ((left, right), (right, left)):
        np.minimum.at(nearest, mine.seeker, _kth_nearest(mine.rating, theirs.rating, rules.window_neighbours))
    return np.where(np.isinf(window), window, np.minimum(window, nearest + rules.window_growth * waited))


def _kth_nearest(ratings: NDArray[np.float64], theirs: NDArray[np.float64], k: int) -> NDArray[np.float64]:
    """For each of `ratings`, the gap to the k-th nearest of `theirs` (sorted); infinite when there are fewer."""
    if len(theirs) == 0:
        return np.full(len(ratings), np.inf)
    at = np.searchsorted(theirs, ratings)[:, None] + np.arange(-k, k)[None, :]
    inside = (at >= 0) & (at < len(theirs))
    gaps = np.where(inside, np.abs(theirs[np.clip(at, 0, len(theirs) - 1)] - ratings[:, None]), np.inf)
    return np.sort(gaps, axis=1)[:, k - 1]


def _candidates(pool: _Pool, rules: PairingRules, neighbours: int) -> CandidatePairs:
    left, right, same_list = pool.left, pool.right, pool.same_list
    no_places = np.empty(0, dtype=np.int64)
    i, j, race_i, race_j, weight, cost, role_i = kernel.candidate_edges(
        neighbours,
        same_list,
        left.seeker,
        left.race,
        left.rating,
        right.seeker,
        right.race,
        right.rating,
        no_places if same_list else _places_among(left.rating, right.rating),
        no_places if same_list else _places_among(right.rating, left.rating),
        pool.window,
        waiting_reward(pool.waited),
        pool.player,
        pool.last,
        float(rules.wait_weight),
        float(rules.gap_weight),
        float(rules.rematch_penalty),
        GAP_UNIT,
    )
    n = len(pool.seeker)
    position = np.full(2 * n, np.nan)
    if same_list:
        position[2 * left.seeker + np.arange(len(left.seeker)) % 2] = left.rating
    else:
        # Reversed, so that of two races on one side the first is the one kept.
        position[2 * left.seeker[::-1]] = left.rating[::-1]
        position[2 * right.seeker[::-1] + 1] = right.rating[::-1]
    return CandidatePairs(pool.seeker, i, j, race_i, race_j, weight, cost, role_i, position)


def _most_pairs(pool: _Pool, candidates: CandidatePairs, chosen: NDArray[np.int64]) -> int:
    """The number of pairs of a maximum-cardinality matching over every eligible pair of the pool (not only
    the candidates), grown from `chosen` by augmenting paths."""
    n = len(pool.seeker)
    a, b = kernel.eligible_pairs(
        pool.same_list, pool.left.seeker, pool.left.rating, pool.right.seeker, pool.right.rating, pool.window
    )
    start, nbr, _ = kernel.incidence(n, a, b)
    mate = np.full(n, -1, dtype=np.int64)
    mate[candidates.i[chosen]] = candidates.j[chosen]
    mate[candidates.j[chosen]] = candidates.i[chosen]
    kernel.augment(n, start, nbr, mate)
    return int((mate >= 0).sum()) // 2


def _places_among(ours: NDArray[np.float64], theirs: NDArray[np.float64]) -> NDArray[np.int64]:
    """For each of `ours` (sorted), how many of `theirs` (sorted) come before it in rating order.

    Equal ratings are interleaved in proportion, not all placed at the start of the tie: on launch day every
    player has the start rating, and each must still see neighbours of their own.
    """
    n_ours, n_theirs = len(ours), len(theirs)
    rating = np.concatenate([ours, theirs])
    tie = np.concatenate([np.arange(n_ours) / max(n_ours, 1), (np.arange(n_theirs) + 0.5) / max(n_theirs, 1)])
    is_theirs = np.concatenate([np.zeros(n_ours, dtype=np.int64), np.ones(n_theirs, dtype=np.int64)])
    order = np.lexsort((tie, rating))
    before = np.empty(n_ours + n_theirs, dtype=np.int64)
    before[order] = np.cumsum(is_theirs[order]) - is_theirs[order]
    return before[:n_ours]


def warm_up() -> None:
    """Runs every compiled kernel once on tiny pools, so that numba compiles them (or loads them from its
    cache on disk) at worker start and not in a wave."""
    rng = random.Random(0)
    sides = PairingRules(sides=("a", "b"), window_base=100, window_growth=50, maps=("m",))
    plain = PairingRules(sides=None, window_base=100, window_growth=50)
    both = [Seeker(k, k + 1, (RaceRating("x", "a", 1500.0 + k), RaceRating("y", "b", 1510.0 - k))) for k in range(6)]
    one_side = [Seeker(k, k + 1, (RaceRating("x", "a", 1500.0 + k),)) for k in range(4)]
    alone = [Seeker(k, k + 1, (RaceRating("z", None, 1500.0 + 300 * k),)) for k in range(4)]
    pair_seekers(both, sides, rng)
    pair_seekers(one_side, sides, rng)  # nobody can be matched: the check over every eligible pair runs
    pair_seekers(alone, plain, rng)
