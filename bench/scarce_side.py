"""Why a skewed world's matches follow the crowded side's queue (issue #18): a probe, one world, each matchmaker.

Where one side is scarce, nearly every player of it is matched in the wave they arrive, so a world's matches
are about the arrivals of that side. In the *arrivals* worlds an arrival is a random member of the community
who is neither queued nor in a game: the longer the crowded side's players stay queued, the fewer of them are
idle, and the more of the arrivals are the scarce side's. A matchmaker that serves the crowded side's longest
waiters first (the greedy's small reward for waiting does) keeps its queue longer and so plays more matches;
one that serves the closest player (a wait weight of 0) has shorter waits and fewer matches.

    python -m bench.scarce_side [--world arrivals-60-skewed-normal] [--seeds 101 102 103] [--wait-weight 0 0.003 0.01]

prints, per matchmaker and seed: arrivals of each kind, matches, those who gave up, mean wait incl. them, the
mean number of the crowded side's players queued in a wave, and the scarce side's players a wave left free.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence

from bench.algorithms import ours
from bench.family import with_policy
from bench.greedy import greedy
from bench.matches import Match, Matchmaker
from bench.pools import starcraft, starcraft_rules
from bench.simulation import simulate_world
from bench.worlds import TUNING_SEEDS, World, family
from workers.pairing import PairingRules, Seeker


def _kind(s: Seeker, sides: tuple[str, str]) -> str:
    plays = {r.side for r in s.races}
    return "both" if plays >= set(sides) else ("crowded" if plays == {sides[0]} else "scarce")


def counting(matchmaker: Matchmaker, counts: Counter[str]) -> Matchmaker:
    """The matchmaker, counting each wave's arrivals by kind, the crowded side's queue, and the players of the
    scarce side (or of both) it left free."""

    def run(seekers: Sequence[Seeker], rules: PairingRules) -> list[Match]:
        assert rules.sides is not None
        matches = matchmaker(seekers, rules)
        matched = {p for m in matches for p in (m.a.player_id, m.b.player_id)}
        counts["waves"] += 1
        for s in seekers:
            kind = _kind(s, rules.sides)
            counts[f"arrived {kind}"] += s.waves_waited == 0
            counts["crowded queued"] += kind == "crowded"
            counts["scarce or both left free"] += kind != "crowded" and s.player_id not in matched
        return matches

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--world", default="arrivals-60-skewed-normal", help="a key of bench.worlds.family()")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(TUNING_SEEDS))
    parser.add_argument("--wait-weight", type=float, nargs="+", default=[0.0, 0.003, 0.01])
    args = parser.parse_args()
    world: World = next(w for w in family() if w.key == args.world)
    ladder, rules = starcraft(), starcraft_rules()
    matchmakers: dict[str, tuple[Matchmaker, PairingRules]] = {"greedy": (greedy, rules)}
    for w in args.wait_weight:
        matchmakers[f"ours, wait_weight {w:g}"] = (ours, with_policy(rules, {"wait_weight": w}))
    for name, (matchmaker, own) in matchmakers.items():
        for seed in args.seeds:
            counts: Counter[str] = Counter()
            f = simulate_world(counting(matchmaker, counts), world, seed, ladder, own).figures(
                ladder.matchmaking.max_wait_s
            )
            print(
                f"{world.name}, seed {seed}, {name}: matches {f['matches']}, arrived scarce {counts['arrived scarce']} "
                f"+ both {counts['arrived both']} / crowded {counts['arrived crowded']}, gave up {f['timed_out']}, "
                f"mean wait incl. gave up {f['wait_mean_with_timeouts_s']} s, crowded side queued "
                f"{counts['crowded queued'] / counts['waves']:.0f} a wave, scarce or both left free "
                f"{counts['scarce or both left free'] / counts['waves']:.2f} a wave",
                flush=True,
            )


if __name__ == "__main__":
    main()
