"""How far each matchmaker's wave falls short of the exact optimum of our objective, on pools up to 2,000.

For each pool: the exact optimum (`bench.exact`: the most players matched, then the greatest total weight),
and for each matchmaker the pairs it made and

    short % = 100 x (W_exact - W) / |W_exact|,   W = sum over its pairs of `bench.matches.weight`

(the weight without any constant per-pair reward). A matchmaker that matches fewer players than the exact
optimum can show a small or even negative shortfall: the comparison of weights is fair only at equal pairs,
so both are reported.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from bench.algorithms import MATCHMAKERS
from bench.exact import NETWORKX_LIMIT, exact
from bench.matches import check_disjoint, total_weight
from bench.pools import draw_pool, starcraft_rules

POOLS = (100, 200, 1_000, 2_000)
SEEDS = (100, 101)


def measure(pools: Sequence[int] = POOLS, seeds: Sequence[int] = SEEDS) -> dict[str, Any]:
    rules = starcraft_rules()
    rows = []
    for n in pools:
        for seed in seeds:
            pool = draw_pool(n, seed)
            began = time.perf_counter()
            best = exact(pool, rules)
            solve_s = time.perf_counter() - began
            check_disjoint(best)
            w_exact = total_weight(best, rules)
            row: dict[str, Any] = {
                "pool": n,
                "seed": seed,
                "exact_pairs": len(best),
                "exact_weight": round(w_exact, 3),
                "exact_solver": "networkx" if n <= NETWORKX_LIMIT else "rustworkx",
                "exact_solve_s": round(solve_s, 2),
            }
            for name, matchmaker in MATCHMAKERS.items():
                matches = matchmaker(pool, rules)
                w = total_weight(matches, rules)
                row[name] = {
                    "pairs": len(matches),
                    "weight": round(w, 3),
                    "short_pct": round(100 * (w_exact - w) / abs(w_exact), 3) if w_exact else None,
                }
            rows.append(row)
            print(
                f"  quality {n:>5,} seed {seed}: exact {len(best)} pairs in {solve_s:.1f} s; "
                + ", ".join(f"{k} {row[k]['pairs']} ({row[k]['short_pct']}%)" for k in MATCHMAKERS),
                flush=True,
            )
    ours = [r["ours"] for r in rows]
    return {
        "rows": rows,
        "ours_short_max_pct": max((o["short_pct"] for o in ours if o["short_pct"] is not None), default=None),
        "ours_matched_equal": all(r["ours"]["pairs"] == r["exact_pairs"] for r in rows),
    }
