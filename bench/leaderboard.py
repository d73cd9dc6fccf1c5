"""The leaderboard and profile on 100,000 rated players, on real PostgreSQL. Writes bench/results/leaderboard.json.

    python -m bench.leaderboard [--players 100000] [--repeat 20]

Every player plays one race, rated around 1500 with a spread of 300, 90% of them active; the figures are the
median of `repeat` reads of the first page, a page in the middle, the last page, and one profile.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from bench.wave import RESULTS
from db import players
from db.engines import async_engine, async_session_factory
from db.ladder import LADDERS_DIR, load_ladder
from db.migrate import upgrade
from db.settings import get_settings
from sandbox.servers import drop_database, embedded_running, ensure_servers, fresh_database, stop_servers


def _fill(url: str, count: int) -> None:
    rng = random.Random(1)
    with psycopg.connect(url) as conn:
        with conn.cursor().copy("COPY players (id, display_name, region) FROM STDIN") as copy:
            for pid in range(1, count + 1):
                copy.write_row((pid, f"Player {pid}", "EUW"))
        with conn.cursor().copy(
            "COPY ratings (player_id, race, rating, games, wins, losses, draws, last_played_at) FROM STDIN"
        ) as copy:
            for pid in range(1, count + 1):
                games = rng.randint(1, 60)
                wins = rng.randint(0, games)
                # 90% played within the ladder's 28 active days; the rest are shown unranked.
                days = rng.uniform(0, 25) if rng.random() < 0.9 else rng.uniform(40, 90)
                played = datetime.now(UTC) - timedelta(days=days)
                copy.write_row((pid, "bw_zerg", round(rng.gauss(1500, 300), 1), games, wins, games - wins, 0, played))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE ratings")  # what autovacuum does soon after a bulk load


async def _median_ms(read: Callable[[], Awaitable[Any]], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        await read()
        times.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(times), 2)


async def _measure(url: str, count: int, repeat: int) -> dict[str, Any]:
    ladder = load_ladder(LADDERS_DIR / "starcraft.toml")
    engine = async_engine(url)
    sessions = async_session_factory(engine)
    try:
        async with sessions() as session:
            last = (await players.leaderboard(session, "bw_zerg", 1, ladder)).pages

            async def page(n: int) -> Any:
                return await players.leaderboard(session, "bw_zerg", n, ladder)

            async def profile() -> Any:
                return await players.profile(session, count // 2, ladder)

            return {
                "players": count,
                "first_page_ms": await _median_ms(lambda: page(1), repeat),
                "middle_page_ms": await _median_ms(lambda: page(last // 2), repeat),
                "last_page_ms": await _median_ms(lambda: page(last), repeat),
                "profile_ms": await _median_ms(profile, repeat),
            }
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--players", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    settings = get_settings()
    state = settings.state_dir
    was_running = embedded_running(state)
    urls = ensure_servers(state, settings.database_url, settings.redis_url)
    name = "ladder_bench_board"
    url = fresh_database(urls.database_url, name)
    try:
        upgrade(url)
        _fill(url, args.players)
        figures = asyncio.run(_measure(url, args.players, args.repeat))
    finally:
        drop_database(urls.database_url, name)
        if not (settings.database_url and settings.redis_url) and not was_running:
            stop_servers(state)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "leaderboard.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
