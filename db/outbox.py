"""The outbox: events written in the transaction that caused them, published to the Redis stream after commit.

PostgreSQL holds the truth; the stream is the fast path. A row is marked published only after its XADD
succeeded, so a worker that dies in between leaves the row for the relay (a consumer may then see the event
twice, and deduplicates on the outbox id the entry carries).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

import redis
import redis.asyncio as aioredis
from sqlalchemy import Float, Text, cast, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, sessionmaker

from db.bulk import copy_rows
from db.events import Event, NewEvent, event_fields
from db.models import OutboxEvent

log = logging.getLogger(__name__)

_MARK_PUBLISHED = text(
    "UPDATE outbox SET published_at = now(), stream_id = v.stream_id"
    " FROM unnest(CAST(:ids AS bigint[]), CAST(:stream_ids AS text[])) AS v(id, stream_id)"
    " WHERE outbox.id = v.id"
)


# What a stream entry carries of an outbox row; the payload as PostgreSQL holds it (no parse and dump again).
_ENTRY_COLUMNS = (
    OutboxEvent.id,
    OutboxEvent.type,
    OutboxEvent.player_ids,
    cast(OutboxEvent.payload, Text),
    cast(func.extract("epoch", OutboxEvent.created_at), Float),
)


def add_events(session: Session, events: Sequence[NewEvent]) -> list[int]:
    """Writes the events in the caller's transaction; returns their outbox ids, rising in event order."""
    return copy_rows(
        session,
        "outbox",
        ("type", "player_ids", "payload"),
        [(e.type, list(e.player_ids), json.dumps(e.payload, separators=(",", ":"))) for e in events],
    )


def insert_events(session: Session, events: Sequence[NewEvent]) -> list[Event]:
    """Writes a few events with plain INSERTs (the bot's moves, through `AsyncSession.run_sync`, where COPY
    is not on offer); returns them with their outbox ids."""
    written = []
    for e in events:
        event_id = session.execute(
            text(
                "INSERT INTO outbox (type, player_ids, payload) VALUES (:type, :players, CAST(:payload AS jsonb))"
                " RETURNING id"
            ),
            {"type": e.type, "players": list(e.player_ids), "payload": json.dumps(e.payload, separators=(",", ":"))},
        ).scalar_one()
        written.append(Event(event_id, e.type, e.player_ids, dict(e.payload)))
    return written


def publish(
    sessions: sessionmaker[Session],
    client: redis.Redis,
    stream: str,
    ids: Sequence[int] | None = None,
    min_age_s: float = 0.0,
    limit: int = 10_000,
) -> int:
    """Publishes unpublished outbox rows (the given ones, or any older than `min_age_s`); returns how many.

    Rows are locked with SKIP LOCKED while they are published, so the wave's own publish and the relay
    never publish the same row at the same time.
    """
    published = 0
    while True:
        with sessions.begin() as session:
            query = (
                select(*_ENTRY_COLUMNS)
                .where(OutboxEvent.published_at.is_(None))
                .order_by(OutboxEvent.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            if ids is not None:
                query = query.where(OutboxEvent.id.in_(list(ids)))
            else:
                query = query.where(OutboxEvent.created_at <= text("now() - make_interval(secs => :age)")).params(
                    age=min_age_s
                )
            rows = session.execute(query).all()
            if not rows:
                return published
            pipe = client.pipeline(transaction=False)
            for row in rows:
                # The payload goes out as PostgreSQL holds it: no parse and dump again.
                pipe.xadd(stream, event_fields(row[0], row[1], row[2], row[3], row[4]))  # type: ignore[arg-type]
            stream_ids = pipe.execute()
            session.execute(
                _MARK_PUBLISHED,
                {"ids": [row.id for row in rows], "stream_ids": [_text(sid) for sid in stream_ids]},
            )
            published += len(rows)
        if len(rows) < limit:
            return published


async def publish_now(
    sessions: async_sessionmaker[AsyncSession], client: aioredis.Redis, stream: str, ids: Sequence[int]
) -> int:
    """The bot's publish of the events its own moves wrote, right after their commit. A failure is logged and
    left to the relay: the events are safe in the outbox."""
    if not ids:
        return 0
    try:
        async with sessions.begin() as session:
            rows = (
                await session.execute(
                    select(*_ENTRY_COLUMNS)
                    .where(OutboxEvent.id.in_(list(ids)), OutboxEvent.published_at.is_(None))
                    .order_by(OutboxEvent.id)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            pipe = client.pipeline(transaction=False)
            for row in rows:
                pipe.xadd(stream, event_fields(row[0], row[1], row[2], row[3], row[4]))  # type: ignore[arg-type]
            stream_ids = await pipe.execute()
            await session.execute(
                _MARK_PUBLISHED,
                {"ids": [row.id for row in rows], "stream_ids": [_text(sid) for sid in stream_ids]},
            )
            return len(rows)
    except (aioredis.RedisError, OSError, SQLAlchemyError) as exc:
        log.warning("events %s not published now (%s); the relay will publish them", list(ids), type(exc).__name__)
        return 0


def trim_stream(client: redis.Redis, stream: str) -> int:
    """Trims entries every consumer group has both read and acknowledged; returns how many went.

    The trim point is the oldest entry any group still needs: its oldest pending entry, or the entry after
    the last one it has read. With no group yet, nothing is trimmed: nobody has read anything.
    """
    try:
        groups = client.xinfo_groups(stream)
    except redis.ResponseError:
        return 0
    if not groups:
        return 0
    keep_from: list[tuple[int, int]] = []
    for group in groups:
        name = _text(group["name"])
        last = _stream_id(_text(group["last-delivered-id"]))
        keep_from.append((last[0], last[1] + 1))
        pending = client.xpending(stream, name)
        if pending["pending"]:
            keep_from.append(_stream_id(_text(pending["min"])))
    oldest = min(keep_from)
    removed: int = client.xtrim(stream, minid=f"{oldest[0]}-{oldest[1]}", approximate=False)
    return removed


def _stream_id(value: str) -> tuple[int, int]:
    ms, _, seq = value.partition("-")
    return int(ms), int(seq or 0)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
