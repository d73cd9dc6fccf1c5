"""Baseline: the community's first matchmaker, rebuilt from its description alone.

- A player who plays both sides is first assigned one side, so that the two sides are as even as possible
  (in queue order, each goes to the side that has fewer players so far; the first side on a tie).
- A player's window is 100 + 50 x waves waited, uncapped; a pair is allowed when its gap fits either
  player's window.
- Score = gap^2 - 20 x (waves both waited); pairs are taken greedily from the lowest score.
- Then two passes over the pairs in rating order, swapping the second-side players of neighbouring pairs
  wherever that lowers the total squared gap and keeps both new pairs inside a window.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np
from numpy.typing import NDArray

from bench.matches import Match, Matchmaker, side_races, waves
from workers.pairing import PairingRules, RaceRating, Seeker

WINDOW_BASE = 100.0
WINDOW_GROWTH = 50.0
WAIT_BONUS = 20.0
SWAP_PASSES = 2
# Candidate pairs are scored this many first-side players at a time, and the greedy walk drops pairs whose
# players are taken every this many steps, so memory and time stay bounded on large pools.
ROWS_PER_CHUNK = 512
FILTER_EVERY = 50_000


def greedy(
    seekers: Sequence[Seeker],
    rules: PairingRules,
    window_base: float = WINDOW_BASE,
    window_growth: float = WINDOW_GROWTH,
) -> list[Match]:
    """The seed community's matchmaker; its window is theirs unless another is given (for the greedy's front
    of wait against gap, `bench.policy`)."""
    if rules.sides is None:
        raise ValueError("the greedy baseline is StarCraft's matchmaker: it needs a ladder with sides")
    side_a, side_b = split_sides(seekers, rules.sides)
    rating_a, race_a = _one_side(side_a, rules.sides[0])
    rating_b, race_b = _one_side(side_b, rules.sides[1])
    window_a = window_base + window_growth * waves(side_a)
    window_b = window_base + window_growth * waves(side_b)
    ia, ib = _greedy_pairs(rating_a, rating_b, window_a, window_b, waves(side_a), waves(side_b))
    ia, ib = _swap_passes(ia, ib, rating_a, rating_b, window_a, window_b)
    return [Match(side_a[x], race_a[x], side_b[y], race_b[y]) for x, y in zip(ia.tolist(), ib.tolist(), strict=True)]


def split_sides(seekers: Sequence[Seeker], sides: tuple[str, str]) -> tuple[list[Seeker], list[Seeker]]:
    plays = [{r.side for r in s.races} for s in seekers]
    side_a = [s for s, p in zip(seekers, plays, strict=True) if p == {sides[0]}]
    side_b = [s for s, p in zip(seekers, plays, strict=True) if p == {sides[1]}]
    for s, p in zip(seekers, plays, strict=True):
        if p >= set(sides):
            (side_a if len(side_a) <= len(side_b) else side_b).append(s)
    return side_a, side_b


def _one_side(seekers: list[Seeker], side: str) -> tuple[NDArray[np.float64], list[RaceRating]]:
    ratings, races = side_races(seekers, side)
    return ratings, [r for r in races if r is not None]


def _greedy_pairs(
    rating_a: NDArray[np.float64],
    rating_b: NDArray[np.float64],
    window_a: NDArray[np.float64],
    window_b: NDArray[np.float64],
    waited_a: NDArray[np.float64],
    waited_b: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
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


def _swap_passes(
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


def greedy_window(window_base: float, window_growth: float) -> Matchmaker:
    """The greedy with another window: a point of its front."""
    return partial(greedy, window_base=window_base, window_growth=window_growth)
