"""Replays: how long reading one takes, and whether a wave slows down while 200 of them are being read.

    python -m bench --only replays        # as a section of `make bench` (add --quick for fewer rounds)
    python -m bench.replays [--quick]     # the figures alone, printed as JSON

Parse time: `workers.replays.facts.read_replay` on the five real replays of tests/fixtures/replays (each a
kind of file: ladder 1v1s, a private game with observers, a game against an AI, a 2v2), in turn round after
round in this process after a warm-up round: p50/p95 per file, per kind and overall, and how many replays a
second one process reads.

A wave under load, on real PostgreSQL and Redis: the Procfile's `worker` and `replays` processes, as it runs
them (queues of this run's own). 1,000 waiting entries are written in bulk and `ladder.matchmaking_wave` is
sent to the wave worker, several times with the replays worker idle; then 200 uploads, stored with
`db.replays.store_upload` for 200 confirmed matches, are sent as `ladder.check_replay` tasks to the replays
queue at once, and the waves run again while they are read. A wave counts as under load only if at least as
many uploads as the replays worker has processes were still unread when it ended. Both ways use the same pools
(same seeds, same player ids; each wave's rows are deleted after it), so only the load differs. On 2 cores the
two replay processes compete with the wave worker and PostgreSQL for the CPU: that is the point.

The bot's side, its event-loop stall while 200 players upload at once through the Discord stand-in
(`replay_uploads_loop_stall_ms`), is bench/replay_uploads.py, run in the same section.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil
import psycopg
from celery import Celery
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from bench.pools import draw_pool
from bench.stack import database, servers
from bench.stats import percentile
from bench.wave import write_pool
from db.engines import session_factory, sync_engine
from db.ladder import LADDERS_DIR
from db.replays import store_upload
from db.settings import PROJECT_DIR, get_settings
from sandbox import processes
from workers.pairing import Seeker
from workers.replays.facts import read_replay

FIXTURES = PROJECT_DIR / "tests" / "fixtures" / "replays"
# What each fixture is (tests/fixtures/replays/README.md); a file not named here is "other".
KINDS = {
    "lotv_lotv1.SC2Replay": "ladder 1v1",
    "3.14.0.54518_1.SC2Replay": "ladder 1v1",
    "3.16_AbyssalReef.SC2Replay": "private 1v1, observers",
    "4.4.0.65895_1.SC2Replay": "1v1 against an AI",
    "4.11.0.77379_Oblivion_Express.SC2Replay": "2v2 co-op",
}
ROUNDS = 30
UPLOADS = 200
WAITING = 1_000
WAVES = 7
WARM_UP_UPLOADS = 4
# The waves' players, far above the replays' matches' players (1 to twice the uploads).
WAVE_PLAYERS_FROM = 10_000_000


def measure(rounds: int = ROUNDS, waves: int = WAVES, uploads: int = UPLOADS, waiting: int = WAITING) -> dict[str, Any]:
    load_before = [round(x, 2) for x in os.getloadavg()]
    parse = parse_times(rounds)
    wave = wave_under_load(waves, uploads, waiting)
    return {"parse": parse, "wave": wave, "cpus": os.cpu_count(), "load_average_at_start": load_before}


# Parse time -----------------------------------------------------------------------------------------------------


def fixtures() -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in sorted(FIXTURES.glob("*.SC2Replay"))}
    if not files:
        raise RuntimeError(f"no replays in {FIXTURES}")
    return files


def parse_times(rounds: int) -> dict[str, Any]:
    files = fixtures()
    for name, data in files.items():  # the warm-up round: sc2reader's lazily built tables
        if not read_replay(data).readable:
            raise RuntimeError(f"{name} is not readable")
    times: dict[str, list[float]] = {name: [] for name in files}
    began = time.perf_counter()
    for _ in range(rounds):
        for name, data in files.items():
            at = time.perf_counter()
            read_replay(data)
            times[name].append((time.perf_counter() - at) * 1000)
    elapsed = time.perf_counter() - began
    by_kind: dict[str, list[float]] = {}
    for name, ms in times.items():
        by_kind.setdefault(KINDS.get(name, "other"), []).extend(ms)
    every = [t for ms in times.values() for t in ms]
    print(f"  parse: p50 {percentile(every, 50):.1f} ms, p95 {percentile(every, 95):.1f} ms", flush=True)
    return {
        "rounds": rounds,
        "by_file": {
            name: {"kind": KINDS.get(name, "other"), "kb": round(len(files[name]) / 1024, 1), **_p50_p95(ms)}
            for name, ms in times.items()
        },
        "by_kind": {kind: _p50_p95(ms) for kind, ms in by_kind.items()},
        **_p50_p95(every),
        "mean_ms": round(statistics.fmean(every), 1),
        "replays_per_s_one_process": round(len(every) / elapsed, 1),
    }


def _p50_p95(ms: Sequence[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1)}


# A wave under load ----------------------------------------------------------------------------------------------


def wave_under_load(waves: int, uploads: int, waiting: int) -> dict[str, Any]:
    token = uuid.uuid4().hex[:6]
    files = list(fixtures().values())
    with servers() as urls, database(urls, "ladder_bench_replays") as url:
        env = {
            "DATABASE_URL": url,
            "REDIS_URL": urls.redis_url,
            "EVENT_STREAM": f"bench:{token}:events",
            "CELERY_QUEUE": f"bench-{token}",
            "REPLAY_QUEUE": f"bench-replays-{token}",
            "LADDER_CONFIG": str(LADDERS_DIR / "starcraft.toml"),
            "WORKER_METRICS_PORT": "0",  # two workers on one machine: neither binds a port
        }
        app = Celery("bench-replays", broker=urls.redis_url, backend=urls.redis_url)
        app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"])
        engine = sync_engine(url)
        sessions = session_factory(engine)
        upload_ids = _store_uploads(engine, sessions, files, WARM_UP_UPLOADS + uploads)
        warm_ups, batch = upload_ids[:WARM_UP_UPLOADS], upload_ids[WARM_UP_UPLOADS:]
        try:
            with (
                _procfile_worker("worker", f"wave-{token}@bench", env) as wave_worker,
                _procfile_worker("replays", f"replays-{token}@bench", env) as replays_worker,
            ):
                queues = _until_ready(app, [wave_worker, replays_worker])
                waves_on = _Waves(app, env["CELERY_QUEUE"], url, waiting)
                waves_on.warm_up()
                for upload_id in warm_ups:  # each replay process reads a file before anything is measured
                    app.send_task("ladder.check_replay", args=[upload_id], queue=env["REPLAY_QUEUE"]).get(timeout=60)
                idle = [waves_on.run(seed) for seed in range(waves)]
                print(f"  wave {waiting:,}, replays worker idle: {_median(idle, 'wave_ms')} ms", flush=True)
                loaded, load = _waves_while_reading(app, env["REPLAY_QUEUE"], waves_on, engine, batch, waves,
                                                    replays_worker)  # fmt: skip
                print(f"  wave {waiting:,}, {uploads} replays being read: {_median(loaded, 'wave_ms')} ms", flush=True)
        finally:
            engine.dispose()
            app.close()
    return {
        "waiting": waiting,
        "uploads": uploads,
        "workers": {
            "wave": {"command": wave_worker.command, "queues": queues[wave_worker.node]},
            "replays": {"command": replays_worker.command, "queues": queues[replays_worker.node]},
        },
        "idle": _summary(idle),
        "loaded": _summary(loaded),
        "ratio": round(_median(loaded, "wave_ms") / _median(idle, "wave_ms"), 3) if loaded else None,
        "replays": load,
    }


class _Worker:
    def __init__(self, node: str, command: list[str], process: subprocess.Popen[bytes]) -> None:
        self.node, self.command, self.process = node, command, process


@contextmanager
def _procfile_worker(name: str, node: str, env: dict[str, str]) -> Iterator[_Worker]:
    """The Procfile's line `name`, its `${VAR:-default}` filled from `env`, as node `node`; stopped afterwards."""
    args = procfile_command(name, env)
    if "-n" in args:
        args[args.index("-n") + 1] = node
    else:
        args += ["-n", node]
    # Bench-only: no chatter with whatever other workers share the broker.
    args += ["--without-gossip", "--without-mingle"]
    _logs().mkdir(parents=True, exist_ok=True)
    log = _logs() / f"replays-{name}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", *args], env={**os.environ, **env}, cwd=PROJECT_DIR,
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        yield _Worker(node, args, process)
    finally:
        processes.stop(process)


def _logs() -> Path:
    return get_settings().state_dir / "bench"


def procfile_command(name: str, env: dict[str, str]) -> list[str]:
    for line in (PROJECT_DIR / "Procfile").read_text().splitlines():
        process, _, command = line.partition(":")
        if process.strip() == name:
            filled = re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: env.get(m[1]) or m[2], command)
            args = shlex.split(filled)
            if args[:1] != ["celery"]:
                raise RuntimeError(f"the Procfile's {name} is not a celery command: {command}")
            return args
    raise RuntimeError(f"no {name} in the Procfile")


def _until_ready(app: Celery, workers: list[_Worker], timeout: float = 120) -> dict[str, list[str]]:
    """Until every worker answers a ping; the queues each one reads."""
    nodes = [w.node for w in workers]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(w.process.poll() is not None for w in workers):
            raise RuntimeError(f"a worker exited before it was ready; see {_logs()}/replays-*.log")
        answered = {name for reply in app.control.ping(destination=nodes, timeout=1.0) or [] for name in reply}
        if answered >= set(nodes):
            active = app.control.inspect(destination=nodes, timeout=2.0).active_queues() or {}
            return {node: sorted(q["name"] for q in active.get(node, [])) for node in nodes}
    raise RuntimeError(f"the workers {nodes} did not answer within {timeout:.0f} s; see {_logs()}/replays-*.log")


class _Waves:
    """Waves sent to the wave worker, each on `waiting` entries written in bulk and deleted after it."""

    def __init__(self, app: Celery, queue: str, url: str, waiting: int) -> None:
        self.app, self.queue, self.url, self.waiting = app, queue, url, waiting

    def warm_up(self) -> None:
        """Two waves at once (one skips on the lock; both pool processes connect), then one alone."""
        self._fill(99)
        both = [self.app.send_task("ladder.matchmaking_wave", queue=self.queue) for _ in range(2)]
        done = [r.get(timeout=120) for r in both]
        self._clear(next(d["wave_id"] for d in done if not d["skipped"]))
        self.run(98)

    def run(self, seed: int) -> dict[str, Any]:
        self._fill(seed)
        began = time.perf_counter()
        result = self.app.send_task("ladder.matchmaking_wave", queue=self.queue).get(timeout=120)
        round_trip = (time.perf_counter() - began) * 1000
        if result["skipped"]:
            raise RuntimeError("a wave skipped: another wave held the lock")
        self._clear(result["wave_id"])
        return {
            "wave_ms": round(result["total_ms"], 1),
            "commit_ms": round(result["commit_ms"], 1),
            "pairing_ms": round(result["pairing_ms"], 1),
            "round_trip_ms": round(round_trip, 1),
            "matches": result["matched_pairs"],
        }

    def _fill(self, seed: int) -> None:
        pool = _offset(draw_pool(self.waiting, seed), WAVE_PLAYERS_FROM)
        with psycopg.connect(self.url) as conn:
            write_pool(conn, pool)

    def _clear(self, wave_id: int) -> None:
        """The wave's players, entries, matches and events gone, so every wave starts from the same tables."""
        with psycopg.connect(self.url, autocommit=True) as conn:
            with conn.transaction():
                conn.execute("DELETE FROM queue_entries WHERE player_id >= %s", (WAVE_PLAYERS_FROM,))
                conn.execute("DELETE FROM outbox WHERE type = 'match_found'")  # the replays' matches have none
                conn.execute("DELETE FROM matches WHERE wave_id = %s", (wave_id,))
                conn.execute("DELETE FROM players WHERE id >= %s", (WAVE_PLAYERS_FROM,))
            conn.execute("VACUUM queue_entries, matches, outbox, players, ratings")


def _offset(pool: list[Seeker], by: int) -> list[Seeker]:
    return [dataclasses.replace(s, player_id=s.player_id + by) for s in pool]


def _store_uploads(engine: Engine, sessions: sessionmaker[Session], files: list[bytes], count: int) -> list[int]:
    """`count` confirmed matches, one upload each, stored as the bot stores one (a transaction each). The
    fixtures in turn, each copy with a few bytes of its own after the archive (sc2reader reads the same facts):
    the store refuses the same file for a second match."""
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO players (id) SELECT g FROM generate_series(1, :n) g"), {"n": 2 * count})
        matches = conn.execute(
            text(
                "INSERT INTO matches (player1_id, player2_id, player1_race, player2_race, player1_rating,"
                " player2_rating, server, map, state, created_at, confirmed_at)"
                " SELECT 2 * g - 1, 2 * g, 'bw_terran', 'sc2_zerg', 1500, 1500, 'Europe', 'Radeon', 'confirmed',"
                " now() - interval '30 minutes', now() - interval '29 minutes' FROM generate_series(1, :n) g"
                " RETURNING id, player1_id"
            ),
            {"n": count},
        ).all()
    originals = [read_replay(data) for data in files]
    ids = []
    for i, (match_id, player_id) in enumerate(sorted(matches)):
        data = files[i % len(files)] + f"\0bench-upload-{i}".encode()
        if i < len(files) and read_replay(data) != originals[i]:
            raise RuntimeError("a replay with bytes after its archive reads differently: the uploads would lie")
        with sessions.begin() as session:
            stored = store_upload(session, match_id, player_id, f"game-{i}.SC2Replay", data)
        if stored.upload_id is None:
            raise RuntimeError(f"upload {i} refused: {stored.refused}")
        ids.append(stored.upload_id)
    return ids


def _waves_while_reading(
    app: Celery, queue: str, waves_on: _Waves, engine: Engine, batch: list[int], waves: int, replays_worker: _Worker
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every upload's check sent at once, then waves until `waves` of them ran under load (or the load ended)."""
    concurrency = _concurrency(replays_worker.command)
    cpu = _CpuTime(replays_worker.process.pid)
    with engine.connect() as conn:
        sent_at = conn.execute(text("SELECT clock_timestamp()")).scalar_one()
    results = [app.send_task("ladder.check_replay", args=[u], queue=queue) for u in batch]
    loaded: list[dict[str, Any]] = []
    after_load: list[dict[str, Any]] = []
    while len(loaded) < waves:
        run = waves_on.run(len(loaded))
        run["unread_at_end"] = _unread(engine, batch)
        if run["unread_at_end"] < concurrency:
            after_load.append(run)
            break
        loaded.append(run)
    outcomes = Counter(str(r.get(timeout=120)) for r in results)
    with engine.connect() as conn:
        last_checked = conn.execute(
            text("SELECT max(checked_at) FROM replay_uploads WHERE id = ANY(:ids)"), {"ids": batch}
        ).scalar_one()
        problems: dict[str, int] = dict(
            conn.execute(
                text(
                    "SELECT problems -> 0 ->> 'code', count(*) FROM replay_uploads WHERE id = ANY(:ids)"
                    " GROUP BY 1 ORDER BY 2 DESC"
                ),
                {"ids": batch},
            ).all()
        )
    seconds = (last_checked - sent_at).total_seconds()
    return loaded, {
        "outcomes": dict(outcomes),
        "first_problem": {str(k): int(v) for k, v in problems.items()},
        "seconds": round(seconds, 2),
        "per_s": round(len(batch) / seconds, 1),
        "processes": concurrency,
        "per_s_per_process": round(len(batch) / seconds / concurrency, 1),
        "worker_cpu_s": cpu.used(),
        "waves_after_load_ended": after_load,
    }


def _concurrency(command: list[str]) -> int:
    for flag in ("--concurrency", "-c"):
        if flag in command:
            return int(command[command.index(flag) + 1])
    return os.cpu_count() or 1


def _unread(engine: Engine, batch: list[int]) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM replay_uploads WHERE id = ANY(:ids) AND state = 'pending'"), {"ids": batch}
            ).scalar_one()
        )


class _CpuTime:
    """CPU seconds a worker and its pool processes use from now on."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.start = self._total()

    def _total(self) -> dict[int, float]:
        main = psutil.Process(self.pid)
        totals = {}
        for p in [main, *main.children(recursive=True)]:
            try:
                t = p.cpu_times()
            except psutil.NoSuchProcess:
                continue
            totals[p.pid] = t.user + t.system
        return totals

    def used(self) -> float:
        now = self._total()
        return round(sum(t - self.start.get(pid, 0.0) for pid, t in now.items()), 2)


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return round(statistics.median(r[key] for r in runs), 1) if runs else float("nan")


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    if not runs:
        return {"waves": 0, "runs": []}
    ms = [r["wave_ms"] for r in runs]
    return {
        "waves": len(runs),
        "wave_ms_median": _median(runs, "wave_ms"),
        "wave_ms_min": min(ms),
        "wave_ms_max": max(ms),
        "commit_ms_median": _median(runs, "commit_ms"),
        "pairing_ms_median": _median(runs, "pairing_ms"),
        "round_trip_ms_median": _median(runs, "round_trip_ms"),
        "runs": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer parse rounds and waves")
    args = parser.parse_args()
    figures = measure(8, 3) if args.quick else measure()
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
