"""AdminService: the admin commands' actions, run in one transaction each, then published and logged."""

from __future__ import annotations

from collections.abc import Callable

import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from db import admin, replays
from db.admin import Done, Note, OpenDispute, Waiting
from db.ladder import Ladder
from db.outbox import publish_now
from db.payloads import MatchPayload
from db.rating import Elo
from db.reconcile import Drift, rating_drift
from db.replays import UploadShown
from db.status import LadderStatus, StreamStatus, ladder_status, stream_status


class AdminService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        redis: aioredis.Redis,
        stream: str,
        ladder: Ladder,
        *,
        consumer_group: str = "bot",
    ) -> None:
        self._sessions = sessions
        self._consumer_group = consumer_group
        self._redis = redis
        self._stream = stream
        self._ladder = ladder
        self._elo = Elo.of(ladder)

    async def queue_list(self) -> tuple[int, list[Waiting]]:
        async with self._sessions() as session:
            return await session.run_sync(admin.queue_list)

    async def status(self) -> tuple[LadderStatus, StreamStatus | None]:
        """The ladder's state; the stream's part is None when Redis cannot be reached."""
        async with self._sessions() as session:
            ladder = await session.run_sync(ladder_status)
        try:
            stream = stream_status(await self._redis.xinfo_groups(self._stream), self._consumer_group)
        except aioredis.ResponseError:  # no stream yet: nothing was ever published
            stream = stream_status([], self._consumer_group)
        except (aioredis.RedisError, OSError):
            stream = None
        return ladder, stream

    async def queue_remove(self, actor: int, player: int, reason: str | None = None) -> Done:
        why = clean_reason(reason)
        return await self._do(lambda s: admin.queue_remove(s, actor, player, why), reason)

    async def queue_clear(self, actor: int, reason: str | None = None) -> Done:
        why = clean_reason(reason)
        return await self._do(lambda s: admin.queue_clear(s, actor, why), reason)

    async def resolve(self, actor: int, match_id: int, resolution: str, reason: str | None = None) -> Done:
        why = clean_reason(reason)
        return await self._do(
            lambda s: admin.resolve(s, actor, match_id, resolution, self._ladder, self._elo, why), reason
        )

    async def open_disputes(self) -> tuple[int, list[OpenDispute]]:
        async with self._sessions() as session:
            return await session.run_sync(admin.open_disputes)

    async def match_show(self, match_id: int) -> MatchPayload | None:
        async with self._sessions() as session:
            return await session.run_sync(lambda s: admin.match_show(s, match_id, self._ladder))

    async def match_replays(self, match_id: int) -> tuple[list[UploadShown], list[tuple[str, bytes]]]:
        """Every upload for the match with what its check found, and the files still kept (at most the ten
        newest that fit in one Discord message)."""
        async with self._sessions() as session:
            return await session.run_sync(lambda s: _replays_of(s, match_id))

    async def set_rating(
        self, actor: int, player: int, race: str, value: float, reason: str | None = None, change: str = "set"
    ) -> Done:
        why = clean_reason(reason)
        return await self._do(
            lambda s: admin.set_rating(s, actor, player, race, value, self._ladder, why, change), reason
        )

    async def repair_ratings(self, actor: int, reason: str | None = None) -> Done:
        why = clean_reason(reason)
        return await self._do(lambda s: admin.repair_ratings(s, actor, self._ladder, why), reason)

    async def rating_drift(self) -> list[Drift]:
        async with self._sessions() as session:
            return await session.run_sync(lambda s: rating_drift(s, self._ladder.rating.start))

    async def ban(self, actor: int, player: int, reason: str | None) -> Done:
        why = clean_reason(reason)
        return await self._do(lambda s: admin.ban(s, actor, player, why), reason)

    async def unban(self, actor: int, player: int, reason: str | None = None) -> Done:
        why = clean_reason(reason)
        return await self._do(lambda s: admin.unban(s, actor, player, why), reason)

    async def _do(self, action: Callable[[Session], Done], reason: str | None = None) -> Done:
        if reason is not None and len(reason) > MAX_REASON:  # Discord keeps to the option's length
            return Done(False, Note.REASON_TOO_LONG, {"most": MAX_REASON})
        async with self._sessions.begin() as session:
            done = await session.run_sync(action)
        await publish_now(self._sessions, self._redis, self._stream, [e.id for e in done.events])
        return done


# The longest reason an admin gives (the commands' option allows as much); the player reads it in a DM.
MAX_REASON = 500


def clean_reason(raw: str | None) -> str | None:
    """Printable characters only (PostgreSQL refuses NUL in text; control characters garble the views)."""
    reason = "".join(ch for ch in (raw or "")[: MAX_REASON * 4] if ch.isprintable()).strip()[:MAX_REASON]
    return reason or None


# Discord takes at most 10 files in a message and 25 MiB in one request.
FILES_PER_MESSAGE = 10
FILE_BYTES_PER_MESSAGE = 24 * 1024 * 1024


def _replays_of(session: Session, match_id: int) -> tuple[list[UploadShown], list[tuple[str, bytes]]]:
    shown = replays.uploads_of(session, match_id)
    files: list[tuple[str, bytes]] = []
    total = 0
    for upload in reversed(shown):
        kept = replays.file_of(session, upload.upload_id) if upload.kept else None
        if kept is None or len(files) == FILES_PER_MESSAGE or total + len(kept[1]) > FILE_BYTES_PER_MESSAGE:
            continue
        files.append((f"{upload.upload_id}-{kept[0]}", kept[1]))
        total += len(kept[1])
    return shown, files[::-1]
