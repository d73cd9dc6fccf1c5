"""A worker as an operator sees it: it answers a ping, serves its metrics, and a SIGTERM in the middle of a
wave leaves the wave whole (warm shutdown: committed and published) while a cold stop leaves nothing of it."""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from bot.queue_service import QueueService
from sandbox.processes import start_beat, stop
from tests.integration.conftest import Worker
from tests.integration.helpers import stream_events
from tests.scrape import free_port, scrape, value


@pytest.fixture
def workers(ladder_env: dict[str, str], celery_app: Any) -> Iterator[Any]:
    """Prefork workers (as deployed), each on a queue of its own, stopped after the test."""
    started: list[Worker] = []

    def start(**extra_env: str) -> Worker:
        w = Worker({**ladder_env, **extra_env}, f"ops-{uuid.uuid4().hex[:6]}", pool="prefork", concurrency=2)
        started.append(w)
        w.wait_ready(celery_app)
        return w

    yield start
    for w in started:
        w.stop()


async def four_who_fit(queue_service: QueueService) -> None:
    """Two Brood War and two StarCraft II players at the starting rating: a wave makes two matches."""
    for player, race in ((1, "bw_terran"), (2, "sc2_zerg"), (3, "bw_zerg"), (4, "sc2_protoss")):
        await queue_service.join(player, [race])


def wave_lock_held(engine: Engine) -> bool:
    with engine.connect() as conn:
        held = conn.execute(
            text(
                "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
                " WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()"
            )
        ).scalar()
    return bool(held)


def wait_until_mid_wave(engine: Engine, worker: Worker, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not wave_lock_held(engine):
        assert worker.process.poll() is None, f"the worker exited before the wave; see {worker.log}"
        assert time.monotonic() < deadline, "the wave never started"
        time.sleep(0.05)


def test_a_worker_answers_celery_inspect_ping(celery_app: Any, worker: Worker) -> None:
    replies = celery_app.control.ping(destination=[worker.name], timeout=5)
    assert replies == [{worker.name: {"ok": "pong"}}]


async def test_worker_metrics_count_the_wave_and_read_the_queue(
    queue_service: QueueService, engine: Engine, celery_app: Any, workers: Any
) -> None:
    port = free_port()
    worker = workers(WORKER_METRICS_PORT=str(port))
    before = scrape(port)
    assert value(before, "ladder_status_up") == 1
    assert value(before, "ladder_waves_total", outcome="ran") == 0

    await four_who_fit(queue_service)
    await queue_service.join(5, ["bw_protoss"])  # the odd one out waits
    waiting = scrape(port)
    assert value(waiting, "ladder_queue_waiting") == 5 and value(waiting, "ladder_queue_oldest_wait_seconds") > 0

    result = celery_app.send_task("ladder.matchmaking_wave", queue=worker.queue).get(timeout=60)
    assert result["matched_pairs"] == 2
    # Celery stores the result before it sends task_success, where the pool process records the wave: the
    # caller can see the result a moment before the metrics do.
    deadline = time.monotonic() + 10
    after = scrape(port)
    while time.monotonic() < deadline and not (
        value(after, "ladder_waves_total", outcome="ran")
        and value(after, "ladder_wave_matches_count")
        and value(after, "ladder_wave_duration_seconds_count")
        and value(after, "ladder_events_published_total", by="wave")
    ):
        time.sleep(0.05)
        after = scrape(port)
    # Recorded in a pool process, served by the main one.
    assert value(after, "ladder_waves_total", outcome="ran") == 1
    assert value(after, "ladder_wave_matches_count") == 1 and value(after, "ladder_wave_matches_sum") == 2
    assert value(after, "ladder_wave_duration_seconds_count") == 1
    assert 0 < value(after, "ladder_wave_duration_seconds_sum") < 60
    assert value(after, "ladder_events_published_total", by="wave") == 2
    assert value(after, "ladder_stream_entries_added_total") == 2  # as Redis counts them
    assert value(after, "ladder_queue_waiting") == 1
    assert value(after, "ladder_outbox_unpublished") == 0
    assert value(after, "ladder_last_wave_timestamp_seconds") > time.time() - 120


async def test_sigterm_mid_wave_lets_the_wave_finish_whole(
    queue_service: QueueService, engine: Engine, workers: Any, celery_app: Any, redis_client: Any, stream: str
) -> None:
    await four_who_fit(queue_service)
    worker = workers(LADDER_STALL="wave_mid_transaction:3")
    celery_app.send_task("ladder.matchmaking_wave", queue=worker.queue)
    wait_until_mid_wave(engine, worker)
    worker.process.send_signal(signal.SIGTERM)
    assert worker.process.wait(30) == 0, f"the worker did not stop cleanly; see {worker.log}"

    with engine.connect() as conn:
        matches = conn.execute(text("SELECT count(*) FROM matches")).scalar()
        states = dict(conn.execute(text("SELECT state, count(*) FROM queue_entries GROUP BY state")).all())
        outbox = conn.execute(text("SELECT count(*), count(published_at) FROM outbox")).one()
        wave = conn.execute(text("SELECT matched_pairs, committed_at FROM waves")).one()
    assert matches == 2 and states == {"matched": 4}
    assert wave.matched_pairs == 2 and wave.committed_at is not None
    assert tuple(outbox) == (2, 2), "every event of the wave written and published"
    assert len(stream_events(redis_client, stream)) == 2


async def test_a_cold_stop_mid_wave_leaves_nothing_of_it(
    queue_service: QueueService, engine: Engine, workers: Any, celery_app: Any, redis_client: Any, stream: str
) -> None:
    await four_who_fit(queue_service)
    worker = workers(LADDER_STALL="wave_mid_transaction:30")
    celery_app.send_task("ladder.matchmaking_wave", queue=worker.queue)
    wait_until_mid_wave(engine, worker)
    worker.process.send_signal(signal.SIGQUIT)  # Celery's cold shutdown: the task at hand is not finished
    worker.process.wait(30)
    deadline = time.monotonic() + 30
    while wave_lock_held(engine):  # the pool process's connection closes with it: its transaction rolls back
        assert time.monotonic() < deadline, "the interrupted wave still holds its lock"
        time.sleep(0.1)

    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM matches")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM outbox")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM waves")).scalar() == 0
        states = dict(conn.execute(text("SELECT state, count(*) FROM queue_entries GROUP BY state")).all())
    assert states == {"waiting": 4}, "the entries wait for the next wave, untouched"
    assert stream_events(redis_client, stream) == []

    result = celery_app.send_task("ladder.matchmaking_wave", queue=workers().queue).get(timeout=60)
    assert result["matched_pairs"] == 2


def pool_processes(pid: int) -> list[int]:
    """The worker's children (its pool), read from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


async def test_sigterm_to_every_process_mid_wave_leaves_it_whole_or_not_at_all(
    queue_service: QueueService, engine: Engine, workers: Any, celery_app: Any, redis_client: Any, stream: str
) -> None:
    """What Heroku does (and systemd by default): SIGTERM to the pool processes too, which then die at once."""
    await four_who_fit(queue_service)
    worker = workers(LADDER_STALL="wave_mid_transaction:3")
    celery_app.send_task("ladder.matchmaking_wave", queue=worker.queue)
    wait_until_mid_wave(engine, worker)
    for pid in [worker.process.pid, *pool_processes(worker.process.pid)]:
        os.kill(pid, signal.SIGTERM)
    worker.process.wait(30)
    deadline = time.monotonic() + 30
    while wave_lock_held(engine):
        assert time.monotonic() < deadline, "the interrupted wave still holds its lock"
        time.sleep(0.1)

    with engine.connect() as conn:
        matches = conn.execute(text("SELECT count(*) FROM matches")).scalar()
        outbox = conn.execute(text("SELECT count(*) FROM outbox")).scalar()
        waves = conn.execute(text("SELECT count(*) FROM waves")).scalar()
        states = dict(conn.execute(text("SELECT state, count(*) FROM queue_entries GROUP BY state")).all())
    whole = (matches, outbox, waves, states) == (2, 2, 1, {"matched": 4})
    nothing = (matches, outbox, waves, states) == (0, 0, 0, {"waiting": 4})
    assert whole or nothing, f"half a wave: {matches} matches, {outbox} events, {waves} waves, entries {states}"
    if whole:  # committed: its events reach the stream, by the wave or by the relay
        time.sleep(1.1)
        celery_app.send_task("ladder.relay_outbox", queue=workers().queue).get(timeout=60)
        assert len(stream_events(redis_client, stream)) == 2


def test_beat_stops_on_sigterm(ladder_env: dict[str, str], tmp_path: Path) -> None:
    beat = start_beat(ladder_env, tmp_path / "beat.log")
    try:
        deadline = time.monotonic() + 60
        while "Starting..." not in (tmp_path / "beat.log").read_text():
            assert beat.poll() is None and time.monotonic() < deadline, (tmp_path / "beat.log").read_text()[-2000:]
            time.sleep(0.2)
        beat.send_signal(signal.SIGTERM)
        assert beat.wait(20) == 0
    finally:
        stop(beat)
