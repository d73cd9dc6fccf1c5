"""The match deadline sweep as a plain function: move what is due in one transaction, then publish."""

from __future__ import annotations

import logging

import redis
from sqlalchemy.orm import Session, sessionmaker

from db.ladder import Ladder
from db.match_deadlines import Swept, sweep_deadlines
from db.outbox import publish
from db.rating import Elo

log = logging.getLogger(__name__)


def sweep(sessions: sessionmaker[Session], client: redis.Redis, stream: str, ladder: Ladder) -> Swept:
    with sessions.begin() as session:
        swept = sweep_deadlines(session, ladder, Elo.of(ladder))
    if swept.events:
        publish(sessions, client, stream, [e.id for e in swept.events])
        log.info(
            "deadlines: %d reminded, %d timed out, %d settled by a single report, %d sent to the admins",
            swept.reminded,
            swept.timed_out,
            swept.settled,
            swept.disputed,
        )
    return swept
