"""The three matchmakers side by side, each as `(seekers, rules) -> matches`."""

from __future__ import annotations

import random
from collections.abc import Sequence

from bench.assignment import assignment
from bench.greedy import greedy
from bench.matches import Match, Matchmaker, from_pairings
from workers.pairing import PairingRules, Seeker, pair_seekers


def ours(seekers: Sequence[Seeker], rules: PairingRules) -> list[Match]:
    return from_pairings(pair_seekers(seekers, rules, random.Random(0)))


MATCHMAKERS: dict[str, Matchmaker] = {"ours": ours, "greedy": greedy, "assignment": assignment}
