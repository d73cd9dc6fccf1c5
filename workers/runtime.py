"""What a worker process holds for its tasks: one engine, one Redis client, the ladder. Built on first use."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import redis
from sqlalchemy.orm import Session, sessionmaker

from db.engines import session_factory, sync_engine
from db.ladder import Ladder
from db.settings import get_settings


@dataclass(frozen=True)
class Runtime:
    sessions: sessionmaker[Session]
    redis: redis.Redis
    stream: str
    ladder: Ladder


@lru_cache(maxsize=1)
def runtime() -> Runtime:
    settings = get_settings()
    if not settings.database_url or not settings.redis_url:
        raise RuntimeError("DATABASE_URL and REDIS_URL must be set for a worker (make run sets them)")
    return Runtime(
        sessions=session_factory(sync_engine(settings.database_url)),
        # A Redis that stalls must not leave a wave's publish holding its rows for ever.
        redis=redis.Redis.from_url(settings.redis_url, socket_timeout=10, socket_connect_timeout=5),
        stream=settings.event_stream,
        ladder=settings.ladder(),
    )
