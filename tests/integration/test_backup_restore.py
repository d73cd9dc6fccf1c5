"""A backup that restores: a running ladder's database dumped (pg_dump), restored into a fresh PostgreSQL whose
role logs in with a password, the stack (a worker and beat) started on it with a fresh Redis that asks for a
password too, and the ladder carries on: the ratings agree with the history, the players who were waiting are
matched, and every event no player had seen is published again for the bot to deliver. No password reaches a
log or a process's command line."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import redis
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from bot.queue_service import QueueService
from db import matches
from db.engines import session_factory, sync_engine
from db.events import Event
from db.ladder import Ladder
from db.rating import Elo
from db.reconcile import rating_drift
from sandbox.backups import dump, restore
from sandbox.password_postgres import database_of_role, ensure_postgres_with_passwords
from sandbox.processes import start_beat, start_worker, stop
from sandbox.servers import ensure_valkey, stop_servers
from tests.ladder_tables import truncate_all
from workers.wave import run_wave

STATE = Path(__file__).resolve().parents[2] / ".state" / "test" / "restore"
SIDES = (["bw_terran"], ["sc2_zerg"])
PLAYED, WAITING = 8, 6  # players matched before the backup (half of them complete their match), players waiting


@dataclass(frozen=True)
class Fresh:
    """The servers a restore lands on: nothing in them but what the backup brings."""

    database_url: str  # as the ladder's role, its password in it
    redis_url: str
    db_password: str
    redis_password: str


@pytest.fixture
def fresh() -> Iterator[Fresh]:
    state = STATE / uuid.uuid4().hex[:6]
    tag = uuid.uuid4().hex
    db_password, redis_password = f"DB-PASSWORD-{tag}", f"REDIS-PASSWORD-{tag}"
    try:
        superuser = ensure_postgres_with_passwords(state / "postgres")
        database_url = database_of_role(superuser, "ladder_restored", db_password, "restored")
        redis_url = ensure_valkey(state / "valkey", password=redis_password)
        yield Fresh(database_url, redis_url, db_password, redis_password)
    finally:
        stop_servers(state)
        shutil.rmtree(state, ignore_errors=True)


async def _running_ladder(
    queue_service: QueueService, sessions: sessionmaker[Session], redis_client: redis.Redis, stream: str, ladder: Ladder
) -> None:
    """Matches found by a wave and published; half of them confirmed and reported (the ratings moved, events
    left unpublished as a worker that died after its commit leaves them); the first match's players saw it; and
    players who joined after the wave, still waiting."""
    for player in range(1, PLAYED + 1):
        await queue_service.join(player, SIDES[player % 2])
    assert run_wave(sessions, redis_client, stream, ladder).matched_pairs == PLAYED // 2
    with sessions.begin() as session:
        pairs = session.execute(text("SELECT id, player1_id, player2_id FROM matches ORDER BY id")).all()
    elo = Elo.of(ladder)
    for match_id, one, two in pairs[: len(pairs) // 2]:
        for player in (one, two):
            with sessions.begin() as session:
                matches.confirm(session, match_id, player, ladder, None)
        for player, outcome in ((one, "win"), (two, "loss")):
            with sessions.begin() as session:
                matches.report(session, match_id, player, outcome, ladder, elo, None)
    with sessions.begin() as session:
        session.execute(
            text("INSERT INTO deliveries (event_id, player_id, path) SELECT o.id, p.id, 'subscription'"
                 " FROM outbox o, unnest(o.player_ids) p(id)"
                 " WHERE o.type = 'match_found' AND (o.payload->>'match_id')::bigint = :m"),
            {"m": pairs[0].id},
        )  # fmt: skip
    for player in range(PLAYED + 1, PLAYED + WAITING + 1):
        await queue_service.join(player, SIDES[player % 2])


def _unseen_events(engine: Engine) -> set[int]:
    """Outbox rows some player of which has neither seen nor been recorded out of reach."""
    with engine.connect() as conn:
        return set(
            conn.execute(
                text(
                    "SELECT o.id FROM outbox o WHERE EXISTS (SELECT 1 FROM unnest(o.player_ids) p(id)"
                    " WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = o.id AND d.player_id = p.id))"
                )
            ).scalars()
        )


def _ladder_rows(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    queries = {
        "ratings": "SELECT player_id, race, rating, games, wins, losses, draws FROM ratings ORDER BY 1, 2",
        "matches": "SELECT id, state, result, player1_id, player2_id FROM matches ORDER BY id",
        "waiting": "SELECT player_id, waves_waited FROM queue_entries WHERE state = 'waiting' ORDER BY 1",
    }
    with engine.connect() as conn:
        return {name: [tuple(r) for r in conn.execute(text(q))] for name, q in queries.items()}


def _wait_until(done: Callable[[], bool], timeout: float, logs: list[Path]) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "\n".join(f"{log}:\n{log.read_text()[-2000:]}" for log in logs)
        time.sleep(0.3)


async def test_a_restored_backup_carries_the_ladder_on(
    queue_service: QueueService, sessions: sessionmaker[Session], engine: Engine, redis_client: redis.Redis,
    stream: str, ladder: Ladder, database_url: str, ladder_env: dict[str, str], fresh: Fresh, tmp_path: Path,
) -> None:  # fmt: skip
    await _running_ladder(queue_service, sessions, redis_client, stream, ladder)
    before = _ladder_rows(engine)
    unseen = _unseen_events(engine)
    assert len(before["waiting"]) == WAITING and unseen, "the backup is taken of a ladder in motion"

    backup = dump(database_url, tmp_path / "ladder.dump")
    with engine.begin() as conn:  # the old server is gone: nothing of it may be what the test reads next
        truncate_all(conn)
    restore(backup, fresh.database_url)

    restored = sync_engine(fresh.database_url)
    try:
        assert _ladder_rows(restored) == before, "the restore holds what the backup did"
        with session_factory(restored).begin() as session:
            assert rating_drift(session, ladder.rating.start) == [], "the ratings agree with the history"
        # The passwords are asked for: a wrong one is refused by both servers.
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(fresh.database_url.replace(fresh.db_password, "wrong")).close()
        with pytest.raises(redis.AuthenticationError):
            redis.Redis.from_url(fresh.redis_url.replace(fresh.redis_password, "wrong")).ping()

        env = {**ladder_env, "DATABASE_URL": fresh.database_url, "REDIS_URL": fresh.redis_url,
               "CELERY_QUEUE": f"restored-{uuid.uuid4().hex[:6]}", "WAVE_INTERVAL_S": "2",
               "RELAY_INTERVAL_S": "1"}  # fmt: skip
        logs = [tmp_path / "worker.log", tmp_path / "beat.log"]
        stack: list[subprocess.Popen[bytes]] = []
        try:
            stack = [start_worker(env, logs[0], concurrency=1, name="restored"), start_beat(env, logs[1])]
            commands = [" ".join(map(str, p.args)) for p in stack]
            new_redis = redis.Redis.from_url(fresh.redis_url)

            def carried_on() -> bool:
                published = {Event.from_fields(f).id for _, f in new_redis.xrange(stream)}
                waiting = _ladder_rows(restored)["waiting"]
                return unseen <= published and not waiting

            _wait_until(carried_on, 60, logs)
        finally:
            for process in stack:
                stop(process)

        after = _ladder_rows(restored)
        assert len(after["matches"]) == len(before["matches"]) + WAITING // 2, "the waiting players were matched"
        seen = {Event.from_fields(f).id for _, f in new_redis.xrange(stream)}
        with restored.connect() as conn:
            delivered = set(conn.execute(text("SELECT event_id FROM deliveries")).scalars())
        assert not seen & (delivered - unseen), "an event every player had seen is not shown again"
        with session_factory(restored).begin() as session:
            assert rating_drift(session, ladder.rating.start) == []
        for secret in (fresh.db_password, fresh.redis_password):
            assert not any(secret in log.read_text() for log in logs), "a password reached a log"
            assert not any(secret in command for command in commands)
    finally:
        restored.dispose()
