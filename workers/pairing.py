"""Pairing: which waiting players a wave matches. Pure: plain data in, plain data out, no I/O.

A pair is eligible when the two are different players, a race assignment exists that obeys the side rule
(on a ladder with sides, one plays a race of each side) and its rating gap is within the larger of the two
windows, `window = base + growth x waves waited`. A wave matches as many players as it can and, among those
matchings, the one of greatest total weight, where a pair's weight rewards the waves both waited and
penalises the squared gap and an immediate rematch.

How: candidate pairs come from each player's nearest neighbours in rating (numpy, sorted order); a pool of
up to `EXACT_LIMIT` players is solved exactly (maximum-cardinality maximum-weight matching, rustworkx's
blossom algorithm); a larger one in overlapping blocks of neighbours in rating, each solved exactly.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import rustworkx as rx
from numpy.typing import NDArray

# Neighbours in rating order a player is linked to, on each side of them. An optimal matching under a
# squared-gap penalty pairs near neighbours, so a small number loses next to nothing and bounds the work.
NEIGHBOURS = 8
# Pools up to this many players are solved exactly at once (about 20 ms for 300 on one core); a larger
# pool in overlapping blocks of BLOCK players, where the exact solver's cubic cost stays small.
EXACT_LIMIT = 300
BLOCK = 48
# Players an augmenting-path search may visit before it gives up.
AUGMENT_SEARCH_LIMIT = 200
# Gaps are penalised in units of this many rating points, squared.
GAP_UNIT = 100.0


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
    wait_weight: float = 1.0
    gap_weight: float = 1.0
    rematch_penalty: float = 4.0
    maps: tuple[str, ...] = ()
    servers: Mapping[frozenset[str], str] = field(default_factory=dict)
    default_region: str = ""
    fallback_server: str = ""

    def window(self, waves_waited: int) -> float:
        return self.window_base + self.window_growth * waves_waited

    def server_for(self, region_a: str | None, region_b: str | None) -> str:
        key = frozenset((region_a or self.default_region, region_b or self.default_region))
        return self.servers.get(key, self.fallback_server)


@dataclass(frozen=True, slots=True)
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
    """Eligible pairs: seeker indices (i < j), the race index each plays, and the pair's weight."""

    i: NDArray[np.int64]
    j: NDArray[np.int64]
    race_i: NDArray[np.int64]
    race_j: NDArray[np.int64]
    weight: NDArray[np.float64]


def pair_seekers(
    seekers: Sequence[Seeker],
    rules: PairingRules,
    rng: random.Random,
    *,
    block: int = BLOCK,
    exact_limit: int = EXACT_LIMIT,
    neighbours: int = NEIGHBOURS,
) -> list[Pairing]:
    """The wave's matching: the most players matched, then the greatest total weight."""
    if len({s.player_id for s in seekers}) != len(seekers):
        raise ValueError("a player appears twice among the seekers")
    candidates = candidate_pairs(seekers, rules, neighbours)
    positions = _positions(len(seekers), candidates, seekers)
    chosen = choose_pairs(len(seekers), candidates, block, positions, exact_limit)
    pairs = [(k, seekers[int(candidates.i[k])], seekers[int(candidates.j[k])]) for k in chosen]
    pairings = []
    for k, a, b in sorted(pairs, key=lambda p: min(p[1].entry_id, p[2].entry_id)):
        pool = sorted(set(rules.maps) - a.vetoes - b.vetoes)
        pairings.append(
            Pairing(
                first=a,
                second=b,
                first_race=a.races[candidates.race_i[k]],
                second_race=b.races[candidates.race_j[k]],
                weight=float(candidates.weight[k]),
                map=rng.choice(pool) if pool else None,
                server=rules.server_for(a.region, b.region),
            )
        )
    return pairings


def _positions(n: int, c: CandidatePairs, seekers: Sequence[Seeker]) -> NDArray[np.float64]:
    """Where each player sits on the rating line: the rating they play in their heaviest candidate pair
    (a player with a race of each side may have two far-apart ratings; this is the one that matters)."""
    width = max((len(s.races) for s in seekers), default=0)
    ratings = np.zeros((n, max(width, 1)))
    for x, s in enumerate(seekers):
        ratings[x, : len(s.races)] = [r.rating for r in s.races]
    position = ratings[:, 0].copy()
    if len(c.i) == 0:
        return position
    rating_i = ratings[c.i, c.race_i]
    rating_j = ratings[c.j, c.race_j]
    best = np.full(n, -np.inf)
    np.maximum.at(best, c.i, c.weight)
    np.maximum.at(best, c.j, c.weight)
    top_i = c.weight == best[c.i]
    top_j = c.weight == best[c.j]
    position[c.i[top_i]] = rating_i[top_i]
    position[c.j[top_j]] = rating_j[top_j]
    return position


# --- Candidate pairs ---------------------------------------------------------------------------------------


def candidate_pairs(seekers: Sequence[Seeker], rules: PairingRules, neighbours: int = NEIGHBOURS) -> CandidatePairs:
    """Every eligible pair among each player's nearest neighbours in rating, in its best race assignment."""
    n = len(seekers)
    window = np.array([rules.window(s.waves_waited) for s in seekers], dtype=np.float64)
    waited = np.array([s.waves_waited for s in seekers], dtype=np.float64)
    player = np.array([s.player_id for s in seekers], dtype=np.int64)
    last = np.array([s.last_opponent_id if s.last_opponent_id is not None else -1 for s in seekers], dtype=np.int64)

    sides: tuple[str | None, str | None] = rules.sides if rules.sides is not None else (None, None)
    left, right = _slots(seekers, sides[0]), _slots(seekers, sides[1])
    i, j = _near_pairs(left, right, neighbours, same_list=rules.sides is None)
    i, j = np.minimum(i, j), np.maximum(i, j)
    pairs = np.unique(np.stack([i, j], axis=1)[i != j], axis=0)
    i, j = pairs[:, 0], pairs[:, 1]

    # Each pair in its best race assignment: i plays the first side and j the second, or the other way.
    rating_a, race_a = _by_seeker(n, left)
    rating_b, race_b = _by_seeker(n, right)
    gap1 = np.abs(rating_a[i] - rating_b[j])
    gap2 = np.abs(rating_b[i] - rating_a[j])
    limit = np.maximum(window[i], window[j])
    ok1 = (race_a[i] >= 0) & (race_b[j] >= 0) & (gap1 <= limit)
    ok2 = (race_b[i] >= 0) & (race_a[j] >= 0) & (gap2 <= limit)
    use2 = ok2 & (~ok1 | (gap2 < gap1))
    keep = (ok1 | ok2) & (player[i] != player[j])
    i, j, use2 = i[keep], j[keep], use2[keep]
    gap = np.where(use2, gap2[keep], gap1[keep])
    ri = np.where(use2, race_b[i], race_a[i])
    rj = np.where(use2, race_a[j], race_b[j])
    rematch = (last[i] == player[j]) | (last[j] == player[i])
    weight = (
        rules.wait_weight * (waited[i] + waited[j])
        - rules.gap_weight * (gap / GAP_UNIT) ** 2
        - rules.rematch_penalty * rematch
    )
    return CandidatePairs(i, j, ri, rj, weight)


def _by_seeker(n: int, slots: _Slots) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Each seeker's rating and race index on one side (NaN and -1 where they play none of it)."""
    rating = np.full(n, np.nan)
    race = np.full(n, -1, dtype=np.int64)
    rating[slots.seeker] = slots.rating
    race[slots.seeker] = slots.race
    return rating, race


@dataclass(frozen=True)
class _Slots:
    """One side's race slots, sorted by rating: which seeker, which of their races, what rating."""

    seeker: NDArray[np.int64]
    race: NDArray[np.int64]
    rating: NDArray[np.float64]


def _slots(seekers: Sequence[Seeker], side: str | None) -> _Slots:
    seeker, race, rating = [], [], []
    for si, s in enumerate(seekers):
        for ri, rr in enumerate(s.races):
            if rr.side == side:
                seeker.append(si)
                race.append(ri)
                rating.append(rr.rating)
    order = np.argsort(np.array(rating, dtype=np.float64), kind="stable")
    return _Slots(
        np.array(seeker, dtype=np.int64)[order],
        np.array(race, dtype=np.int64)[order],
        np.array(rating, dtype=np.float64)[order],
    )


def _near_pairs(left: _Slots, right: _Slots, k: int, *, same_list: bool) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Seekers of a left slot and of one of the k right slots nearest below and above it in rating."""
    if len(left.seeker) == 0 or len(right.seeker) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    if same_list:
        # One list: each slot with the next k above it covers every pair among k-neighbourhoods once.
        pos = np.arange(len(left.seeker))[:, None]
        other = pos + np.arange(1, k + 1)[None, :]
    else:
        pos = _places_among(left.rating, right.rating)[:, None]
        other = pos + np.arange(-k, k)[None, :]
    a = np.broadcast_to(np.arange(len(left.seeker))[:, None], other.shape)
    keep = (other >= 0) & (other < len(right.seeker))
    a, b = a[keep], other[keep]
    if not same_list:
        # The same from the right side's point of view, so that "b is among a's nearest" is symmetric.
        pos_r = _places_among(right.rating, left.rating)[:, None]
        other_r = pos_r + np.arange(-k, k)[None, :]
        b_r = np.broadcast_to(np.arange(len(right.seeker))[:, None], other_r.shape)
        keep_r = (other_r >= 0) & (other_r < len(left.seeker))
        a = np.concatenate([a, other_r[keep_r]])
        b = np.concatenate([b, b_r[keep_r]])
    return left.seeker[a], right.seeker[b]


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


# --- Choosing the matching -------------------------------------------------------------------------------


def choose_pairs(
    n: int,
    candidates: CandidatePairs,
    block: int = BLOCK,
    position: NDArray[np.float64] | None = None,
    exact_limit: int = EXACT_LIMIT,
) -> list[int]:
    """Indices into `candidates` of a maximum-cardinality, (near-)maximum-weight matching.

    A pool of up to `exact_limit` players is solved exactly. The exact solver is cubic, so a larger pool is
    solved in blocks of `block` players neighbouring in rating (`position`), each exactly; then again in
    blocks shifted by half, where every block keeps the pairs that reach outside it and re-solves the rest,
    which can only add pairs or weight; then augmenting paths add pairs that cross both kinds of block.
    """
    if len(candidates.i) == 0:
        return []
    ci, cj = candidates.i, candidates.j
    weights = (np.round((candidates.weight - candidates.weight.min()) * 1000) + 1).astype(np.int64)
    if n <= max(block, exact_limit):
        return _exact_block(np.arange(n), ci, cj, weights, np.arange(len(ci)))
    if position is None:
        position = np.zeros(n)
    order = np.argsort(position, kind="stable")
    slot = np.empty(n, dtype=np.int64)
    slot[order] = np.arange(n)
    incident = _Incidence.of(n, ci, cj)
    mate_edge = np.full(n, -1, dtype=np.int64)
    for offset in (0, block // 2):
        for start in range(-offset, n, block):
            lo, hi = max(start, 0), start + block
            _resolve_block(order[lo:hi], slot, lo, hi, incident, ci, cj, weights, mate_edge)
    _augment(n, incident, ci, cj, mate_edge)
    return sorted(set(mate_edge[mate_edge >= 0].tolist()))


@dataclass(frozen=True)
class _Incidence:
    """For each player, the candidate pairs they are in (compressed rows: `edges[start[v]:start[v + 1]]`)."""

    start: NDArray[np.int64]
    edges: NDArray[np.int64]

    @classmethod
    def of(cls, n: int, ci: NDArray[np.int64], cj: NDArray[np.int64]) -> _Incidence:
        ends = np.concatenate([ci, cj])
        edge = np.concatenate([np.arange(len(ci)), np.arange(len(cj))])
        order = np.argsort(ends, kind="stable")
        start = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(ends, minlength=n), out=start[1:])
        return cls(start, edge[order])

    def of_nodes(self, nodes: NDArray[np.int64]) -> NDArray[np.int64]:
        if len(nodes) == 0:
            return np.empty(0, dtype=np.int64)
        return np.concatenate([self.edges[self.start[v] : self.start[v + 1]] for v in nodes.tolist()])


def _resolve_block(
    members: NDArray[np.int64],
    slot: NDArray[np.int64],
    lo: int,
    hi: int,
    incident: _Incidence,
    ci: NDArray[np.int64],
    cj: NDArray[np.int64],
    weights: NDArray[np.int64],
    mate_edge: NDArray[np.int64],
) -> None:
    """Re-solves one block exactly, leaving alone the players whose partner is outside it."""
    partner_edge = mate_edge[members]
    partner = np.where(partner_edge >= 0, np.where(ci[partner_edge] == members, cj[partner_edge], ci[partner_edge]), -1)
    outside = (partner >= 0) & ((slot[np.maximum(partner, 0)] < lo) | (slot[np.maximum(partner, 0)] >= hi))
    free = members[~outside]
    edges = np.unique(incident.of_nodes(free))
    lo_ok = (slot[ci[edges]] >= lo) & (slot[ci[edges]] < hi) & (slot[cj[edges]] >= lo) & (slot[cj[edges]] < hi)
    edges = edges[lo_ok]
    # Ends that are fixed to a partner outside the block cannot be re-paired here.
    fixed = np.zeros(len(slot), dtype=bool)
    fixed[members[outside]] = True
    edges = edges[~(fixed[ci[edges]] | fixed[cj[edges]])]
    mate_edge[free] = -1
    for k in _exact_block(free, ci, cj, weights, edges):
        mate_edge[ci[k]] = k
        mate_edge[cj[k]] = k


def _exact_block(
    nodes: NDArray[np.int64],
    ci: NDArray[np.int64],
    cj: NDArray[np.int64],
    weights: NDArray[np.int64],
    edges: NDArray[np.int64],
) -> list[int]:
    """Maximum-cardinality maximum-weight matching of the subgraph (rustworkx's blossom algorithm)."""
    if len(edges) == 0:
        return []
    local = {v: x for x, v in enumerate(nodes.tolist())}
    graph = rx.PyGraph(multigraph=False)
    graph.add_nodes_from(range(len(local)))
    edge_list = edges.tolist()
    graph.add_edges_from(
        [(local[a], local[b], x) for x, (a, b) in enumerate(zip(ci[edges].tolist(), cj[edges].tolist(), strict=True))]
    )
    w = weights[edges].tolist()
    matching = rx.max_weight_matching(graph, max_cardinality=True, weight_fn=lambda x: w[x])
    return [edge_list[graph.get_edge_data(a, b)] for a, b in matching]


def _augment(
    n: int, incident: _Incidence, ci: NDArray[np.int64], cj: NDArray[np.int64], mate_edge: NDArray[np.int64]
) -> None:
    """Grows the matching along short augmenting paths from each free player (pairs the blocks missed)."""
    a_of, b_of = ci.tolist(), cj.tolist()
    mate = mate_edge.tolist()
    start, inc = incident.start.tolist(), incident.edges.tolist()
    # Players a failed search went through. While the matching stays as it is, a later search that reaches
    # them fails there too (exactly so where the graph is bipartite), so it need not walk them again.
    explored: set[int] = set()
    for root in range(n):
        if mate[root] >= 0 or start[root] == start[root + 1]:
            continue
        path = _augmenting_path(root, start, inc, a_of, b_of, mate, explored)
        for k in path:
            mate[a_of[k]] = k
            mate[b_of[k]] = k
        if path:
            explored.clear()
    mate_edge[:] = mate


def _augmenting_path(
    root: int, start: list[int], inc: list[int], a_of: list[int], b_of: list[int], mate: list[int], explored: set[int]
) -> list[int]:
    """The unmatched edges of an alternating path from free `root` to another free player, if one is near.

    A depth-first search without blossom shrinking, bounded to `AUGMENT_SEARCH_LIMIT` players: it can miss
    a path through an odd cycle or a far one, which only leaves a pair for a later wave.
    """
    for pos in range(start[root], start[root + 1]):  # a free neighbour first: the shortest path there is
        k = inc[pos]
        if mate[b_of[k] if a_of[k] == root else a_of[k]] < 0:
            return [k]
    visited = explored
    visited.add(root)
    stack = [(root, start[root])]
    taken: list[int] = []
    budget = AUGMENT_SEARCH_LIMIT
    while stack:
        node, pos = stack[-1]
        if pos >= start[node + 1]:
            stack.pop()
            if taken:
                taken.pop()
            continue
        stack[-1] = (node, pos + 1)
        k = inc[pos]
        other = b_of[k] if a_of[k] == node else a_of[k]
        if other in visited:
            continue
        budget -= 1
        if budget < 0:
            return []
        visited.add(other)
        if mate[other] < 0:
            return [*taken, k]
        held = mate[other]
        partner = b_of[held] if a_of[held] == other else a_of[held]
        if partner in visited:
            continue
        visited.add(partner)
        taken.append(k)
        stack.append((partner, start[partner]))
    return []
