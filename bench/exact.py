"""The yardstick: the exact optimum of our own objective on a pool, over every eligible pair.

The most players matched, then the greatest total weight (`bench.matches.weight`): a maximum-cardinality
maximum-weight matching. networkx solves it where it finishes in seconds; larger pools go to rustworkx's
`max_weight_matching`, the same blossom algorithm (a port of networkx's) compiled, which solves 2,000 players
(about a million eligible pairs) in about a minute where networkx would take hours.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import numpy as np
import rustworkx as rx
from numpy.typing import NDArray

from bench.matches import GAP_UNIT, Match, side_races, waves
from workers.pairing import PairingRules, RaceRating, Seeker, windows_of

NETWORKX_LIMIT = 300
# Weights are given to the solvers as integers: shifted to be positive (every maximum-cardinality matching
# has the same number of pairs, so a shift changes none of their order) and scaled to keep 6 decimals.
SCALE = 1e6


def exact(seekers: Sequence[Seeker], rules: PairingRules, solver: str | None = None) -> list[Match]:
    i, j, flip, w = eligible_pairs(seekers, rules)
    if len(i) == 0:
        return []
    iw = np.round((w - w.min() + 1) * SCALE).astype(np.int64)
    edges = list(zip(i.tolist(), j.tolist(), iw.tolist(), strict=True))
    solver = solver or ("networkx" if len(seekers) <= NETWORKX_LIMIT else "rustworkx")
    if solver == "networkx":
        graph = nx.Graph()
        graph.add_weighted_edges_from(edges)
        mates = nx.max_weight_matching(graph, maxcardinality=True)
    else:
        rgraph = rx.PyGraph()
        rgraph.add_nodes_from(range(len(seekers)))
        rgraph.add_edges_from(edges)
        mates = rx.max_weight_matching(rgraph, max_cardinality=True, weight_fn=int)
    index = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(i.tolist(), j.tolist(), strict=True))}
    matches = []
    for u, v in mates:
        x, y = min(u, v), max(u, v)
        matches.append(_match(seekers, rules, x, y, bool(flip[index[(x, y)]])))
    return matches


def eligible_pairs(
    seekers: Sequence[Seeker], rules: PairingRules
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_], NDArray[np.float64]]:
    """Every eligible pair i < j in its best race assignment: `flip` when i plays the second side."""
    n = len(seekers)
    waited = waves(seekers)
    window = windows_of(seekers, rules)
    limit = np.maximum(window[:, None], window[None, :])
    if rules.sides is None:
        rating, _ = side_races(seekers, None)
        gap1 = np.abs(rating[:, None] - rating[None, :])
        gap2 = np.full_like(gap1, np.inf)
    else:
        rating_a, _ = side_races(seekers, rules.sides[0])
        rating_b, _ = side_races(seekers, rules.sides[1])
        gap1 = np.abs(rating_a[:, None] - rating_b[None, :])  # the row plays the first side
        gap2 = gap1.T  # the row plays the second side
    with np.errstate(invalid="ignore"):
        ok1 = gap1 <= limit
        ok2 = gap2 <= limit
        flip = ok2 & (~ok1 | (gap2 < gap1))
    gap = np.where(ok1, gap1, np.inf)
    gap = np.where(flip, gap2, gap)
    i, j = np.triu_indices(n, 1)
    keep = np.isfinite(gap[i, j])
    i, j = i[keep].astype(np.int64), j[keep].astype(np.int64)
    players = np.array([s.player_id for s in seekers], dtype=np.int64)
    last = np.array([s.last_opponent_id or -1 for s in seekers], dtype=np.int64)
    keep = players[i] != players[j]
    i, j = i[keep], j[keep]
    rematch = (last[i] == players[j]) | (last[j] == players[i])
    w = (
        rules.wait_weight * (np.sqrt(waited[i]) + np.sqrt(waited[j]))
        - rules.gap_weight * (gap[i, j] / GAP_UNIT) ** 2
        - rules.rematch_penalty * rematch
    )
    return i, j, flip[i, j], w


def _match(seekers: Sequence[Seeker], rules: PairingRules, x: int, y: int, flip: bool) -> Match:
    a, b = seekers[x], seekers[y]
    if rules.sides is None:
        return Match(a, a.races[0], b, b.races[0])
    first, second = (rules.sides[1], rules.sides[0]) if flip else rules.sides
    return Match(a, _race(a, first), b, _race(b, second))


def _race(s: Seeker, side: str) -> RaceRating:
    return next(r for r in s.races if r.side == side)
