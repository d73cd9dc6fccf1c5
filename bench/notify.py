"""Notification figures: from a wave's commit to the Discord stand-in receiving the edit of each player's view.

The real bot process runs against the stand-in; players join through the stand-in (so each has a live
searching message); waves run in this process on real PostgreSQL and Redis. Two measurements:

- single matches at a steady 10 events a second: p50 / p99 latency from the wave's commit to each edit;
- a burst: one wave matching `--burst` pairs at once: time until the last player's view shows the match,
  events delivered per second, and the bot's largest event-loop stall meanwhile (from its stats file).

`python -m bench.notify [--singles 100] [--burst 1000]` writes bench/results/notify.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import text

from db.engines import session_factory, sync_engine
from db.ladder import LADDERS_DIR, load_ladder
from db.migrate import upgrade
from db.settings import get_settings
from sandbox import processes
from sandbox.discord_standin import StandIn
from sandbox.players import match_first_shown_at, match_shown, queue_up
from sandbox.servers import drop_database, embedded_running, ensure_servers, fresh_database, stop_servers
from workers.wave import run_wave

RESULTS = Path(__file__).resolve().parent / "results" / "notify.json"
TOKEN = "bench-bot-token"
LADDER = load_ladder(LADDERS_DIR / "starcraft.toml")


async def _join_all(standin: StandIn, players: list[int], parallel: int = 50) -> dict[int, int]:
    """Every player queues (alternating sides, so all can pair); their searching message ids."""
    messages: dict[int, int] = {}
    slots = asyncio.Semaphore(parallel)

    async def one(index: int, player: int) -> None:
        async with slots:
            race = "bw_terran" if index % 2 == 0 else "sc2_terran"
            messages[player] = (await queue_up(standin, LADDER, player, [race])).id

    await asyncio.gather(*(one(i, p) for i, p in enumerate(players)))
    return messages


async def _seen(standin: StandIn, player: int, message_id: int, timeout: float) -> float:
    shown = await standin.wait_for_message(player, lambda m: m.id == message_id and match_shown(m) is not None, timeout)
    at = match_first_shown_at(shown)
    assert at is not None
    return at


async def measure(singles: int, burst: int) -> dict[str, Any]:
    settings = get_settings()
    state = settings.state_dir
    was_running = embedded_running(state)
    urls = ensure_servers(state, settings.database_url, settings.redis_url)
    name = f"ladder_bench_notify_{uuid.uuid4().hex[:6]}"
    database_url = fresh_database(urls.database_url, name)
    upgrade(database_url)
    stream = f"bench:{uuid.uuid4().hex[:6]}:events"
    logs = state / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    stats_file = logs / f"bot-stats-{uuid.uuid4().hex[:6]}.jsonl"
    standin = StandIn(TOKEN)
    await standin.start()
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": urls.redis_url,
        "EVENT_STREAM": stream,
        "DISCORD_TOKEN": TOKEN,
        "DISCORD_API_BASE": standin.api_base,
        "BOT_STATS_FILE": str(stats_file),
    }
    bot = processes.start_bot(env, logs / "bot.log")
    engine = sync_engine(database_url)
    sessions = session_factory(engine)
    client = redis.Redis.from_url(urls.redis_url)
    try:
        while not (standin.identify_count and standin.commands):
            if bot.poll() is not None:
                raise RuntimeError(f"the bot exited; see {logs / 'bot.log'}")
            await asyncio.sleep(0.1)
        ids = iter(range(700_000_000_000_000_001, 800_000_000_000_000_000))

        # Single matches, one wave each, paced at 10 a second.
        latencies: list[float] = []
        for _ in range(singles):
            started = time.monotonic()
            pair = [next(ids), next(ids)]
            messages = await _join_all(standin, pair)
            result = await asyncio.to_thread(run_wave, sessions, client, stream, LADDER)
            committed = _committed_at(engine, result.wave_id)
            for player in pair:
                latencies.append((await _seen(standin, player, messages[player], 30) - committed) * 1000)
            await asyncio.sleep(max(0.0, 0.1 - (time.monotonic() - started)))

        # The burst: every player waits, then one wave matches them all.
        players = [next(ids) for _ in range(2 * burst)]
        messages = await _join_all(standin, players)
        await asyncio.sleep(2)  # the stats file's windows before the burst are the joins', not the burst's
        burst_started = time.time()
        result = await asyncio.to_thread(run_wave, sessions, client, stream, LADDER)
        committed = _committed_at(engine, result.wave_id)
        seen = await asyncio.gather(*(_seen(standin, p, messages[p], 300) for p in players))
        last = max(seen)
        await asyncio.sleep(1.5)  # one more stats line covers the end of the burst
        stalls = [
            line["largest_stall_ms"]
            for line in map(json.loads, stats_file.read_text().splitlines())
            if line["at"] >= burst_started
        ]
    finally:
        processes.stop(bot)
        await standin.stop()
        client.close()
        engine.dispose()
        drop_database(urls.database_url, name)
        if not (settings.database_url and settings.redis_url) and not was_running:
            stop_servers(state)
    latencies.sort()
    return {
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": _cpus()},
        "single_matches": {
            "matches": singles,
            "deliveries": len(latencies),
            "commit_to_edit_p50_ms": round(statistics.median(latencies), 2),
            "commit_to_edit_p99_ms": round(latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))], 2),
        },
        "burst": {
            "events": result.matched_pairs,
            "deliveries": len(seen),
            "commit_to_last_edit_s": round(last - committed, 3),
            "events_per_s": round(result.matched_pairs / (last - committed), 1),
            "deliveries_per_s": round(len(seen) / (last - committed), 1),
            "bot_largest_stall_ms": max(stalls, default=None),
        },
    }


def _committed_at(engine: Any, wave_id: int | None) -> float:
    with engine.connect() as conn:
        value = conn.execute(
            text("SELECT EXTRACT(EPOCH FROM committed_at)::float8 FROM waves WHERE id = :w"), {"w": wave_id}
        ).scalar()
    return float(value)


def _cpus() -> int:
    return os.cpu_count() or 0


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
