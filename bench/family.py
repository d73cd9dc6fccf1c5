"""Ours against the two baselines in every world of the family (`bench.worlds`), and the verdict per world.

What players feel, measured the same way for every matchmaker and pooled over the seeds: matches played;
wait p50 / p95 of matched players; mean wait counting a player who gave up as having waited the whole
`max_wait_s`; the share who gave up; rating gap mean / p95; rematch rate.

The verdict (the issue's): in every world, ours is no worse than the greedy, within 1%, on matches played, on
the mean wait counting those who gave up and on the mean gap, and has fewer rematches. The aspiration, 10%
better on mean gap or on mean wait, is reported beside it.

    python -m bench.family [--quick] [--seeds held-out|tuning] [--out bench/results/family.json]

writes the table and verdicts as JSON (`bench/results/family.json` by default); `make bench` runs it on the
held-out seeds (`bench/__main__.py`, section `family`).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import statistics
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.algorithms import MATCHMAKERS
from bench.matches import Matchmaker
from bench.pools import starcraft, starcraft_rules
from bench.simulation import Outcome, simulate_world
from bench.worlds import HELD_OUT_SEEDS, QUICK_HELD_OUT, QUICK_SEEDS, TUNING_SEEDS, World, family, quick_family
from db.settings import PROJECT_DIR
from workers.pairing import PairingRules

TOLERANCE = 0.01
ASPIRATION = 0.10
METRICS = ("matches", "wait_p50_s", "wait_p95_s", "wait_mean_with_timeouts_s", "timeout_share", "gap_mean",
           "gap_p95", "rematch_rate")  # fmt: skip
RESULTS = PROJECT_DIR / "bench" / "results" / "family.json"


# The verdict's three measures, whose spread over the seeds is kept beside the pooled figures.
JUDGED = ("matches", "wait_mean_with_timeouts_s", "gap_mean")
# A verdict is left undecided by the seeds when its margin to the 1% line is within this many standard errors
# of the seeds' ratios (ours / greedy, seed by seed).
STANDARD_ERRORS = 2.0
# Worlds run side by side (each is one process's work: pure Python and numpy).
JOBS = min(4, os.cpu_count() or 1)


def figures(matchmaker: Matchmaker, world: World, seeds: Sequence[int], rules: PairingRules) -> dict[str, Any]:
    """The world's figures for one matchmaker, pooled over the seeds, and the judged ones seed by seed
    (`per_seed`)."""
    ladder = starcraft()
    max_wait = ladder.matchmaking.max_wait_s
    pooled = Outcome()
    per_seed: dict[str, list[float]] = {name: [] for name in JUDGED}
    for seed in seeds:
        one = simulate_world(matchmaker, world, seed, ladder, rules)
        pooled.add(one)
        mine = one.figures(max_wait)
        for name in JUDGED:
            per_seed[name].append(mine[name])
    return {**pooled.figures(max_wait), "per_seed": per_seed}


def ratio_spread(ours: Mapping[str, Any], greedy: Mapping[str, Any], name: str) -> float | None:
    """The standard error of ours / greedy on a judged measure, from the seeds' ratios (None: one seed)."""
    pairs = zip(ours.get("per_seed", {}).get(name, []), greedy.get("per_seed", {}).get(name, []), strict=True)
    ratios = [a / b for a, b in pairs if a is not None and b]
    if len(ratios) < 2:
        return None
    return float(statistics.stdev(ratios)) / math.sqrt(len(ratios))


@dataclass(frozen=True)
class Verdict:
    matches: bool
    wait: bool
    gap: bool
    rematches: bool
    aspiration: bool
    # The measures whose verdict the seeds leave undecided: the pooled ratio within STANDARD_ERRORS standard
    # errors of the seeds' ratios of the 1% line.
    undecided: tuple[str, ...] = ()

    @property
    def passes(self) -> bool:
        return self.matches and self.wait and self.gap and self.rematches

    def failed(self) -> list[str]:
        return [name for name in ("matches", "wait", "gap", "rematches") if not getattr(self, name)]


def judge(ours: Mapping[str, Any], greedy: Mapping[str, Any]) -> Verdict:
    """The issue's test of one world: ours no worse than the greedy within 1% on matches, mean wait counting
    those who gave up and mean gap, and fewer rematches (none where the greedy has none)."""
    wait, g_wait = ours["wait_mean_with_timeouts_s"], greedy["wait_mean_with_timeouts_s"]
    gap, g_gap = ours["gap_mean"], greedy["gap_mean"]
    rematch, g_rematch = ours["rematch_rate"] or 0.0, greedy["rematch_rate"] or 0.0
    lines = {"matches": (ours["matches"] / greedy["matches"], 1 - TOLERANCE), "wait": (wait / g_wait, 1 + TOLERANCE),
             "gap": (gap / g_gap, 1 + TOLERANCE)}  # fmt: skip
    undecided = []
    for (label, (ratio, line)), name in zip(lines.items(), JUDGED, strict=True):
        spread = ratio_spread(ours, greedy, name)
        if spread is not None and abs(ratio - line) <= STANDARD_ERRORS * spread:
            undecided.append(label)
    return Verdict(
        matches=ours["matches"] >= (1 - TOLERANCE) * greedy["matches"],
        wait=wait <= (1 + TOLERANCE) * g_wait,
        gap=gap <= (1 + TOLERANCE) * g_gap,
        rematches=rematch < g_rematch or rematch == g_rematch == 0.0,
        aspiration=gap <= (1 - ASPIRATION) * g_gap or wait <= (1 - ASPIRATION) * g_wait,
        undecided=tuple(undecided),
    )


def _figures(task: tuple[Matchmaker, World, tuple[int, ...], PairingRules]) -> dict[str, Any]:
    return figures(*task)


def measure(
    worlds: Sequence[World],
    seeds: Sequence[int],
    rules: PairingRules | None = None,
    matchmakers: Mapping[str, Matchmaker] = MATCHMAKERS,
    jobs: int = JOBS,
) -> dict[str, Any]:
    """Every world, every matchmaker (ours under `rules`, the shipped policy by default), and the verdicts;
    `jobs` processes run the worlds."""
    rules = rules or starcraft_rules()
    tasks = [(m, world, tuple(seeds), rules) for world in worlds for m in matchmakers.values()]
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            done = iter(pool.map(_figures, tasks, chunksize=1))
    else:
        done = iter(map(_figures, tasks))
    by_world: dict[str, Any] = {}
    for world in worlds:
        row = {name: next(done) for name in matchmakers}
        verdict = judge(row["ours"], row["greedy"])
        by_world[world.key] = {
            "world": world.name,
            "kind": world.kind,
            "size": world.size,
            "sides": world.sides,
            "ratings": world.ratings,
            "hours": world.hours,
            "figures": row,
            "verdict": {
                **verdict.__dict__,
                "undecided": list(verdict.undecided),
                "passes": verdict.passes,
                "failed": verdict.failed(),
            },
        }
        print(f"  {world.name:<28} {'PASS' if verdict.passes else 'fail ' + ','.join(verdict.failed())}: "
              + "; ".join(f"{n} gap {f['gap_mean']} wait {f['wait_mean_with_timeouts_s']} matches {f['matches']} "
                          f"rematch {f['rematch_rate']}" for n, f in row.items()), flush=True)  # fmt: skip
    return {
        "seeds": list(seeds),
        "policy": policy_of(rules),
        "worlds": by_world,
        "passed": sum(w["verdict"]["passes"] for w in by_world.values()),
        "of": len(by_world),
    }


def with_policy(rules: PairingRules, policy: Mapping[str, float]) -> PairingRules:
    """The rules with a policy's window and weights (those it names); `last_call` 1 or 0, on or off."""
    last_call = rules.last_call_waves
    if "last_call" in policy:
        on = starcraft().matchmaking.model_copy(update={"last_call": True})
        last_call = on.last_call_waves if policy["last_call"] else None
    return dataclasses.replace(
        rules,
        window_base=policy.get("window_base", rules.window_base),
        window_growth=policy.get("window_growth", rules.window_growth),
        window_neighbours=int(policy.get("window_neighbours", rules.window_neighbours)),
        wait_weight=policy.get("wait_weight", rules.wait_weight),
        gap_weight=policy.get("gap_weight", rules.gap_weight),
        rematch_penalty=policy.get("rematch_penalty", rules.rematch_penalty),
        last_call_waves=last_call,
    )


def policy_of(rules: PairingRules) -> dict[str, float]:
    return {
        "window_base": rules.window_base,
        "window_growth": rules.window_growth,
        "window_neighbours": float(rules.window_neighbours),
        "wait_weight": rules.wait_weight,
        "gap_weight": rules.gap_weight,
        "rematch_penalty": rules.rematch_penalty,
        "last_call": float(rules.last_call_waves is not None),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="three short worlds on one seed")
    parser.add_argument("--seeds", choices=("held-out", "tuning"), default="held-out")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    worlds = quick_family() if args.quick else family()
    seeds = (
        (QUICK_HELD_OUT if args.seeds == "held-out" else QUICK_SEEDS)
        if args.quick
        else (HELD_OUT_SEEDS if args.seeds == "held-out" else TUNING_SEEDS)
    )
    result = measure(worlds, seeds)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{result['passed']} of {result['of']} worlds pass; written: {args.out}")


if __name__ == "__main__":
    main()
