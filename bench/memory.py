"""The bot process's resident memory after 100 and after 10,000 join -> match -> notify cycles.

A cycle is one match: two players join through the Discord stand-in (/queue, a race, Join: the real bot
subscribes them and writes their entries), a wave run here matches them, and the bot shows each their match
(the run waits until every player's message shows it). Cycles run in batches (one wave per batch); every
player is new, so anything the bot kept per player would show. The bot's VmRSS is read from /proc after the
first `first` cycles and after `total`; the growth between them is the figure, the reading after every batch
is kept for the plot.

`python -m bench.memory [--cycles 10000] [--batch 100]`
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from itertools import count
from typing import Any

from bench.stack import bot_stack

SETTLE_S = 1.0


async def measure(total: int = 10_000, first: int = 100, batch: int = 100) -> dict[str, Any]:
    async with bot_stack("ladder_bench_memory") as stack:
        ids = count(800_000_000_000_000_001)
        readings: list[tuple[int, float]] = [(0, stack.rss_mb())]
        began = time.monotonic()
        done = 0
        while done < total:
            matches = min(batch, total - done, first - done if done < first else total)
            players = [next(ids) for _ in range(2 * matches)]
            messages = await stack.join_all(players)
            since = stack.log_position()
            result = await asyncio.to_thread(stack.wave)
            if result.matched_pairs != matches:
                raise RuntimeError(f"a wave matched {result.matched_pairs} pairs, not {matches}")
            await stack.shown_at(messages, 120, since=since)
            done += matches
            await asyncio.sleep(SETTLE_S if done in (first, total) else 0)
            readings.append((done, stack.rss_mb()))
        rss = dict(readings)
        stalls = [line["largest_stall_ms"] for line in stack.stats()]
    return {
        "cycles": total,
        "first": first,
        "batch": batch,
        "rss_start_mb": round(readings[0][1], 1),
        f"rss_after_{first}_mb": round(rss[first], 1),
        f"rss_after_{total}_mb": round(rss[total], 1),
        "rss_growth_mb": round(rss[total] - rss[first], 1),
        "rss_peak_mb": round(max(r for _, r in readings), 1),
        "seconds": round(time.monotonic() - began, 1),
        "bot_largest_stall_ms": max(stalls, default=None),
        "readings": [[c, round(r, 2)] for c, r in readings],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cycles", type=int, default=10_000)
    parser.add_argument("--first", type=int, default=100)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    figures = asyncio.run(measure(args.cycles, args.first, args.batch))
    print(json.dumps({k: v for k, v in figures.items() if k != "readings"}, indent=2))


if __name__ == "__main__":
    main()
