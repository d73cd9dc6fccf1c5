"""The seed community's greedy matchmaker, as pure array functions (a ladder file's `algorithm = "greedy"`, and
the benchmark's baseline, `bench.greedy`).

- A player who plays both sides is first given one, so that the two sides are as even as possible (in queue
  order, each goes to the side that has fewer players so far; the first side on a tie).
- A pair is allowed when its gap fits either player's window.
- Score = gap^2 - WAIT_BONUS x (waves both waited); pairs are taken greedily from the lowest score.
- Then SWAP_PASSES passes over the pairs in rating order, exchanging the second-side players of neighbouring
  pairs wherever that lowers the total squared gap and keeps both new pairs inside a window.

It knows nothing of seekers: `workers.pairing.greedy_pairs` hands it each side's ratings, windows and waits.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

WAIT_BONUS = 20.0
SWAP_PASSES = 2
# Candidate pairs are scored this many first-side players at a time, and the greedy walk drops pairs whose
# players are taken every this many steps, so memory and time stay bounded on large pools.
ROWS_PER_CHUNK = 512
FILTER_EVERY = 50_000


def split_sides(plays: Sequence[frozenset[str | None]], sides: tuple[str, str]) -> tuple[list[int], list[int]]:
    """Which players (by index) play each side: those of one side on it, then each player of both sides, in
    order, on the side that has fewer so far. A player of neither side plays none."""
    side_a = [k for k, p in enumerate(plays) if p == {sides[0]}]
    side_b = [k for k, p in enumerate(plays) if p == {sides[1]}]
    for k, p in enumerate(plays):
        if p >= set(sides):
            (side_a if len(side_a) <= len(side_b) else side_b).append(k)
    return side_a, side_b


def greedy_pairs(
    rating_a: NDArray[np.float64],
    rating_b: NDArray[np.float64],
    window_a: NDArray[np.float64],
    window_b: NDArray[np.float64],
    waited_a: NDArray[np.float64],
    waited_b: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The allowed pairs (index on side a, index on side b) taken greedily from the lowest score."""
    scores, rows, cols = [], [], []
    for lo in range(0, len(rating_a), ROWS_PER_CHUNK):
        hi = lo + ROWS_PER_CHUNK
        gap = np.abs(rating_a[lo:hi, None] - rating_b[None, :])
        allowed = gap <= np.maximum(window_a[lo:hi, None], window_b[None, :])
        r, c = np.nonzero(allowed)
        scores.append(gap[r, c] ** 2 - WAIT_BONUS * (waited_a[lo + r] + waited_b[c]))
        rows.append((lo + r).astype(np.int32))
        cols.append(c.astype(np.int32))
    if not scores:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    score = np.concatenate(scores)
    order = np.argsort(score, kind="stable")
    pa, pb = np.concatenate(rows)[order], np.concatenate(cols)[order]
    del score, order
    free_a = np.ones(len(rating_a), dtype=bool)
    free_b = np.ones(len(rating_b), dtype=bool)
    taken_a: list[int] = []
    taken_b: list[int] = []
    limit = min(len(rating_a), len(rating_b))
    while len(pa) and len(taken_a) < limit:
        for x, y in zip(pa[:FILTER_EVERY].tolist(), pb[:FILTER_EVERY].tolist(), strict=True):
            if free_a[x] and free_b[y]:
                free_a[x] = free_b[y] = False
                taken_a.append(x)
                taken_b.append(y)
        pa, pb = pa[FILTER_EVERY:], pb[FILTER_EVERY:]
        alive = free_a[pa] & free_b[pb]
        pa, pb = pa[alive], pb[alive]
    return np.array(taken_a, dtype=np.int64), np.array(taken_b, dtype=np.int64)


def swap_passes(
    ia: NDArray[np.int64],
    ib: NDArray[np.int64],
    rating_a: NDArray[np.float64],
    rating_b: NDArray[np.float64],
    window_a: NDArray[np.float64],
    window_b: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Neighbouring pairs (in order of the pair's mean rating) exchange their second-side players where
    that lowers the sum of squared gaps and both new pairs are allowed."""
    order = np.argsort((rating_a[ia] + rating_b[ib]) / 2, kind="stable")
    a, b = ia[order].tolist(), ib[order].tolist()
    ra, rb, wa, wb = rating_a.tolist(), rating_b.tolist(), window_a.tolist(), window_b.tolist()
    for _ in range(SWAP_PASSES):
        for k in range(len(a) - 1):
            a1, b1, a2, b2 = a[k], b[k], a[k + 1], b[k + 1]
            before = (ra[a1] - rb[b1]) ** 2 + (ra[a2] - rb[b2]) ** 2
            after = (ra[a1] - rb[b2]) ** 2 + (ra[a2] - rb[b1]) ** 2
            if (
                after < before
                and abs(ra[a1] - rb[b2]) <= max(wa[a1], wb[b2])
                and abs(ra[a2] - rb[b1]) <= max(wa[a2], wb[b1])
            ):
                b[k], b[k + 1] = b2, b1
    return np.array(a, dtype=np.int64), np.array(b, dtype=np.int64)


def greedy_matching(
    rating_a: NDArray[np.float64],
    rating_b: NDArray[np.float64],
    window_a: NDArray[np.float64],
    window_b: NDArray[np.float64],
    waited_a: NDArray[np.float64],
    waited_b: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The greedy's pairs, after its swap passes, in order of the pair's mean rating."""
    ia, ib = greedy_pairs(rating_a, rating_b, window_a, window_b, waited_a, waited_b)
    return swap_passes(ia, ib, rating_a, rating_b, window_a, window_b)
