"""AdminService: the admin commands' actions, run in one transaction each, then published and logged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as aioredis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from db import admin, admin_previews, player_lookup, replays
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

    async def suggest_players(self, typed: str) -> list[player_lookup.FoundPlayer]:
        async with self._sessions() as session:
            return await player_lookup.suggest(session, typed)

    async def players_named(self, typed: str) -> list[player_lookup.FoundPlayer]:
        async with self._sessions() as session:
            return await player_lookup.named(session, typed)

    async def preview(self, actor: int, action: str, params: dict[str, Any]) -> Previewed:
        """What the action would do, found by doing it in a transaction that is rolled back; kept to be confirmed
        when it would change something."""
        reason = params.get("reason")
        if isinstance(reason, str) and len(reason) > MAX_REASON:
            return Previewed(None, Done(False, Note.REASON_TOO_LONG, {"most": MAX_REASON}))
        if "reason" in params:  # kept as it will be used: a NUL, say, is no JSON PostgreSQL keeps
            params = {**params, "reason": clean_reason(reason if isinstance(reason, str) else None)}
        run = self._action(actor, action, params)
        async with self._sessions() as session:
            done = await session.run_sync(run)
            names = await session.run_sync(lambda s: _names(s, {move[0] for move in done.moves}))
            await session.rollback()
        if not done.changed:
            return Previewed(None, done, names)
        async with self._sessions.begin() as session:
            kept = await session.run_sync(lambda s: admin_previews.keep(s, actor, action, params, _shown(done)))
        return Previewed(kept, done, names)

    async def confirm(self, actor: int, preview_id: int) -> tuple[Done, dict[str, Any]]:
        """Does what the preview showed, if that is still what it would do; else nothing, and says so. Returns
        what was done and the action's parameters (the reason the admin gave among them)."""
        try:
            async with self._sessions.begin() as session:
                taken = await session.run_sync(lambda s: admin_previews.take(s, preview_id, actor))
                if isinstance(taken, str):
                    return Done(False, _NOT_TAKEN[taken]), {}
                done = await session.run_sync(self._action(actor, taken.action, taken.params))
                if admin_previews.normal(_shown(done)) != taken.shown:
                    raise _Changed
                await session.run_sync(lambda s: admin_previews.decide(s, preview_id, "confirmed"))
        except _Changed:
            async with self._sessions.begin() as session:
                await session.run_sync(lambda s: admin_previews.decide(s, preview_id, "stale"))
            return Done(False, Note.CHANGED_SINCE_PREVIEW), {}
        await publish_now(self._sessions, self._redis, self._stream, [e.id for e in done.events])
        return done, taken.params

    async def cancel(self, actor: int, preview_id: int) -> Done:
        async with self._sessions.begin() as session:
            taken = await session.run_sync(lambda s: admin_previews.take(s, preview_id, actor))
            if isinstance(taken, str):
                return Done(False, _NOT_TAKEN[taken])
            await session.run_sync(lambda s: admin_previews.decide(s, preview_id, "cancelled"))
        return Done(False, Note.CANCELLED)

    def _action(self, actor: int, action: str, params: dict[str, Any]) -> Callable[[Session], Done]:
        """The admin action a preview names, as a function of one transaction."""
        why = clean_reason(params.get("reason"))
        player = int(params.get("player") or 0)
        if action == "queue_remove":
            return lambda s: admin.queue_remove(s, actor, player, why)
        if action == "queue_clear":
            return lambda s: admin.queue_clear(s, actor, why)
        if action in ("match_resolve", "dispute_resolve"):
            # A dispute's button settles only a dispute; the command, any match.
            match, resolution, any_state = int(params["match"]), str(params["resolution"]), action == "match_resolve"
            return lambda s: admin.resolve(s, actor, match, resolution, self._ladder, self._elo, why,
                                           any_state=any_state)  # fmt: skip
        if action == "player_rating":
            race, value, change = str(params["race"]), float(params["value"]), str(params["change"])
            return lambda s: admin.set_rating(s, actor, player, race, value, self._ladder, why, change)
        if action == "player_ban":
            return lambda s: admin.ban(s, actor, player, why)
        if action == "player_unban":
            return lambda s: admin.unban(s, actor, player, why)
        if action == "ratings_repair":
            return lambda s: admin.repair_ratings(s, actor, self._ladder, why)
        raise ValueError(f"no admin action {action!r}")

    async def _do(self, action: Callable[[Session], Done], reason: str | None = None) -> Done:
        if reason is not None and len(reason) > MAX_REASON:  # Discord keeps to the option's length
            return Done(False, Note.REASON_TOO_LONG, {"most": MAX_REASON})
        async with self._sessions.begin() as session:
            done = await session.run_sync(action)
        await publish_now(self._sessions, self._redis, self._stream, [e.id for e in done.events])
        return done


@dataclass(frozen=True)
class Previewed:
    """A preview: what the action would do, the names of the players whose ratings it moves, and the id to
    confirm it by (None: it would change nothing, so there is nothing to confirm)."""

    preview_id: int | None
    done: Done
    names: dict[int, str] = field(default_factory=dict)


class _Changed(Exception):
    """The action would now do otherwise than its preview showed: its transaction is rolled back."""


_NOT_TAKEN = {
    admin_previews.Taken.GONE: Note.PREVIEW_GONE,
    admin_previews.Taken.NOT_YOURS: Note.PREVIEW_NOT_YOURS,
    admin_previews.Taken.DECIDED: Note.PREVIEW_DECIDED,
    admin_previews.Taken.EXPIRED: Note.PREVIEW_EXPIRED,
}


def _shown(done: Done) -> dict[str, Any]:
    """What a preview says the action does, as a confirmation must find it again (not how long ago anything was)."""
    params = {k: v for k, v in done.params.items() if k != "age_h"}
    moves = [[p, race, round(old, 6), round(new, 6)] for p, race, old, new in done.moves]
    return {"changed": done.changed, "note": str(done.note), "params": params, "moves": moves}


def _names(session: Session, players: set[int]) -> dict[int, str]:
    if not players:
        return {}
    rows = session.execute(
        text("SELECT id, display_name FROM players WHERE id = ANY(:p)"), {"p": sorted(players)}
    ).all()
    return {r.id: r.display_name for r in rows if r.display_name}


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
