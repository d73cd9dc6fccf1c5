"""ReplayService: a player's replay, stored for their match and handed to the workers' readers. Plain ids in and
out; the check's outcome reaches the players later, through the outbox and the stream."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from db import replays
from db.ladder import Ladder
from db.match_payloads import load_match, match_payload
from db.payloads import MatchPayload
from db.refusals import Refusal


@dataclass(frozen=True)
class Received:
    """A stored upload and its match as it stands, or why nothing was stored."""

    upload_id: int | None = None
    match: MatchPayload | None = None
    refused: Refusal | None = None


class ReplayService:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], ladder: Ladder, hand_over: Callable[[int], Awaitable[bool]]
    ) -> None:
        self._sessions = sessions
        self._ladder = ladder
        self._hand_over = hand_over

    async def match_for(self, player_id: int) -> int | None:
        async with self._sessions() as session:
            return await session.run_sync(lambda s: replays.latest_match_of(s, player_id))

    async def receive(
        self, match_id: int, player_id: int, filename: str, data: bytes, ref: dict[str, Any] | None
    ) -> Received:
        """Stores the upload, pending. The caller hands it over once the uploader sees it was received: a check
        that came back first would be overwritten by "checking"."""
        async with self._sessions.begin() as session:
            return await session.run_sync(lambda s: self._store(s, match_id, player_id, filename, data, ref))

    async def hand_over(self, upload_id: int) -> bool:
        """To the readers; False leaves it to the workers' own hand-over of lost uploads."""
        return await self._hand_over(upload_id)

    def _store(
        self, session: Session, match_id: int, player_id: int, filename: str, data: bytes, ref: dict[str, Any] | None
    ) -> Received:
        stored = replays.store_upload(session, match_id, player_id, filename, data, ref)
        if stored.upload_id is None:
            return Received(refused=stored.refused)
        match = load_match(session, match_id)
        assert match is not None, "the upload was just stored for it"
        return Received(upload_id=stored.upload_id, match=match_payload(match, self._ladder))
