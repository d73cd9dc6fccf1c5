"""The ladder's state as an operator looks at it: the queue, the last wave, events not yet shown, failures.

Read when asked (a scrape, `/admin status`), never by a loop. The queries are sync functions on a Session (the
bot runs them through `AsyncSession.run_sync`); the stream's figures come from one `XINFO GROUPS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class LastWave:
    id: int
    started_at: datetime
    claimed: int
    matched_pairs: int
    duration_s: float


@dataclass(frozen=True)
class LadderStatus:
    waiting: int
    oldest_wait_s: float
    last_wave: LastWave | None
    outbox_unpublished: int
    delivery_failures: int


@dataclass(frozen=True)
class StreamStatus:
    # Read by the bot and not yet acknowledged (being shown, or left by a consumer that died).
    pending: int
    # Not yet read by the bot at all (None: the server does not say; Redis before 7).
    unread: int | None
    # False: the bot has never read this stream (its consumer group does not exist yet).
    group_exists: bool
    # Entries ever added to the stream, by every publisher (None: not asked, or Redis before 7).
    added: int | None = None


def ladder_status(session: Session) -> LadderStatus:
    queue = session.execute(
        text(
            "SELECT count(*) AS waiting, COALESCE(EXTRACT(EPOCH FROM now() - min(joined_at)), 0)::float8 AS oldest"
            " FROM queue_entries WHERE state = 'waiting'"
        )
    ).one()
    wave = session.execute(
        text(
            "SELECT id, started_at, claimed, matched_pairs,"
            " EXTRACT(EPOCH FROM committed_at - started_at)::float8 AS duration_s"
            " FROM waves WHERE committed_at IS NOT NULL ORDER BY id DESC LIMIT 1"
        )
    ).one_or_none()
    unpublished = session.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar_one()
    failures = session.execute(text("SELECT count(*) FROM delivery_failures")).scalar_one()
    return LadderStatus(
        waiting=int(queue.waiting),
        oldest_wait_s=float(queue.oldest),
        last_wave=LastWave(wave.id, wave.started_at, wave.claimed, wave.matched_pairs, wave.duration_s)
        if wave is not None
        else None,
        outbox_unpublished=int(unpublished),
        delivery_failures=int(failures),
    )


def stream_status(groups: list[dict[Any, Any]], group: str, stream: dict[Any, Any] | None = None) -> StreamStatus:
    """The consumer group's figures out of an `XINFO GROUPS` reply (sync and async clients give the same), and
    the stream's out of an `XINFO STREAM` one when given."""
    added = {_text(k): v for k, v in stream.items()}.get("entries-added") if stream else None
    for info in groups:
        fields = {_text(k): v for k, v in info.items()}
        if _text(fields.get("name", b"")) == group:
            lag = fields.get("lag")
            pending = int(fields.get("pending") or 0)
            return StreamStatus(pending, int(lag) if lag is not None else None, True, _int_or_none(added))
    return StreamStatus(0, None, False, _int_or_none(added))


def _int_or_none(value: Any) -> int | None:
    return int(value) if value is not None else None


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
