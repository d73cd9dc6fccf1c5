"""Shared fixtures: real servers (the environment's, else embedded ones) and a fresh database per run."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine

from db.engines import sync_engine
from db.ladder import LADDERS_DIR, Ladder, load_ladder
from db.migrate import upgrade
from db.settings import PROJECT_DIR, get_settings
from sandbox.servers import ServerUrls, drop_database, ensure_servers, fresh_database, stop_servers

TEST_STATE = PROJECT_DIR / ".state" / "test"

# CI runs the same examples every time (a red CI should be a change's doing, not the dice's); a developer's
# run draws new ones, which is where hypothesis finds what nobody thought of.
settings.register_profile("ci", derandomize=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each test is marked by its folder (unit, integration, e2e): `make check` runs the first two."""
    for item in items:
        kind = item.path.parent.name
        if kind in ("unit", "integration", "e2e"):
            item.add_marker(kind)


@pytest.fixture(scope="session")
def server_urls() -> Iterator[ServerUrls]:
    configured_db = os.environ.get("DATABASE_URL", "")
    configured_redis = os.environ.get("REDIS_URL", "")
    urls = ensure_servers(TEST_STATE, configured_db, configured_redis)
    yield urls
    if not (configured_db and configured_redis):
        stop_servers(TEST_STATE)


@pytest.fixture(scope="session")
def database_url(server_urls: ServerUrls) -> Iterator[str]:
    """A database of its own for this test run, migrated to head, dropped at the end."""
    name = f"ladder_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    url = fresh_database(server_urls.database_url, name)
    upgrade(url)
    yield url
    drop_database(server_urls.database_url, name)


@pytest.fixture(scope="session")
def ladder() -> Ladder:
    return load_ladder(LADDERS_DIR / "starcraft.toml")


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = sync_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def ladder_env(server_urls: ServerUrls, database_url: str) -> Iterator[dict[str, str]]:
    """The environment every process of this test run shares; names of its own in Redis."""
    token = uuid.uuid4().hex[:8]
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": server_urls.redis_url,
        "EVENT_STREAM": f"test:{token}:events",
        "CELERY_QUEUE": f"test-{token}",
        "REPLAY_QUEUE": f"test-{token}-replays",
        "LADDER_CONFIG": str(LADDERS_DIR / "starcraft.toml"),
        # Beat does not run in these tests; waves are started by hand.
        "WAVE_INTERVAL_S": "3600",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    get_settings.cache_clear()
    yield env
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    get_settings.cache_clear()
