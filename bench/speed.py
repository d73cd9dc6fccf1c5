"""Pairing speed and what a wave's matching looks like, ours beside both baselines, on drawn pools.

For each pool size and matchmaker: the median time of one wave's pairing over `repeat` pools (seeds 0, 1,
...), the share of players matched and the mean and 95th percentile of the rating gap over every pair of
those runs. The baselines stop at `BASELINE_LIMIT` players: on 100,000 the greedy's candidate list (every
allowed cross-side pair, about 1.7e9) and the assignment's dense 60,000 x 60,000 cost matrix (29 GB) do not
fit in memory; they are null there with the reason in the notes.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from typing import Any

from bench.algorithms import MATCHMAKERS
from bench.matches import check_disjoint, eligible
from bench.pools import baseline_rules, draw_pool, starcraft_rules
from bench.stats import mean, percentile, rounded
from workers.pairing import warm_up

POOLS = (100, 1_000, 10_000, 100_000)
BASELINE_LIMIT = 10_000
SKIPPED = {
    "greedy": "every allowed cross-side pair of 100,000 players (about 1.7e9) would have to be scored and "
    "sorted: tens of GB",
    "assignment": "the dense cost matrix of 100,000 players is about 60,000 x 60,000 float64 (29 GB), more "
    "than the machine's memory",
}


def repeats(n: int, repeat: int) -> int:
    """Fewer runs where one takes seconds."""
    return repeat if n <= 1_000 else max(1, min(repeat, 3))


def measure(pools: Sequence[int] = POOLS, repeat: int = 5) -> dict[str, Any]:
    rules = starcraft_rules()
    judged_by = {name: rules if name == "ours" else baseline_rules() for name in MATCHMAKERS}
    warm_up()  # as a worker does at start: no wave pays for compiling the pairing's kernels
    figures: dict[str, dict[str, Any]] = {name: {} for name in MATCHMAKERS}
    notes: list[str] = []
    for n in pools:
        drawn = [draw_pool(n, seed) for seed in range(repeats(n, repeat))]
        for name, matchmaker in MATCHMAKERS.items():
            if name != "ours" and n > BASELINE_LIMIT:
                figures[name][str(n)] = None
                notes.append(f"{name} on {n:,}: not run: {SKIPPED[name]}")
                continue
            times: list[float] = []
            gaps: list[float] = []
            matched = 0
            for pool in drawn:
                began = time.perf_counter()
                matches = matchmaker(pool, rules)
                times.append((time.perf_counter() - began) * 1000)
                check_disjoint(matches)
                if not all(eligible(m, judged_by[name]) for m in matches):
                    raise AssertionError(f"{name} paired an ineligible pair on a pool of {n}")
                gaps.extend(m.gap for m in matches)
                matched += 2 * len(matches)
            figures[name][str(n)] = {
                "median_ms": round(statistics.median(times), 2),
                "runs_ms": [round(t, 2) for t in times],
                "matched_fraction": round(matched / (n * len(drawn)), 4),
                "gap_mean": rounded(mean(gaps), 1),
                "gap_p95": rounded(percentile(gaps, 95), 1),
            }
            print(f"  pairing {name:>10} {n:>7,}: {statistics.median(times):9.1f} ms", flush=True)
    return {"pools": list(pools), "by_algorithm": figures, "notes": notes}
