"""A Redis that restarts without its data loses the stream: what no player saw yet is found again from the outbox."""

from __future__ import annotations

import redis
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from db.events import NewEvent
from db.lost_events import marker_key, recover_lost
from db.outbox import insert_events, publish
from tests.integration.helpers import stream_events


def _published_events(sessions: sessionmaker[Session], client: redis.Redis, stream: str, count: int) -> list[int]:
    with sessions.begin() as session:
        session.execute(text("INSERT INTO players (id) SELECT generate_series(1, :n)"), {"n": 2 * count})
        events = insert_events(
            session, [NewEvent("match_found", (2 * i + 1, 2 * i + 2), {"match_id": i + 1}) for i in range(count)]
        )
    ids = [e.id for e in events]
    assert publish(sessions, client, stream, ids) == count
    return ids


def test_events_lost_with_the_stream_are_published_again_unless_settled(
    sessions: sessionmaker[Session], redis_client: redis.Redis, stream: str
) -> None:
    redis_client.delete(marker_key(stream))
    first, second, third, fourth, fifth = _published_events(sessions, redis_client, stream, 5)
    # The first look at a stream that lost nothing republishes nothing, and remembers it looked.
    assert recover_lost(sessions, redis_client, stream) == 0
    with sessions.begin() as session:
        # Both players saw the first event; the second's second player is out of reach (recorded); the third
        # was seen by one player only; nobody saw the fourth; the fifth's second player pressed, and the answer
        # to the press (which was to show it) never landed.
        session.execute(text("INSERT INTO deliveries (event_id, player_id, path) VALUES"
                             " (:a, 1, 'subscription'), (:a, 2, 'subscription'), (:b, 3, 'subscription'),"
                             " (:c, 5, 'subscription'), (:e, 9, 'subscription'), (:e, 10, 'press_unanswered')"),
                        {"a": first, "b": second, "c": third, "e": fifth})  # fmt: skip
        session.execute(
            text("INSERT INTO delivery_failures (event_id, player_id, attempts, reason) VALUES (:b, 4, 4, 'dms off')"),
            {"b": second},
        )

    # The restart without persistence, as far as this ladder's keys go (the server is shared with other runs);
    # the bot's listener finds its group gone and makes it again, with an empty stream.
    redis_client.delete(stream, marker_key(stream))
    redis_client.xgroup_create(stream, "bot", id="0", mkstream=True)

    assert recover_lost(sessions, redis_client, stream) == 3
    assert sorted(e.id for e in stream_events(redis_client, stream)) == [third, fourth, fifth]
    with sessions.begin() as session:
        rows = session.execute(text("SELECT id, published_at IS NOT NULL, stream_id FROM outbox ORDER BY id")).all()
    assert all(published and stream_id for _, published, stream_id in rows)
    # Recovered once: the next tick finds the marker and searches nothing.
    assert recover_lost(sessions, redis_client, stream) == 0
    assert len(stream_events(redis_client, stream)) == 3


def test_entries_still_in_the_stream_are_not_published_again(
    sessions: sessionmaker[Session], redis_client: redis.Redis, stream: str
) -> None:
    first, kept = _published_events(sessions, redis_client, stream, 2)
    entries = redis_client.xrange(stream)
    # The first entry went (trimmed or lost); the second is still there for the consumer to read.
    redis_client.xdel(stream, entries[0][0])
    redis_client.delete(marker_key(stream))

    assert recover_lost(sessions, redis_client, stream) == 1
    assert [e.id for e in stream_events(redis_client, stream)] == [kept, first]
