"""Baseline: the community's first matchmaker, rebuilt from its description alone (`workers.greedy_matching`,
which a ladder file can also choose: `algorithm = "greedy"`).

- A player who plays both sides is first assigned one side, so that the two sides are as even as possible
  (in queue order, each goes to the side that has fewer players so far; the first side on a tie).
- A player's window is 100 + 50 x waves waited, uncapped; a pair is allowed when its gap fits either
  player's window.
- Score = gap^2 - 20 x (waves both waited); pairs are taken greedily from the lowest score.
- Then two passes over the pairs in rating order, swapping the second-side players of neighbouring pairs
  wherever that lowers the total squared gap and keeps both new pairs inside a window.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from functools import partial

from bench.matches import Match, Matchmaker
from workers.pairing import PairingRules, Seeker, greedy_pairs

WINDOW_BASE = 100.0
WINDOW_GROWTH = 50.0


def greedy(
    seekers: Sequence[Seeker],
    rules: PairingRules,
    window_base: float = WINDOW_BASE,
    window_growth: float = WINDOW_GROWTH,
) -> list[Match]:
    """The seed community's matchmaker; its window is theirs unless another is given (for the greedy's front
    of wait against gap, `bench.policy`), whatever the ladder file ships, and it knows no last call."""
    if rules.sides is None:
        raise ValueError("the greedy baseline is StarCraft's matchmaker: it needs a ladder with sides")
    own = dataclasses.replace(rules, window_base=window_base, window_growth=window_growth, last_call_waves=None)
    first, race_first, second, race_second = greedy_pairs(seekers, own)
    return [
        Match(seekers[a], seekers[a].races[x], seekers[b], seekers[b].races[y])
        for a, x, b, y in zip(first.tolist(), race_first.tolist(), second.tolist(), race_second.tolist(), strict=True)
    ]


def greedy_window(window_base: float, window_growth: float) -> Matchmaker:
    """The greedy with another window: a point of its front."""
    return partial(greedy, window_base=window_base, window_growth=window_growth)
