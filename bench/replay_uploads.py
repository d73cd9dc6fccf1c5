"""The bot while 200 replays are uploaded at once: its event loop's largest stall, how soon every player has
their "Replay received", and how soon every upload is checked.

    python -m bench --only replays        # as part of the replays section
    python -m bench.replay_uploads        # the figures alone, printed as JSON

The real bot process (`python -m bot`) against the Discord stand-in under Discord's rules (its rate limits,
60 ms each way with jitter, as the notification figures under limits), with the Procfile's `worker` and
`replays` processes, on real PostgreSQL and Redis, the StarCraft ladder's file (`[replays] mode = "optional"`).
200 players, set up (region, name) and rated, in 100 confirmed matches written to the database; each player
runs `/replay` with a file of their own (a fixture replay with a few bytes of its own after the archive) through
the stand-in, all 200 at once, after a warm-up of a few uploads and an idle stretch. The fixtures are StarCraft II
games of other ladders: every check fails on this ladder, and each becomes a `replay_checked` event the bot shows
both players. Storing, handing over and reading are the same either way.

The loop stall is read from the bot's BOT_STATS_FILE (each line the largest stall of the second before it), over
the burst, from the first `/replay` sent until the last upload is checked and a little after, and over an idle
stretch of the same length just before it.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import psutil
import redis
from celery import Celery
from sqlalchemy import Engine, text

from bench.replays import _concurrency, _CpuTime, _procfile_worker, _until_ready, fixtures
from bench.stack import database, freeze_harness, servers
from bench.stats import percentile
from db.engines import sync_engine
from db.ladder import LADDERS_DIR
from db.settings import get_settings
from sandbox import processes
from sandbox.discord_standin import AttachedFile, InteractionResult, StandIn, as_discord
from sandbox.player_view import titled_as

PLAYERS = 200
WARM_UP_PLAYERS = 4
# The longest idle stretch the burst is compared with (the burst itself lasts about 10 s on 2 cores).
IDLE_S = 20.0
# After the last check: its event shown to both players, and one more stats line.
AFTER_S = 2.0
PLAYER_IDS_FROM = 730_000_000_000_000_001
TOKEN = "bench-bot-token"
RECEIVED = "Replay received"
CHANNEL_MESSAGE = 4  # an interaction answered at once, without a defer (a refusal)


async def measure(players: int = PLAYERS, idle_s: float = IDLE_S) -> dict[str, Any]:
    if players % 2:
        raise ValueError("the players come in matches of two")
    files = list(fixtures().values())
    state = get_settings().state_dir / "bench"
    state.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:6]
    stats_file = state / f"bot-stats-uploads-{token}.jsonl"
    with servers() as urls, database(urls, "ladder_bench_uploads") as url:
        env = {
            "DATABASE_URL": url,
            "REDIS_URL": urls.redis_url,
            "EVENT_STREAM": f"bench:{token}:events",
            "CELERY_QUEUE": f"bench-{token}",
            "REPLAY_QUEUE": f"bench-replays-{token}",
            "LADDER_CONFIG": str(LADDERS_DIR / "starcraft.toml"),
            "WORKER_METRICS_PORT": "0",
            "DISCORD_TOKEN": TOKEN,
            "BOT_STATS_FILE": str(stats_file),
        }
        engine = sync_engine(url)
        app = Celery("bench-uploads", broker=urls.redis_url)
        try:
            ids = _seed(engine, WARM_UP_PLAYERS + players)
            warm_ups, burst = ids[:WARM_UP_PLAYERS], ids[WARM_UP_PLAYERS:]
            with (
                _procfile_worker("worker", f"wave-{token}@bench", env) as worker,
                _procfile_worker("replays", f"replays-{token}@bench", env) as reader,
            ):
                _until_ready(app, [worker, reader])
                async with StandIn(TOKEN, **as_discord()) as standin:
                    env["DISCORD_API_BASE"] = standin.api_base
                    (state / "bot-uploads.log").unlink(missing_ok=True)  # this run's alone (the bot appends)
                    bot = processes.start_bot(env, state / "bot-uploads.log")
                    try:
                        await _until_bot_ready(standin, bot, state / "bot-uploads.log")
                        pids = {"bot": bot.pid, "replays_worker": reader.process.pid, "wave_worker": worker.process.pid}
                        figures = await _measure(standin, engine, stats_file, files, warm_ups, burst, idle_s, pids)
                    finally:
                        await asyncio.to_thread(processes.stop, bot)  # the stand-in answers its last calls
            figures["replays_worker"] = {"command": reader.command, "processes": _concurrency(reader.command)}
            return figures
        finally:
            app.close()
            engine.dispose()
            try:
                with redis.Redis.from_url(urls.redis_url) as client:
                    client.delete(env["EVENT_STREAM"])
            except redis.RedisError:  # a tidy-up: the figures are in hand whatever became of the server
                pass
            stats_file.unlink(missing_ok=True)


def _seed(engine: Engine, count: int) -> list[int]:
    """`count` players set up (a name, a region, the client's language) and rated, in confirmed matches of two
    found half an hour ago, as the wave and two Confirms would leave them."""
    ids = [PLAYER_IDS_FROM + n for n in range(count)]
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO players (id, display_name, region, locale, setup_at) VALUES (:id, :name, 'EUW', 'en-US',"
                 " now() - interval '1 day')"),
            [{"id": p, "name": f"Uploader {n}"} for n, p in enumerate(ids)],
        )  # fmt: skip
        conn.execute(
            text("INSERT INTO ratings (player_id, race, rating) VALUES (:p, :race, 1500)"),
            [{"p": p, "race": "bw_terran" if n % 2 == 0 else "sc2_zerg"} for n, p in enumerate(ids)],
        )
        conn.execute(
            text(
                "INSERT INTO matches (player1_id, player2_id, player1_race, player2_race, player1_rating,"
                " player2_rating, server, map, state, created_at, confirmed_at)"
                " VALUES (:a, :b, 'bw_terran', 'sc2_zerg', 1500, 1500, 'Europe', 'Radeon', 'confirmed',"
                " now() - interval '30 minutes', now() - interval '29 minutes')"
            ),
            [{"a": ids[n], "b": ids[n + 1]} for n in range(0, count, 2)],
        )
    return ids


async def _until_bot_ready(standin: StandIn, bot: Any, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not (standin.identify_count and standin.commands):
        if bot.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the bot did not become ready; see {log}")
        await asyncio.sleep(0.1)


async def _measure(
    standin: StandIn,
    engine: Engine,
    stats_file: Path,
    files: list[bytes],
    warm_ups: list[int],
    burst: list[int],
    idle_s: float,
    pids: dict[str, int],
) -> dict[str, Any]:
    # A few uploads first: the bot's first connection to the broker, the readers' lazily built tables.
    await _uploads(standin, warm_ups, files, "warm-up")
    await _until_checked(engine, warm_ups, len(warm_ups), 60)
    freeze_harness()
    await asyncio.sleep(idle_s)
    limited, violations = standin.rate_limited, len(standin.violations)
    cpu = {name: _CpuTime(pid) for name, pid in pids.items()}
    servers_cpu = [_CpuTime(pid) for pid in _postmasters()]
    harness_cpu = time.process_time()
    began = time.time()
    results = await _uploads(standin, burst, files, "upload")
    answered = await _until_answered(standin, results, 60)
    titles = Counter(_answer_title(standin, r) for r in results if isinstance(r, InteractionResult))
    # Every upload the bot answered "received" is stored; the others (a failed interaction) never will be.
    stored, checked = await _until_checked(engine, burst, titles[RECEIVED], 180)
    ended = max(checked, *answered.values()) if answered else checked
    await asyncio.sleep(AFTER_S + 1.5)  # the stats line that covers the window's end
    # Who had the machine's cores meanwhile: a stall longer than the loop's own busy time is the others' share.
    cpu_s = {name: used.used() for name, used in cpu.items()}
    cpu_s["postgresql"] = round(sum(used.used() for used in servers_cpu), 2)
    cpu_s["harness_and_standin"] = round(time.process_time() - harness_cpu, 2)
    cpu_s["seconds"] = round(time.time() - began, 1)
    lines = _stats(stats_file)
    window = (began, ended + AFTER_S)
    length = window[1] - window[0]
    idle = (began - min(length, idle_s), began)
    during, before = _stalls(lines, *window), _stalls(lines, *idle, idle=True)
    failed = [r for r in results if not isinstance(r, InteractionResult) or r.failed]
    first = sorted(r.latency_s * 1000 for r in results if isinstance(r, InteractionResult) and r.latency_s)
    received = sorted((at - began) * 1000 for at in answered.values())
    paths = _paths(lines, began, window[1])
    figures = {
        "players": len(burst),
        "matches": len(burst) // 2,
        "discords_rules": True,
        "bot_largest_stall_ms": during["largest_stall_ms"],
        "bot_largest_busy_stall_ms": during["largest_busy_stall_ms"],
        "bot_longest_gc_cpu_ms": during["largest_gc_cpu_ms"],
        "window_s": round(length, 1),
        "idle_window_s": round(idle[1] - idle[0], 1),
        "idle_bot_largest_stall_ms": before["largest_stall_ms"],
        "idle_bot_largest_busy_stall_ms": before["largest_busy_stall_ms"],
        "interactions_failed": len(failed),
        "first_response_p50_ms": _rounded(percentile(first, 50)),
        "first_response_p99_ms": _rounded(percentile(first, 99)),
        "first_response_max_ms": _rounded(max(first, default=float("nan"))),
        "first_response_over_2s": sum(1 for ms in first if ms > 2000),
        "received_p50_ms": _rounded(percentile(received, 50)),
        "received_p99_ms": _rounded(percentile(received, 99)),
        "all_received_s": round(max(received) / 1000, 2) if received else None,
        "answers": dict(titles),
        "uploads_stored": stored,
        "all_checked_s": round(checked - began, 2),
        "checks_per_s": round(len(burst) / (checked - began), 1),
        "deliveries_by_path": paths,
        "cpu_s": cpu_s,
        "rate_limited": standin.rate_limited - limited,
        "violations": len(standin.violations) - violations,
        "stalls_by_second": [
            [round(line["at"] - began, 1), line.get("largest_stall_ms"), line.get("largest_busy_stall_ms")]
            for line in lines
            if idle[0] - 1 <= line["at"] <= window[1] + 1
        ],
    }
    print(
        f"  {len(burst)} uploads: loop stall {figures['bot_largest_stall_ms']} ms (busy "
        f"{figures['bot_largest_busy_stall_ms']} ms; idle {figures['idle_bot_largest_stall_ms']} ms), received p50 "
        f"{figures['received_p50_ms']} ms p99 {figures['received_p99_ms']} ms, {len(failed)} failed, all checked in "
        f"{figures['all_checked_s']} s",
        flush=True,
    )
    return figures


async def _uploads(standin: StandIn, players: list[int], files: list[bytes], label: str) -> list[Any]:
    """Every player runs `/replay` with a file of their own, all at once."""

    def attached(n: int) -> AttachedFile:
        # Bytes after the archive: sc2reader reads the same game; the bot's store sees a file of its own.
        player = players[n]
        return AttachedFile(f"{label}-{n}.SC2Replay", files[player % len(files)] + f"\0bench-{label}-{player}".encode())

    results = await asyncio.gather(
        *(standin.run_command(p, "replay", {"file": attached(n)}) for n, p in enumerate(players)),
        return_exceptions=True,
    )
    return list(results)


def _answer_title(standin: StandIn, result: InteractionResult) -> str:
    """What the player's answer first showed once it stopped "thinking": "Replay received", or else the title
    (or, for a sentence without an embed, "refusal")."""
    message = standin.store.messages.get(result.message.id) if result.message else None
    if message is None:
        return "unanswered within 3 s"
    version = _first_answer(message, result)
    if version is None:
        return "still thinking"
    if titled_as(version, RECEIVED):
        return RECEIVED
    return str(version.embeds[0].get("title")) if version.embeds else "refusal"


def _first_answer(message: Any, result: InteractionResult) -> Any:
    """The first version of the answer that is not the deferred "thinking" message."""
    if result.response_type == CHANNEL_MESSAGE:
        return message.versions[0]
    return message.versions[1] if len(message.versions) > 1 else None


async def _until_answered(standin: StandIn, results: list[Any], timeout: float) -> dict[int, float]:
    """When each player's answer stopped "thinking" (the stand-in's clock: the wall clock), by interaction."""
    pending = {r.interaction_id: r for r in results if isinstance(r, InteractionResult) and r.message is not None}
    answered: dict[int, float] = {}
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for interaction_id, result in list(pending.items()):
            message = standin.store.messages[result.message.id]  # type: ignore[union-attr]
            if not message.loading:
                version = _first_answer(message, result)
                answered[interaction_id] = version.at if version is not None else message.created_at
                del pending[interaction_id]
        await asyncio.sleep(0.05)
    return answered


async def _until_checked(engine: Engine, players: list[int], expected: int, timeout: float) -> tuple[int, float]:
    """Until `expected` uploads of these players are stored and none is pending: how many were stored, and when
    the last was checked."""
    deadline = time.monotonic() + timeout
    while True:
        row = await asyncio.to_thread(_progress, engine, players)
        if row.stored >= expected and row.pending == 0 and row.last_checked is not None:
            return int(row.stored), float(row.last_checked)
        if time.monotonic() > deadline:
            raise TimeoutError(f"{row.stored} of {expected} uploads stored, {row.pending} still pending")
        await asyncio.sleep(0.1)


def _progress(engine: Engine, players: list[int]) -> Any:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT count(*) AS stored, count(*) FILTER (WHERE state = 'pending') AS pending,"
                " EXTRACT(EPOCH FROM max(checked_at))::float8 AS last_checked"
                " FROM replay_uploads WHERE player_id = ANY(:p)"
            ),
            {"p": players},
        ).one()


def _postmasters() -> list[int]:
    """Every PostgreSQL server on the machine (its backends are its children)."""
    found = []
    for process in psutil.process_iter(["name"]):
        try:
            if process.info["name"] == "postgres" and process.parent().name() != "postgres":  # type: ignore[union-attr]
                found.append(process.pid)
        except (psutil.NoSuchProcess, psutil.AccessDenied, AttributeError):
            continue
    return found


def _stats(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def _stalls(lines: list[dict[str, Any]], began: float, ended: float, *, idle: bool = False) -> dict[str, float | None]:
    """The largest of each figure from `began` to `ended` (wall clock). Each line holds the largest of the second
    before it: a burst's window runs up to the first line after `ended` (it covers the end); an idle one stops
    before `ended` (the next line covers the burst's start)."""
    after = [line for line in lines if line["at"] >= began]
    last = next((n for n, line in enumerate(after) if line["at"] > ended), len(after))
    window = after[:last] if idle else after[: last + 1]
    keys = ("largest_stall_ms", "largest_busy_stall_ms", "largest_gc_cpu_ms")
    return {key: max((line[key] for line in window if key in line), default=None) for key in keys}


def _paths(lines: list[dict[str, Any]], began: float, ended: float) -> dict[str, int]:
    """The deliveries the bot made in the window, by path (its counts are cumulative)."""
    empty: dict[str, Any] = {}
    before = next((line for line in reversed(lines) if line["at"] < began), empty)
    last = next((line for line in reversed(lines) if line["at"] <= ended + 1), empty)
    start = Counter(before.get("deliveries_by_path") or {})
    return dict(Counter(last.get("deliveries_by_path") or {}) - start)


def _rounded(value: float) -> float | None:
    return None if value != value else round(value, 1)


def main() -> None:
    figures = asyncio.run(measure())
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
