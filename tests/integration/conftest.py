"""Fixtures of the integration tests: sessions on the test database, Redis, and a real Celery worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import redis
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, sessionmaker

from bot.queue_service import QueueService
from db.engines import async_engine, async_session_factory, session_factory
from db.ladder import Ladder
from db.settings import PROJECT_DIR
from tests.ladder_tables import truncate_all


@pytest.fixture(scope="session")
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture(scope="session")
def redis_client(ladder_env: dict[str, str]) -> redis.Redis:
    return redis.Redis.from_url(ladder_env["REDIS_URL"])


@pytest.fixture(scope="session")
def stream(ladder_env: dict[str, str]) -> str:
    return ladder_env["EVENT_STREAM"]


@pytest.fixture(autouse=True)
def clean_state(engine: Engine, redis_client: redis.Redis, stream: str) -> None:
    """Every test starts from an empty ladder and an empty stream."""
    with engine.begin() as conn:
        truncate_all(conn)
    redis_client.delete(stream)


@pytest.fixture
async def aengine(database_url: str) -> AsyncIterator[AsyncEngine]:
    eng = async_engine(database_url)
    yield eng
    await eng.dispose()


@pytest.fixture
def asessions(aengine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_session_factory(aengine)


@pytest.fixture
def queue_service(asessions: async_sessionmaker[AsyncSession], ladder: Ladder) -> QueueService:
    return QueueService(asessions, ladder, wave_interval_s=45, require_setup=False)


class Worker:
    """A real `celery worker` process on a queue of its own."""

    def __init__(self, env: dict[str, str], queue: str, pool: str = "solo", concurrency: int = 1) -> None:
        self.queue = queue
        self.name = f"{queue}@test"
        self.log = PROJECT_DIR / ".state" / "test" / f"{queue}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable, "-m", "celery", "-A", "workers", "worker",
            "-P", pool, "-c", str(concurrency), "-Q", queue, "-n", self.name,
            "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO",
        ]  # fmt: skip
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                command, env={**os.environ, **env}, cwd=PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )  # fmt: skip

    def wait_ready(self, app: Any, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited; see {self.log}:\n{self.log.read_text()[-3000:]}")
            if app.control.ping(destination=[self.name], timeout=0.5):
                return
        raise RuntimeError(f"worker did not answer a ping within {timeout}s; see {self.log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def celery_app(ladder_env: dict[str, str]) -> Any:
    from workers.celery import app

    return app


@pytest.fixture(scope="session")
def worker(ladder_env: dict[str, str], celery_app: Any) -> Iterator[Worker]:
    """A worker that can run two tasks at once, as a deployment's would."""
    w = Worker(ladder_env, ladder_env["CELERY_QUEUE"], pool="prefork", concurrency=2)
    try:
        w.wait_ready(celery_app)
        yield w
    finally:
        w.stop()


@pytest.fixture
def spawn_worker(ladder_env: dict[str, str], celery_app: Any) -> Iterator[Any]:
    """Starts extra workers (each on a fresh queue) with extra environment, stopped after the test."""
    started: list[Worker] = []

    def spawn(**extra_env: str) -> Worker:
        w = Worker({**ladder_env, **extra_env}, f"extra-{uuid.uuid4().hex[:6]}")
        started.append(w)
        w.wait_ready(celery_app)
        return w

    yield spawn
    for w in started:
        w.stop()
