"""`make bench` / `python -m bench`: every benchmark, then bench/results/latest.json, docs/BENCHMARKS.md and
its plots (docs/bench/*.png), and a short table of the goals.

    python -m bench                      # the full run (docs/BENCHMARKS.md gives each section's time)
    python -m bench --quick              # small sizes, a few minutes, written under .state/bench-quick/
    python -m bench --only speed wave    # some sections only; the others are null, with the reason
    python -m bench --only family --merge  # some sections again, the others' figures kept from latest.json

A section that fails is null in the results with its error in `notes`; the others still run, and the
command exits non-zero.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import (
    drawing,
    family,
    joining,
    memory,
    notify,
    quality,
    replay_uploads,
    replays,
    report,
    simulation,
    speed,
    wave,
    worlds,
)
from bench.algorithms import MATCHMAKERS
from bench.machine import machine
from bench.stack import servers
from db.settings import PROJECT_DIR


@dataclass(frozen=True)
class Sizes:
    pools: tuple[int, ...]
    repeat: int
    quality_pools: tuple[int, ...]
    quality_seeds: tuple[int, ...]
    sim_hours: float
    sim_seeds: tuple[int, ...] | None
    worlds: tuple[worlds.World, ...]
    world_seeds: tuple[int, ...]
    wave_sizes: tuple[int, ...]
    wave_repeat: int
    singles: int
    burst: int
    burst_runs: int
    big_burst: int  # 0: not run
    expired: int  # players reached by direct message once their tokens expired
    join_rounds: int
    cycles: int
    drawing_rounds: int
    replay_rounds: int  # parse rounds over the five fixture replays
    replay_waves: int  # waves each way, idle and while 200 replays are read
    replay_uploads: int  # players uploading at once through the stand-in, the bot's loop stall meanwhile


FULL = Sizes(
    pools=speed.POOLS,
    repeat=5,
    quality_pools=quality.POOLS,
    quality_seeds=quality.SEEDS,
    sim_hours=simulation.HOURS,
    sim_seeds=None,
    worlds=worlds.family(),
    world_seeds=worlds.HELD_OUT_SEEDS,
    wave_sizes=wave.SIZES,
    wave_repeat=3,
    singles=100,
    burst=1000,
    burst_runs=3,
    big_burst=10_000,
    expired=1000,
    join_rounds=5,
    cycles=10_000,
    drawing_rounds=drawing.ROUNDS,
    replay_rounds=replays.ROUNDS,
    replay_waves=replays.WAVES,
    replay_uploads=replay_uploads.PLAYERS,
)
QUICK = Sizes(
    pools=(100, 1_000),
    repeat=3,
    quality_pools=(100, 200),
    quality_seeds=(100,),
    sim_hours=1.0,
    sim_seeds=(7,),
    worlds=worlds.quick_family(),
    world_seeds=worlds.QUICK_HELD_OUT,
    wave_sizes=(1_000,),
    wave_repeat=2,
    singles=20,
    burst=200,
    burst_runs=2,
    big_burst=0,
    expired=100,
    join_rounds=2,
    cycles=500,
    drawing_rounds=5,
    replay_rounds=8,
    replay_waves=3,
    replay_uploads=replay_uploads.PLAYERS,  # the 200: about a minute and a half
)
SECTIONS = ("speed", "quality", "simulation", "family", "wave", "notify", "joining", "memory", "drawing", "replays")


def sections(s: Sizes) -> dict[str, Callable[[], Any]]:
    return {
        "speed": lambda: speed.measure(s.pools, s.repeat),
        "quality": lambda: quality.measure(s.quality_pools, s.quality_seeds),
        "simulation": lambda: simulation.measure(MATCHMAKERS, simulation.RATES, s.sim_hours, s.sim_seeds),
        "family": lambda: family.measure(s.worlds, s.world_seeds),
        "wave": lambda: wave.whole_wave(s.wave_repeat, s.wave_sizes),
        "notify": lambda: asyncio.run(notify.measure(s.singles, s.burst, burst_runs=s.burst_runs)),
        "notify_10000": lambda: asyncio.run(notify.measure(0, s.big_burst)) if s.big_burst else None,
        "notify_discord": lambda: asyncio.run(
            notify.measure(s.singles, s.burst, s.expired, burst_runs=s.burst_runs, discords_rules=True)
        ),
        "joining": lambda: joining.measure(200, s.join_rounds),
        "memory": lambda: asyncio.run(memory.measure(s.cycles, 100, 100)),
        "drawing": lambda: drawing.measure(s.drawing_rounds),
        "replays": lambda: replays.measure(s.replay_rounds, s.replay_waves),
        "replays_uploads": lambda: asyncio.run(replay_uploads.measure(s.replay_uploads)),
    }


def run(only: list[str], sizes: Sizes, notes: list[str]) -> tuple[dict[str, Any], dict[str, float], bool]:
    """Every section asked for: its figures, its time in seconds, and whether any failed."""
    results: dict[str, Any] = {}
    seconds: dict[str, float] = {}
    failed = False
    for name, measure in sections(sizes).items():
        if name.split("_")[0] not in only:
            notes.append(f"{name}: not run in this invocation (--only {' '.join(only)})")
            continue
        print(f"[{datetime.now():%H:%M:%S}] {name}", flush=True)
        began = time.monotonic()
        try:
            results[name] = measure()
        except Exception as exc:
            traceback.print_exc()
            notes.append(f"{name}: failed: {type(exc).__name__}: {exc}")
            failed = True
        seconds[name] = round(time.monotonic() - began)
        print(f"[{datetime.now():%H:%M:%S}] {name} done in {seconds[name]:.0f} s", flush=True)
    return results, seconds, failed


def explain(results: dict[str, Any], notes: list[str]) -> None:
    """What every reader of the figures should know, beside the figures."""
    if results.get("speed"):
        notes.extend(results["speed"]["notes"])
    big = results.get("notify_10000")
    if "notify_10000" in results and big is None:
        notes.append("notify: the 10,000-match burst is not run in quick mode; loop_stall_max_ms is the small burst's")
    elif big and not big["burst"]["completed"]:
        notes.append(
            f"notify: the 10,000-match burst was not reached: {big['burst']['reason']}; the bot's largest event-loop "
            f"stall while they joined was {big['burst']['bot_largest_stall_ms_while_joining']} ms. "
            "loop_stall_max_ms is the 1,000-match burst's"
        )
    if results.get("notify") or big:
        notes.append(
            "loop_stall_max_ms: how late the bot's event loop ran a 20 ms timer during the burst, whatever held it "
            "up (another process on the cores included); loop_busy_stall_max_ms: the part of a late tick the loop "
            "spent running the bot's own code (its garbage collections included)"
        )
    if results.get("quality"):
        notes.append(
            "quality: the exact optimum is networkx's max_weight_matching up to 300 players and rustworkx's port of "
            "the same algorithm above (networkx needs hours for 2,000 players and about a million eligible pairs)"
        )
    if results.get("wave"):
        notes.append("wave_seconds: from the wave's start until every event is published (commit times in detail)")
    if results.get("memory"):
        notes.append(
            "rss_growth_mb: VmRSS of the real bot process after all cycles minus after the first 100; every cycle's "
            "players join through the Discord stand-in and see their match before the next batch"
        )
    if results.get("drawing"):
        notes.append(
            "drawing: the median time to draw one message (9 kinds, from a match found to a refusal) in each "
            "language, the languages timed in turn round after round; the ratio is to English in the same run"
        )
    if results.get("replays"):
        read = results["replays"]["wave"]["replays"]
        notes.append(
            "replays: parse times are read_replay alone in the bench process (the five fixtures in turn, GC on); the "
            "wave figures are waves of 1,000 run by the Procfile's worker while the Procfile's replays worker reads "
            f"{results['replays']['wave']['uploads']} uploads, against the same waves with it idle. The uploads' "
            f"checks came out {read['outcomes']} (first problems {read['first_problem']}): the fixtures are "
            "StarCraft II games, not the StarCraft ladder's matches, so none settles a match; reading the file is "
            "the cost either way"
        )
    uploads = results.get("replays_uploads")
    if uploads:
        notes.append(
            f"replay_uploads_loop_stall_ms: the bot's largest event-loop stall while {uploads['players']} players "
            f"(in {uploads['matches']} confirmed matches) ran /replay at once through the stand-in under Discord's "
            "rate limits and 60 ms latency, from the first /replay until every upload was checked and "
            f"{replay_uploads.AFTER_S:g} s more ({uploads['window_s']} s); the idle figure is the same statistic "
            f"over the {uploads['idle_window_s']} s just before. Answer latency: first response (the defer) from "
            "the stand-in's InteractionResult.latency_s; received: from the burst's start until the player's "
            f"answer stopped thinking ({uploads['answers']}). Checks: {uploads['checks_per_s']} uploads/s, every "
            "check failing on this ladder (the fixtures are StarCraft II games)"
        )
    elif results.get("replays"):
        notes.append("replay_uploads_loop_stall_ms: null, the replays_uploads part failed (see its note)")
    if results.get("simulation"):
        notes.append(
            "simulation: wait percentiles are over matched players (time from joining to the matching wave); "
            "wait_p95_with_timeouts_s also counts each timed-out player at max_wait_s"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, written under .state/bench-quick/")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--out", type=Path, help="where latest.json and BENCHMARKS.md go (default: the repo's)")
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the figures of the sections not run from the existing results file (with --only)",
    )
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    out = args.out or (PROJECT_DIR / ".state" / "bench-quick" if args.quick else None)
    json_path = out / "latest.json" if out else PROJECT_DIR / "bench" / "results" / "latest.json"
    md_path = out / "BENCHMARKS.md" if out else PROJECT_DIR / "docs" / "BENCHMARKS.md"
    notes: list[str] = ["quick mode: small sizes, not the issue's"] if args.quick else []
    began = time.monotonic()
    earlier = json.loads(json_path.read_text()) if args.merge and json_path.exists() else {}
    previous = report.sections_of(earlier) if earlier else {}
    with servers():  # started once for every section that needs them, stopped at the end if started here
        results, seconds, failed = run(args.only, sizes, notes)
    if previous:
        notes = [n for n in notes if not (n.split(":")[0] in previous and "not run in this invocation" in n)]
        notes.append(f"sections {', '.join(sorted(set(previous) - set(results)))}: figures of an earlier run, kept")
        results = {**previous, **results}
    explain(results, notes)
    meta = {
        "finished_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "duration_s": round(time.monotonic() - began),
        "quick": args.quick,
        "sections": sorted(results),
        # Each section's time when it last ran (a merged run keeps the others' from the file it merges into).
        "section_seconds": {**((earlier.get("detail") or {}).get("run") or {}).get("section_seconds", {}), **seconds},
    }
    result = report.latest(results, notes, machine(), meta)
    report.write(result, results, json_path, md_path, md_path.parent / "bench")
    print()
    print(report.short_table(result))
    print(f"\nwritten: {json_path}, {md_path} and its plots in {md_path.parent / 'bench'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
