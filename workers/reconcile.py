"""The daily check of the ratings against the match history, as a plain function: a drift is told to the
admins' channel (an event with no players), to be repaired with `/admin ratings repair`."""

from __future__ import annotations

import logging

import redis
from sqlalchemy.orm import Session, sessionmaker

from db.events import RATINGS_DRIFT, NewEvent
from db.ladder import Ladder
from db.outbox import insert_events, publish
from db.reconcile import rating_drift

log = logging.getLogger(__name__)

# Drifts named in the admins' post; the rest are counted (and all shown by `/admin ratings check`).
NAMED = 10


def check_ratings(sessions: sessionmaker[Session], client: redis.Redis, stream: str, ladder: Ladder) -> int:
    """How many (player, race) ratings differ from the history."""
    with sessions.begin() as session:
        drifts = rating_drift(session, ladder.rating.start)
        if not drifts:
            return 0
        named = [d.as_payload() for d in drifts[:NAMED]]
        [event] = insert_events(session, [NewEvent(RATINGS_DRIFT, (), {"count": len(drifts), "drifts": named})])
    publish(sessions, client, stream, [event.id])
    log.warning("ratings: %d differ from the match history; told the admins (event %s)", len(drifts), event.id)
    return len(drifts)
