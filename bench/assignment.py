"""Baseline: the community's later matchmaker, rebuilt from its description alone.

A cost matrix of first-side-capable (rows) x second-side-capable (columns) players,
cost = gap^2 - 20 x 2^max(waves waited of the two), with ineligible pairs (the same player, or a gap outside
both windows, 100 + 50 x waves waited) forbidden, solved by `scipy.optimize.linear_sum_assignment`. A
player who can play both sides has a row and a column: their assigned pairs are taken in order of cost and
a pair whose player is already used is dropped, so no one is paired with themselves or used twice.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from bench.matches import Match, side_races, waves
from workers.pairing import PairingRules, RaceRating, Seeker

WINDOW_BASE = 100.0
WINDOW_GROWTH = 50.0
WAIT_BONUS = 20.0
# Forbidden pairs cost more than any whole assignment of allowed pairs could, so the solver uses one only
# where no allowed pair is left for that row; such pairs are dropped afterwards.
FORBIDDEN = 1e13


def assignment(seekers: Sequence[Seeker], rules: PairingRules) -> list[Match]:
    if rules.sides is None:
        raise ValueError("the assignment baseline is StarCraft's matchmaker: it needs a ladder with sides")
    rating_a, race_a = side_races(seekers, rules.sides[0])
    rating_b, race_b = side_races(seekers, rules.sides[1])
    rows = np.flatnonzero(~np.isnan(rating_a))
    cols = np.flatnonzero(~np.isnan(rating_b))
    if len(rows) == 0 or len(cols) == 0:
        return []
    waited = waves(seekers)
    window = WINDOW_BASE + WINDOW_GROWTH * waited
    gap = np.abs(rating_a[rows, None] - rating_b[None, cols])
    cost = gap**2 - WAIT_BONUS * np.exp2(np.maximum(waited[rows, None], waited[None, cols]))
    allowed = (gap <= np.maximum(window[rows, None], window[None, cols])) & (rows[:, None] != cols[None, :])
    del gap
    cost[~allowed] = FORBIDDEN
    r, c = linear_sum_assignment(cost)
    keep = allowed[r, c]
    r, c, pair_cost = r[keep], c[keep], cost[r[keep], c[keep]]
    used: set[int] = set()
    matches = []
    for k in np.argsort(pair_cost, kind="stable").tolist():
        x, y = int(rows[r[k]]), int(cols[c[k]])
        if x in used or y in used:
            continue
        used.update((x, y))
        ra, rb = race_a[x], race_b[y]
        assert isinstance(ra, RaceRating) and isinstance(rb, RaceRating)
        matches.append(Match(seekers[x], ra, seekers[y], rb))
    return matches
