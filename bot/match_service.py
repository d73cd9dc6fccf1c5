"""MatchService: a player's presses on their match, handed to the backend's moves. Plain ids in and out.

Each move runs in one transaction through `AsyncSession.run_sync` (the loop never blocks); its events are
published right after the commit (the relay catches a failed publish). The presser's own view is answered by
the press itself, so their delivery is recorded here and the listener shows the event to the other player only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from db import deliveries, matches
from db.ladder import Ladder
from db.matches import Move
from db.outbox import publish_now
from workers.rating import Elo

# The path a delivery is recorded under when the player's own press showed them the event.
PRESS = "press"


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
        return await self._move(lambda s: matches.confirm(s, match_id, player_id, self.ladder, ref))

    async def abort(self, match_id: int, player_id: int, ref: dict[str, Any] | None) -> Move:
        return await self._move(lambda s: matches.abort(s, match_id, player_id, self.ladder, ref))

    async def report(self, match_id: int, player_id: int, outcome: str, ref: dict[str, Any] | None) -> Move:
        return await self._move(lambda s: matches.report(s, match_id, player_id, outcome, self.ladder, self._elo, ref))

    async def shown_by_press(self, move: Move, player_id: int | None) -> None:
        """Records that the presser saw their move's event in the answer to the press (None: the answer
        failed), then publishes the move's events: recorded first, so the listener shows the presser nothing
        twice and the other player everything."""
        event = move.event_for(player_id) if player_id is not None else None
        if event is not None and player_id is not None:
            event_player = player_id
            async with self._sessions.begin() as session:
                await deliveries.record_deliveries(session, event.id, {event_player: PRESS})
        await publish_now(self._sessions, self._redis, self._stream, [e.id for e in move.events])

    async def _move(self, move: Callable[[Session], Move]) -> Move:
        async with self._sessions.begin() as session:
            return await session.run_sync(move)
