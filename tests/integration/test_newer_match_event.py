"""Which later event stands for a match's newer state, for the delivery that must not draw an older one over it."""

from __future__ import annotations

import json

from sqlalchemy import Engine, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.deliveries import newer_match_event


def _write(engine: Engine, type_: str, players: list[int], match_id: int = 7) -> int:
    with engine.begin() as conn:
        return int(
            conn.execute(
                text("INSERT INTO outbox (type, player_ids, payload) VALUES (:t, :p, CAST(:d AS jsonb)) RETURNING id"),
                {"t": type_, "p": players, "d": json.dumps({"match_id": match_id})},
            ).scalar_one()
        )


async def test_only_a_later_state_of_the_same_match_for_the_same_player_counts(
    engine: Engine, asessions: async_sessionmaker[AsyncSession]
) -> None:
    reported = _write(engine, "match_reported", [2])
    _write(engine, "admin_notice", [1, 2])  # a direct message, not the match's message
    _write(engine, "match_reminder", [2])  # a new message, not the match's message
    _write(engine, "match_completed", [1, 2], match_id=8)  # another match
    _write(engine, "match_disputed", [1])  # another player
    async with asessions() as session:
        assert await newer_match_event(session, 7, 2, reported) is None
    done = _write(engine, "match_completed", [1, 2])
    async with asessions() as session:
        newer = await newer_match_event(session, 7, 2, reported)
    assert newer is not None and (newer.id, newer.type) == (done, "match_completed")
