"""Joins per second through the bot's `QueueService` on real PostgreSQL: 200 players press Join at once.

Each round, 200 new players join together (`asyncio.gather`), through the same async engine and pool the bot
builds (`db.engines.async_engine`); half queue one race, a fifth one of each side, most veto a map or two.
The first round warms the pool and is not counted. Figures: joins a second (200 / the round's wall time,
the median round), and p50 / p99 of each join's own latency over every counted join.

`python -m bench.joining [--players 200] [--rounds 5]`
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from typing import Any

from bench.pools import BW_RACES, SC2_RACES, starcraft
from bench.stack import database, servers
from bench.stats import percentile
from bot.queue_service import QueueService
from db.engines import async_engine, async_session_factory


async def _round(service: QueueService, players: range, rng: random.Random) -> tuple[float, list[float]]:
    maps = starcraft().maps.pool
    latencies: list[float] = []

    async def one(player: int) -> None:
        kind = rng.random()
        races = [rng.choice(BW_RACES)] if kind < 0.4 else [rng.choice(SC2_RACES)]
        if kind >= 0.8:
            races.append(rng.choice(BW_RACES))
        vetoes = rng.sample(maps, rng.randint(0, 2))
        began = time.perf_counter()
        await service.join(player, races, vetoes, display_name=f"bench {player}")
        latencies.append((time.perf_counter() - began) * 1000)

    began = time.perf_counter()
    await asyncio.gather(*(one(p) for p in players))
    return time.perf_counter() - began, latencies


async def _measure(database_url: str, players: int, rounds: int) -> dict[str, Any]:
    engine = async_engine(database_url)
    # Joins as such are measured: the players are taken as set up (the bot asks once, before the first game).
    service = QueueService(async_session_factory(engine), starcraft(), 45, require_setup=False)
    rng = random.Random(5)
    walls: list[float] = []
    latencies: list[float] = []
    try:
        for k in range(rounds + 1):
            wall, lat = await _round(service, range(1 + k * players, 1 + (k + 1) * players), rng)
            if k:
                walls.append(wall)
                latencies.extend(lat)
    finally:
        await engine.dispose()
    return {
        "players_at_once": players,
        "rounds": rounds,
        "join_per_s": round(players / statistics.median(walls), 1),
        "join_p50_ms": round(percentile(latencies, 50), 2),
        "join_p99_ms": round(percentile(latencies, 99), 2),
        "round_s": [round(w, 3) for w in walls],
    }


def measure(players: int = 200, rounds: int = 5) -> dict[str, Any]:
    with servers() as urls, database(urls, "ladder_bench_join") as url:
        return asyncio.run(_measure(url, players, rounds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--players", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(measure(args.players, args.rounds), indent=2))


if __name__ == "__main__":
    main()
