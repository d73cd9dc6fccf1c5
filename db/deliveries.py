"""What the bot records about showing events to players (async, inside the caller's transaction)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def already_delivered(session: AsyncSession, event_id: int, player_id: int) -> bool:
    row = await session.execute(
        text("SELECT 1 FROM deliveries WHERE event_id = :e AND player_id = :p"), {"e": event_id, "p": player_id}
    )
    return row.first() is not None


async def record_delivery(session: AsyncSession, event_id: int, player_id: int, path: str) -> bool:
    """Records that the player saw the event; False when it was recorded already (a duplicate)."""
    row = await session.execute(
        text(
            "INSERT INTO deliveries (event_id, player_id, path) VALUES (:e, :p, :path)"
            " ON CONFLICT DO NOTHING RETURNING 1"
        ),
        {"e": event_id, "p": player_id, "path": path},
    )
    return row.first() is not None


async def record_failure(session: AsyncSession, event_id: int, player_id: int, attempts: int, reason: str) -> None:
    await session.execute(
        text(
            "INSERT INTO delivery_failures (event_id, player_id, attempts, reason) VALUES (:e, :p, :a, :r)"
            " ON CONFLICT (event_id, player_id) DO UPDATE"
            " SET attempts = delivery_failures.attempts + EXCLUDED.attempts, reason = EXCLUDED.reason,"
            " failed_at = now()"
        ),
        {"e": event_id, "p": player_id, "a": attempts, "r": reason[:300]},
    )


async def match_found_payload(session: AsyncSession, match_id: int) -> dict[str, Any] | None:
    """The payload of a match's `match_found` event: everything its view shows, with no other query."""
    row = await session.execute(
        text(
            "SELECT payload FROM outbox WHERE (payload->>'match_id')::bigint = :m AND type = 'match_found'"
            " ORDER BY id LIMIT 1"
        ),
        {"m": match_id},
    )
    payload = row.scalar()
    return dict(payload) if payload is not None else None
