"""Events the stream lost: published, but gone from Redis before every player saw them.

Redis is the fast path, not the truth. A Redis that restarts without its data loses the stream, its consumer
group and the entries a consumer had read but not acknowledged; PostgreSQL still has the outbox rows and knows
who saw what (`deliveries`, `delivery_failures`). The relay finds a loss cheaply: it keeps a marker key beside
the stream, and a Redis that lost its data has lost the marker too. Only then does it search the outbox, for
rows published in the recent past whose stream entry no longer exists and that some player has neither seen
(a press whose answer never landed counts as unseen) nor been recorded as out of reach, and publish them again.
Consumers deduplicate on the outbox id, so a row published twice is still shown once.
"""

from __future__ import annotations

import logging

import redis
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from db.deliveries import PRESS_UNANSWERED
from db.outbox import publish

log = logging.getLogger(__name__)

# Rows published longer ago than this are not searched: a player who waited an hour has moved on, and the
# search stays bounded however long the outbox grows.
RECENT_S = 3600.0

_UNSETTLED_OUT_OF_STREAM = text(
    "SELECT o.id FROM outbox o"
    " WHERE o.published_at > now() - make_interval(secs => :recent)"
    " AND (CAST(:first_ms AS bigint) IS NULL"
    "      OR (split_part(o.stream_id, '-', 1)::bigint, split_part(o.stream_id, '-', 2)::bigint)"
    "         < (CAST(:first_ms AS bigint), CAST(:first_seq AS bigint)))"
    " AND EXISTS (SELECT 1 FROM unnest(o.player_ids) AS p(id)"
    "             WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = o.id AND d.player_id = p.id"
    "                               AND d.path <> :unanswered)"
    "             AND NOT EXISTS (SELECT 1 FROM delivery_failures f WHERE f.event_id = o.id AND f.player_id = p.id))"
    " ORDER BY o.id"
)
_FORGET_PUBLISHED = text("UPDATE outbox SET published_at = NULL WHERE id = ANY(:ids) AND published_at IS NOT NULL")


def marker_key(stream: str) -> str:
    return f"{stream}:intact"


def recover_lost(sessions: sessionmaker[Session], client: redis.Redis, stream: str, recent_s: float = RECENT_S) -> int:
    """Publishes again what the stream lost, if it lost anything since the last look; returns how many."""
    if client.exists(marker_key(stream)):
        return 0
    first = _first_entry(client, stream)
    with sessions.begin() as session:
        params = {
            "recent": recent_s,
            "first_ms": first[0] if first else None,
            "first_seq": first[1] if first else None,
            "unanswered": PRESS_UNANSWERED,
        }
        ids = list(session.execute(_UNSETTLED_OUT_OF_STREAM, params).scalars())
        if ids:
            # Back to unpublished in the same transaction: if the publish below fails, the plain relay retries.
            session.execute(_FORGET_PUBLISHED, {"ids": ids})
    recovered = publish(sessions, client, stream, ids) if ids else 0
    # Set only once the lost rows are out again (or back in the relay's hands), so a crash before this line
    # means the next tick searches again.
    client.set(marker_key(stream), "1")
    if ids:
        log.warning("the event stream lost %d undelivered events; published them again from the outbox", len(ids))
    return recovered


def _first_entry(client: redis.Redis, stream: str) -> tuple[int, int] | None:
    """The id below which entries are gone: the stream's first entry; None when the stream is missing or
    empty (a consumer group recreated after the loss makes it again, empty): then every entry is gone."""
    try:
        info = client.xinfo_stream(stream)
    except redis.ResponseError:
        return None
    first = info.get("first-entry")
    return _stream_id(first[0]) if first else None


def _stream_id(value: bytes | str) -> tuple[int, int]:
    text_id = value.decode() if isinstance(value, bytes) else value
    ms, _, seq = text_id.partition("-")
    return int(ms), int(seq or 0)
