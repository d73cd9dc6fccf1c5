"""The leaderboard and profile on 100,000 rated players, on real PostgreSQL. Writes bench/results/leaderboard.json.

    python -m bench.leaderboard [--players 100000] [--repeat 20]

Each player plays one to three of the ladder's six races, rated around 1500 with a spread of 300, 90% of them
active, from one of 15 countries (or none). For each filter (every race; best race only; two races, best only; a
country; a rank band; a race, a country and a band at once) the figures are the median of `repeat` reads of the
first page, a page in the middle and the last page, as the bot reads them (its board cache kept: `warm`), and the
same with nothing kept (`cold`: what the first reader after `LEADERBOARD_CACHE_S` pays); and one profile.
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
from sqlalchemy import text

from bench.wave import RESULTS
from db import players
from db.engines import async_engine, async_session_factory
from db.ladder import LADDERS_DIR, load_ladder
from db.leaderboard import BoardCache, BoardFilter, board
from db.migrate import upgrade
from db.settings import get_settings
from sandbox.servers import drop_database, embedded_running, ensure_servers, fresh_database, stop_servers

COUNTRIES = ["DE", "FR", "KR", "US", "RU", "CN", "PL", "SE", "BR", "ES", "GB", "UA", "CA", "NL", "FI", None, None]

# The goal: any page of any filter, as the bot reads it.
GOAL_MS = 50.0


def _fill(url: str, count: int, races: list[str]) -> None:
    rng = random.Random(1)
    with psycopg.connect(url) as conn:
        with conn.cursor().copy("COPY players (id, display_name, region, country) FROM STDIN") as copy:
            for pid in range(1, count + 1):
                copy.write_row((pid, f"Player {pid}", "EUW", rng.choice(COUNTRIES)))
        with conn.cursor().copy(
            "COPY ratings (player_id, race, rating, games, wins, losses, draws, last_played_at) FROM STDIN"
        ) as copy:
            for pid in range(1, count + 1):
                for race in rng.sample(races, rng.choice([1, 1, 1, 2, 2, 3])):
                    games = rng.randint(1, 60)
                    wins = rng.randint(0, games)
                    # 90% played within the ladder's 28 active days; the rest are shown unranked.
                    days = rng.uniform(0, 25) if rng.random() < 0.9 else rng.uniform(40, 90)
                    played = datetime.now(UTC) - timedelta(days=days)
                    rating = round(rng.gauss(1500, 300), 1)
                    copy.write_row((pid, race, rating, games, wins, games - wins, 0, played))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE ratings")  # what autovacuum does soon after a bulk load


async def _median_ms(read: Callable[[], Awaitable[Any]], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        await read()
        times.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(times), 2)


FILTERS = {
    "every_race": BoardFilter(),
    "best_race_only": BoardFilter(best_only=True),
    "two_races_best_only": BoardFilter(races=("bw_zerg", "sc2_zerg"), best_only=True),
    "country": BoardFilter(country="DE"),
    "rank_band": BoardFilter(band="C"),
    "race_country_band": BoardFilter(races=("bw_terran",), country="KR", band="B"),
}


async def _measure(url: str, count: int, repeat: int) -> dict[str, Any]:
    ladder = load_ladder(LADDERS_DIR / "starcraft.toml")
    engine = async_engine(url)
    sessions = async_session_factory(engine)
    figures: dict[str, Any] = {"players": count}
    try:
        async with sessions() as session:
            rows = (await session.execute(text("SELECT count(*) FROM ratings"))).scalar_one()
            figures["rating_rows"] = rows
            for name, wanted in FILTERS.items():
                kept, fresh = BoardCache(ttl_s=3600), BoardCache(ttl_s=0)
                last = (await board(session, ladder, wanted, 1, kept)).pages
                shown: dict[str, Any] = {"entries": (await board(session, ladder, wanted, 1, kept)).total}
                for where, page in (("first", 1), ("middle", (last + 1) // 2), ("last", last)):
                    for state, cache in (("warm", kept), ("cold", fresh)):

                        async def read(page: int = page, cache: BoardCache = cache, f: BoardFilter = wanted) -> Any:
                            return await board(session, ladder, f, page, cache)

                        shown[f"{where}_page_{state}_ms"] = await _median_ms(read, repeat)
                figures[name] = shown

            async def profile() -> Any:
                return await players.profile(session, count // 2, ladder)

            figures["profile_ms"] = await _median_ms(profile, repeat)
            warm = [v for f in FILTERS for k, v in figures[f].items() if k.endswith("warm_ms")]
            figures["slowest_warm_page_ms"] = max(warm)
            figures["goal_ms"] = GOAL_MS
            figures["within_goal"] = max(warm) <= GOAL_MS
            return figures
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
        _fill(url, args.players, [r.code for r in load_ladder(LADDERS_DIR / "starcraft.toml").races])
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
