"""Which matchmaking policy (window and weights) would beat the greedy baseline in the ladder simulation.

The ladder file's window and weights are policy, and ARCHITECTURE.md leaves their choice to this simulation.
For each candidate policy, ours is simulated at every arrival rate (as `make bench` does) and set beside the
greedy baseline: a policy passes where, at every rate, its wait p95 and mean gap are no worse than greedy's
and one is better. Not part of `make bench` (a few minutes per dozen policies):

    python -m bench.policy [--base 50 75 100] [--growth 50 75 100] [--gap-weight 1] [--wait-weight 1]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
from typing import Any

from bench.algorithms import ours
from bench.greedy import greedy
from bench.matches import Matchmaker
from bench.pools import starcraft, starcraft_rules
from bench.simulation import RATES, Outcome, seeds_for, simulate
from workers.pairing import PairingRules


def figures(matchmaker: Matchmaker, rules: PairingRules, rate: float) -> dict[str, Any]:
    ladder = starcraft()
    out = Outcome()
    for seed in seeds_for(rate):
        out.add(simulate(matchmaker, rate, seed=seed, ladder=ladder, rules=rules))
    return out.figures(ladder.matchmaking.max_wait_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=float, nargs="+", default=[50, 75, 100])
    parser.add_argument("--growth", type=float, nargs="+", default=[50, 75, 100])
    parser.add_argument("--gap-weight", type=float, nargs="+", default=[1.0])
    parser.add_argument("--wait-weight", type=float, nargs="+", default=[1.0])
    args = parser.parse_args()
    shipped = starcraft_rules()
    baseline = {rate: figures(greedy, shipped, rate) for rate in RATES}
    print(
        "greedy: " + "; ".join(f"{r}/min wait p95 {f['wait_p95_s']} gap {f['gap_mean']}" for r, f in baseline.items())
    )
    for base, growth, gap_w, wait_w in itertools.product(args.base, args.growth, args.gap_weight, args.wait_weight):
        rules = dataclasses.replace(
            shipped, window_base=base, window_growth=growth, gap_weight=gap_w, wait_weight=wait_w
        )
        cells, passes = [], True
        for rate in RATES:
            f, g = figures(ours, rules, rate), baseline[rate]
            w, gap = (f["wait_p95_s"], g["wait_p95_s"]), (f["gap_mean"], g["gap_mean"])
            passes &= w[0] <= w[1] and gap[0] <= gap[1] and (w[0] < w[1] or gap[0] < gap[1])
            cells.append(f"{rate}/min wait p95 {w[0]} gap {gap[0]} timeouts {f['timeout_share']}")
        verdict = "PASS" if passes else "fail"
        print(f"{verdict} base {base:g} growth {growth:g} gap_w {gap_w:g} wait_w {wait_w:g}: " + "; ".join(cells))


if __name__ == "__main__":
    main()
