"""The listener's record of who has seen which event, with the database work of many events in one statement.

Under a burst, hundreds of events are handled at once; one query each to ask who saw them and one write each
to record it would cost more than the deliveries themselves. Requests made while a statement is running (or
within the same turn of the event loop) wait and go together in the next one, so a lone event waits for
nothing and a burst shares its round trips.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.coalesce import Coalescer
from db import deliveries


class DeliveryLedger:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._lookups: Coalescer[list[tuple[int, int]], dict[tuple[int, int], str]] = Coalescer(self._look_up)
        self._records: Coalescer[list[tuple[int, int, str]], None] = Coalescer(self._record)

    async def seen(self, event_id: int, player_ids: list[int]) -> dict[int, str]:
        """The players of `player_ids` who have already seen the event, with the path that showed it."""
        found = await self._lookups.submit([(event_id, p) for p in player_ids])
        return {p: found[(event_id, p)] for p in player_ids if (event_id, p) in found}

    async def record(self, event_id: int, paths: dict[int, str]) -> None:
        """Returns once the players' sight of the event is committed."""
        if paths:
            await self._records.submit([(event_id, p, path) for p, path in paths.items()])

    async def settle_unanswered(self, event_id: int, player_id: int, path: str) -> bool:
        async with self._sessions.begin() as session:
            return await deliveries.settle_unanswered(session, event_id, player_id, path)

    async def _look_up(self, requests: list[list[tuple[int, int]]]) -> dict[tuple[int, int], str]:
        async with self._sessions() as session:
            return await deliveries.delivered_pairs(session, [pair for r in requests for pair in r])

    async def _record(self, requests: list[list[tuple[int, int, str]]]) -> None:
        async with self._sessions.begin() as session:
            await deliveries.record_many(session, [row for r in requests for row in r])
