"""The backend demo: simulated players join through QueueService while beat and a worker run waves, and the
stream is consumed as the bot will consume it. Prints progress live and writes a JSON report."""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
from sqlalchemy import text

from bot.queue_service import AlreadyMatched, Cancelled, QueueService
from bot.stream_consumer import EventConsumer
from db.engines import async_engine, async_session_factory
from db.events import MATCH_FOUND, Event
from db.ladder import Ladder, load_ladder
from db.migrate import upgrade
from db.settings import get_settings
from sandbox import processes
from sandbox.servers import embedded_running, ensure_servers, fresh_database, stop_servers

DEMO_DATABASE = "ladder_demo"


@dataclass(frozen=True)
class DemoOptions:
    players: int = 200
    duration: float = 60.0
    wave_interval: float = 5.0
    cancel_share: float = 0.1
    seed: int = 1
    report: Path | None = None
    ladder: Path | None = None
    keep_servers: bool = False


@dataclass
class Tally:
    joined: int = 0
    join_refused: int = 0
    cancelled: int = 0
    cancel_lost_to_wave: int = 0
    delivered: dict[tuple[int, int], float] = field(default_factory=dict)  # (event, player) -> wall time
    match_of_event: dict[int, tuple[int, int]] = field(default_factory=dict)  # event -> (match, wave)
    duplicate_notifications: int = 0
    expired_notified: int = 0


def run_demo(options: DemoOptions) -> dict[str, Any]:
    return asyncio.run(_demo(options))


async def _demo(options: DemoOptions) -> dict[str, Any]:
    settings = get_settings()
    state = settings.state_dir
    was_running = embedded_running(state)
    urls = ensure_servers(state, settings.database_url, settings.redis_url)
    database_url = fresh_database(urls.database_url, DEMO_DATABASE)
    upgrade(database_url)
    ladder = load_ladder(options.ladder or settings.ladder_config)
    token = uuid.uuid4().hex[:8]
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": urls.redis_url,
        "EVENT_STREAM": f"demo:{token}:events",
        "CELERY_QUEUE": f"demo-{token}",
        "WAVE_INTERVAL_S": str(options.wave_interval),
        **({"LADDER_CONFIG": str(options.ladder)} if options.ladder else {}),
    }
    logs = state / "demo"
    print(f"Servers ready. Logs of the worker and beat: {logs}/")
    worker = processes.start_worker(env, logs / "worker.log")
    beat = processes.start_beat(env, logs / "beat.log", logs / f"beat-schedule-{token}")
    engine = async_engine(database_url)
    sessions = async_session_factory(engine)
    client = aioredis.Redis.from_url(urls.redis_url)
    tally = Tally()
    rng = random.Random(options.seed)
    try:
        players = await _seed_players(sessions, ladder, options.players, rng)
        service = QueueService(sessions, ladder, options.wave_interval)
        consumer = EventConsumer(
            client, env["EVENT_STREAM"], "bot", "demo-bot", _recorder(sessions, tally), block_ms=200
        )
        stop = asyncio.Event()
        listening = asyncio.create_task(consumer.run(stop))
        progress = asyncio.create_task(_show_progress(sessions, tally, time.monotonic()))
        await _play(service, players, options, rng, tally)
        # No more joins: give the last wave time to run and its events time to arrive.
        await asyncio.sleep(options.wave_interval + 3)
        stop.set()
        await listening
        progress.cancel()
        report = await _report(sessions, tally, options)
    finally:
        processes.stop(beat)
        processes.stop(worker)
        await client.aclose()
        await engine.dispose()
        uses_embedded = not (settings.database_url and settings.redis_url)
        if uses_embedded and not was_running and not options.keep_servers:
            stop_servers(state)
    _print_summary(report)
    if options.report:
        options.report.write_text(json.dumps(report, indent=2) + "\n")
        print(f"Report written to {options.report}")
    return report


@dataclass(frozen=True)
class SimulatedPlayer:
    id: int
    races: list[str]
    vetoes: list[str]


async def _seed_players(sessions: Any, ladder: Ladder, count: int, rng: random.Random) -> list[SimulatedPlayer]:
    """Players with a region and a rating per race they play, spread around the start rating."""
    players = []
    rows, ratings = [], []
    for pid in range(1, count + 1):
        if ladder.has_sides:
            first, second = (ladder.races_of_side(s.code) for s in ladder.sides)
            kind = rng.random()
            races = ([rng.choice(first).code] if kind < 0.6 else []) + (
                [rng.choice(second).code] if kind >= 0.4 else []
            )
        else:
            races = [rng.choice(ladder.races).code]
        vetoes = rng.sample(ladder.maps.pool, rng.randint(0, ladder.maps.vetoes))
        players.append(SimulatedPlayer(pid, races, vetoes))
        rows.append({"id": pid, "name": f"Player {pid}", "region": rng.choice(ladder.regions).code})
        ratings += [{"p": pid, "race": r, "rating": round(rng.gauss(ladder.rating.start, 300), 1)} for r in races]
    async with sessions.begin() as session:
        await session.execute(text("INSERT INTO players (id, display_name, region) VALUES (:id, :name, :region)"), rows)
        await session.execute(
            text("INSERT INTO ratings (player_id, race, rating) VALUES (:p, :race, :rating)"), ratings
        )
    return players


async def _play(
    service: QueueService, players: list[SimulatedPlayer], options: DemoOptions, rng: random.Random, tally: Tally
) -> None:
    async def one(player: SimulatedPlayer, join_at: float, cancel_after: float | None) -> None:
        await asyncio.sleep(join_at)
        try:
            await service.join(player.id, player.races, player.vetoes, message_ref={"demo": True})
        except Exception:
            tally.join_refused += 1
            return
        tally.joined += 1
        if cancel_after is None:
            return
        await asyncio.sleep(cancel_after)
        outcome = await service.cancel(player.id)
        if isinstance(outcome, Cancelled):
            tally.cancelled += 1
        elif isinstance(outcome, AlreadyMatched):
            tally.cancel_lost_to_wave += 1

    joining_window = options.duration * 0.8
    await asyncio.gather(
        *(
            one(
                p,
                rng.uniform(0, joining_window),
                rng.uniform(1, options.wave_interval * 2) if rng.random() < options.cancel_share else None,
            )
            for p in players
        )
    )
    remaining = options.duration - joining_window
    if remaining > 0:
        await asyncio.sleep(remaining)


def _recorder(sessions: Any, tally: Tally) -> Any:
    """The demo's stand-in for the bot's listener: marks each player's event delivered, once."""

    async def handle(event: Event) -> None:
        now = time.time()
        if event.type == MATCH_FOUND:
            tally.match_of_event[event.id] = (event.payload["match_id"], event.payload["wave_id"])
        async with sessions.begin() as session:
            for player in event.player_ids:
                inserted = await session.execute(
                    text(
                        "INSERT INTO deliveries (event_id, player_id, path) VALUES (:e, :p, 'demo')"
                        " ON CONFLICT DO NOTHING RETURNING event_id"
                    ),
                    {"e": event.id, "p": player},
                )
                if inserted.first() is None:
                    tally.duplicate_notifications += 1
                else:
                    tally.delivered[(event.id, player)] = now

    return handle


async def _show_progress(sessions: Any, tally: Tally, started: float) -> None:
    while True:
        await asyncio.sleep(2)
        async with sessions() as session:
            row = (
                await session.execute(
                    text(
                        "SELECT (SELECT count(*) FROM queue_entries WHERE state = 'waiting') AS waiting,"
                        " (SELECT count(*) FROM waves) AS waves, (SELECT count(*) FROM matches) AS matches"
                    )
                )
            ).one()
        print(
            f"  {time.monotonic() - started:5.0f}s  joined {tally.joined:5d}  waiting {row.waiting:5d}"
            f"  waves {row.waves:3d}  matches {row.matches:5d}  players notified {len(tally.delivered):5d}",
            flush=True,
        )


async def _report(sessions: Any, tally: Tally, options: DemoOptions) -> dict[str, Any]:
    async with sessions() as session:
        matched = (
            await session.execute(text("SELECT player1_id, player2_id, id, wave_id FROM matches ORDER BY id"))
        ).all()
        waits = (
            (
                await session.execute(
                    text(
                        "SELECT EXTRACT(EPOCH FROM ended_at - joined_at)::float8 FROM queue_entries"
                        " WHERE state = 'matched'"
                    )
                )
            )
            .scalars()
            .all()
        )
        states = dict((await session.execute(text("SELECT state, count(*) FROM queue_entries GROUP BY state"))).all())
        committed = dict(
            (await session.execute(text("SELECT id, EXTRACT(EPOCH FROM committed_at)::float8 FROM waves"))).all()
        )
        waves = len(committed)
    appearances: dict[int, int] = {}
    for m in matched:
        for p in (m.player1_id, m.player2_id):
            appearances[p] = appearances.get(p, 0) + 1
    notified_players = {p for (e, p) in tally.delivered if e in tally.match_of_event}
    lost = sum(1 for p in appearances if p not in notified_players)
    latencies = [
        (at - committed[tally.match_of_event[e][1]]) * 1000
        for (e, _), at in tally.delivered.items()
        if e in tally.match_of_event and committed.get(tally.match_of_event[e][1])
    ]
    return {
        "players": options.players,
        "joined": tally.joined,
        "cancelled": tally.cancelled,
        "cancel_lost_to_wave": tally.cancel_lost_to_wave,
        "matches": len(matched),
        "players_matched": len(appearances),
        "players_notified": len(notified_players),
        "double_matched": sum(1 for n in appearances.values() if n > 1),
        "lost_notifications": lost,
        "duplicate_notifications": tally.duplicate_notifications,
        "expired": states.get("expired", 0),
        "still_waiting": states.get("waiting", 0),
        "waves": waves,
        "wait_p50_s": _percentile(waits, 50),
        "wait_p95_s": _percentile(waits, 95),
        "notify_latency_p50_ms": _percentile(latencies, 50),
        "notify_latency_p99_ms": _percentile(latencies, 99),
    }


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return round(ordered[rank], 3)


def _print_summary(report: dict[str, Any]) -> None:
    print("\nDemo summary")
    for key, value in report.items():
        print(f"  {key:24s} {value}")
