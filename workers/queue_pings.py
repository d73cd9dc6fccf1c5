"""/notify's sweep as a plain function: tell who asked that players have been waiting, then publish."""

from __future__ import annotations

import logging

import redis
from sqlalchemy.orm import Session, sessionmaker

from db.ladder import Ladder
from db.outbox import publish
from db.queue_pings import ping_for_waiting

log = logging.getLogger(__name__)


def ping_who_asked(sessions: sessionmaker[Session], client: redis.Redis, stream: str, ladder: Ladder) -> int:
    """How many players were told."""
    notify = ladder.notify
    with sessions.begin() as session:
        ping = ping_for_waiting(session, notify.delay_s, notify.cooldown_s, notify.max_per_sweep)
    if ping is None:
        return 0
    publish(sessions, client, stream, [ping.event_id])
    log.info("queue pings: %d told that %d are waiting", ping.told, ping.waiting)
    return ping.told
