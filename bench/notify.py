"""Notification figures: from a wave's commit to the Discord stand-in receiving the edit of each player's view.

The real bot process runs against the stand-in; players join through the stand-in (so each has a live
searching message); waves run in this process on real PostgreSQL and Redis. Two measurements:

- single matches at a steady 10 events a second: p50 / p99 latency from the wave's commit to each edit;
- a burst: one wave matching `--burst` pairs at once: time until the last player's view shows the match,
  events delivered per second, and the bot's largest event-loop stall meanwhile, the largest busy stall (the
  loop running the bot's own code) and the longest garbage collection (from its stats file).

`python -m bench.notify [--singles 100] [--burst 1000]` writes bench/results/notify.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from itertools import count
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.machine import machine
from bench.stack import BotStack, JoinsFailed, bot_stack

RESULTS = Path(__file__).resolve().parent / "results" / "notify.json"
# A Join reads every waiting entry for its searching view, so it answers more slowly the more players wait;
# past about 10,000 waiting a Join misses Discord's 3 seconds. A big burst's players therefore join in chunks,
# and each chunk's entries are set aside (state 'cancelled' in this benchmark's own database) until every
# player has joined; all are waiting again before the wave. What is measured, the delivery, is unchanged:
# the bot still holds every player's subscription and live message.
SET_ASIDE_EVERY = 2000
# The joins are the set-up, not what is measured: the bot answers them one after another on its one core, so
# twenty at a time join as fast as fifty, and each stays within Discord's 3 seconds on a busy machine.
JOINS_AT_ONCE = 20


async def measure(singles: int, burst: int) -> dict[str, Any]:
    async with bot_stack("ladder_bench_notify") as stack:
        ids = count(700_000_000_000_000_001)
        figures: dict[str, Any] = {"machine": machine()}
        if singles:
            figures["single_matches"] = await _singles(stack, singles, ids)
        if burst:
            figures["burst"] = await _burst(stack, burst, ids)
    return figures


async def _singles(stack: BotStack, singles: int, ids: count[int]) -> dict[str, Any]:
    """Single matches, one wave each, paced at 10 a second."""
    latencies: list[float] = []
    for _ in range(singles):
        started = time.monotonic()
        pair = [next(ids), next(ids)]
        messages = await stack.join_all(pair)
        since = stack.log_position()
        result = await asyncio.to_thread(stack.wave)
        committed = stack.committed_at(result.wave_id)
        shown = await stack.shown_at(messages, 30, every_s=0.005, since=since)
        latencies.extend((at - committed) * 1000 for at in shown.values())
        await asyncio.sleep(max(0.0, 0.1 - (time.monotonic() - started)))
    latencies.sort()
    return {
        "matches": singles,
        "deliveries": len(latencies),
        "commit_to_edit_p50_ms": round(statistics.median(latencies), 2),
        "commit_to_edit_p99_ms": round(latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))], 2),
    }


async def _burst(stack: BotStack, burst: int, ids: count[int]) -> dict[str, Any]:
    """Every player waits, then one wave matches them all."""
    players = [next(ids) for _ in range(2 * burst)]
    joins_began, joins_began_at = time.monotonic(), time.time()
    messages: dict[int, int] = {}
    try:
        for lo in range(0, len(players), SET_ASIDE_EVERY):
            chunk = players[lo : lo + SET_ASIDE_EVERY]
            messages.update(await stack.join_all(chunk, parallel=JOINS_AT_ONCE))
            if len(players) > SET_ASIDE_EVERY:
                _set_aside(stack, chunk, "waiting", "cancelled")
    except JoinsFailed as failed:
        joining = _stalls(stack, joins_began_at, time.time())
        return {
            "events": burst,
            "completed": False,
            "reason": f"the players could not all join: after {len(messages) + len(failed.joined):,} joins, {failed}",
            "joins_through_standin_s": round(time.monotonic() - joins_began, 1),
            "bot_largest_stall_ms_while_joining": joining["bot_largest_stall_ms"],
            "bot_largest_busy_stall_ms_while_joining": joining["bot_largest_busy_stall_ms"],
        }
    if len(players) > SET_ASIDE_EVERY:
        _set_aside(stack, players, "cancelled", "waiting")
    joins_s = time.monotonic() - joins_began
    await asyncio.sleep(2)  # the stats file's windows before the burst are the joins', not the burst's
    burst_started, since = time.time(), stack.log_position()
    result = await asyncio.to_thread(stack.wave)
    committed = stack.committed_at(result.wave_id)
    seen = list((await stack.shown_at(messages, 60 + burst / 10, every_s=0.05, since=since)).values())
    last = max(seen)
    await asyncio.sleep(1.5)  # one more stats line covers the end of the burst
    return {
        "events": result.matched_pairs,
        "completed": True,
        "deliveries": len(seen),
        "joins_through_standin_s": round(joins_s, 1),
        "wave_commit_ms": round(result.commit_ms, 1),
        "commit_to_last_edit_s": round(last - committed, 3),
        "events_per_s": round(result.matched_pairs / (last - committed), 1),
        "deliveries_per_s": round(len(seen) / (last - committed), 1),
        **_stalls(stack, burst_started, last),
    }


def _stalls(stack: BotStack, began: float, ended: float) -> dict[str, float | None]:
    """The bot's largest event-loop stalls from `began` to `ended` (wall clock). Each stats line holds the
    largest of the second before it, so the window is the lines from `began` to the first one after `ended`.
    A stall is how late the loop ran a 20 ms timer, whatever held it up (the machine included); a busy stall
    is the part of it the loop spent running the bot's own code, the garbage collector included (its longest
    collection, in CPU time)."""
    lines = [line for line in stack.stats() if line["at"] >= began]
    after = next((n for n, line in enumerate(lines) if line["at"] > ended), len(lines) - 1)
    window = lines[: after + 1]
    return {
        name: max((line[key] for line in window if key in line), default=None)
        for name, key in (
            ("bot_largest_stall_ms", "largest_stall_ms"),
            ("bot_largest_busy_stall_ms", "largest_busy_stall_ms"),
            ("bot_longest_gc_cpu_ms", "largest_gc_cpu_ms"),
        )
    }


def _set_aside(stack: BotStack, players: list[int], state: str, to: str) -> None:
    with stack.engine.begin() as conn:
        conn.execute(
            text("UPDATE queue_entries SET state = :to WHERE state = :state AND player_id = ANY(:players)"),
            {"to": to, "state": state, "players": players},
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--singles", type=int, default=100)
    parser.add_argument("--burst", type=int, default=1000)
    args = parser.parse_args()
    figures = asyncio.run(measure(args.singles, args.burst))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
