"""MatchService: a player's presses on their match, handed to the backend's moves. Plain ids in and out.

Each move runs in one transaction through `AsyncSession.run_sync` (the loop never blocks); its events are
published right after the commit (the relay catches a failed publish). The presser's own view is answered by
the press itself, so their delivery is recorded with the move (as unanswered, until the answer lands) and the
listener shows the event to the other player only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from db import deliveries, matches
from db.deliveries import PRESS, PRESS_UNANSWERED
from db.ladder import Ladder
from db.logs import log_context
from db.match_payloads import load_match, match_payload
from db.matches import Move
from db.outbox import publish_now
from db.payloads import MatchPayload
from db.rating import Elo

log = logging.getLogger(__name__)


class MatchService:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], redis: aioredis.Redis, stream: str, ladder: Ladder
    ) -> None:
        self._sessions = sessions
        self._redis = redis
        self._stream = stream
        self.ladder = ladder
        self._elo = Elo.of(ladder)

    async def confirm(self, match_id: int, player_id: int, ref: dict[str, Any] | None) -> Move:
        return await self._move(
            match_id, player_id, lambda s: matches.confirm(s, match_id, player_id, self.ladder, ref)
        )

    async def abort(self, match_id: int, player_id: int, ref: dict[str, Any] | None) -> Move:
        return await self._move(match_id, player_id, lambda s: matches.abort(s, match_id, player_id, self.ladder, ref))

    async def report(self, match_id: int, player_id: int, outcome: str, ref: dict[str, Any] | None) -> Move:
        return await self._move(
            match_id, player_id, lambda s: matches.report(s, match_id, player_id, outcome, self.ladder, self._elo, ref)
        )

    async def answered(self, event_id: int, player_id: int) -> None:
        """The answer to the player's press, which shows them its event, reached Discord."""
        async with self._sessions.begin() as session:
            await deliveries.settle_unanswered(session, event_id, player_id, PRESS)

    async def current(self, match_id: int) -> MatchPayload | None:
        """The match as its view shows it now (for a player who lost their match message)."""
        async with self._sessions() as session:
            return await session.run_sync(lambda s: _payload(s, match_id, self.ladder))

    async def _move(self, match_id: int, player_id: int, move: Callable[[Session], Move]) -> Move:
        with log_context(match_id=match_id, player_id=player_id):
            done = await self._move_and_publish(player_id, move)
            if done.changed:
                log.info("match %s: player %s moved it (%s)", match_id, player_id,
                         ", ".join(e.type for e in done.events) or "no event")  # fmt: skip
            else:
                log.info("match %s: player %s's press refused (%s)", match_id, player_id, done.refused)
            return done

    async def _move_and_publish(self, player_id: int, move: Callable[[Session], Move]) -> Move:
        """The move and, in its transaction, the presser's sight of its event (the answer to their press is to show
        it); published right after the commit, so the listener shows the other player at once and the presser
        nothing twice, unless the answer never lands (the bot died first)."""
        async with self._sessions.begin() as session:
            done = await session.run_sync(move)
            event = done.event_for(player_id)
            if event is not None:
                await deliveries.record_deliveries(session, event.id, {player_id: PRESS_UNANSWERED})
        await publish_now(self._sessions, self._redis, self._stream, [e.id for e in done.events])
        return done


def _payload(session: Session, match_id: int, ladder: Ladder) -> MatchPayload | None:
    match = load_match(session, match_id)
    return match_payload(match, ladder) if match is not None else None
