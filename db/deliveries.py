"""What the bot records about showing events to players (async, inside the caller's transaction)."""

from __future__ import annotations

from typing import cast

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db.events import Event
from db.payloads import MatchPayload

# The path of a delivery the player's own press showed them, and of one whose answer has not reached Discord
# yet: recorded with the press's move, it becomes PRESS once the answer landed. A bot that died in between
# leaves it unanswered, and the listener shows the event to the presser itself.
PRESS = "press"
PRESS_UNANSWERED = "press_unanswered"


async def delivered_to(session: AsyncSession, event_id: int, player_ids: list[int]) -> set[int]:
    """The players of `player_ids` who have already seen the event."""
    rows = await session.execute(
        text("SELECT player_id FROM deliveries WHERE event_id = :e AND player_id = ANY(:p)"),
        {"e": event_id, "p": player_ids},
    )
    return set(rows.scalars())


async def record_deliveries(session: AsyncSession, event_id: int, paths: dict[int, str]) -> None:
    """Records that each player saw the event, and by which path (a second record of one is ignored)."""
    if not paths:
        return
    await session.execute(
        text(
            "INSERT INTO deliveries (event_id, player_id, path)"
            " SELECT :e, p, path FROM unnest(CAST(:players AS bigint[]), CAST(:paths AS text[])) AS t(p, path)"
            " ON CONFLICT DO NOTHING"
        ),
        {"e": event_id, "players": list(paths), "paths": list(paths.values())},
    )


async def claim_delivery(session: AsyncSession, event_id: int, player_id: int, path: str) -> bool:
    """Records the player's sight of the event unless it is recorded already: False then. Until the caller's
    transaction ends, another claim of the same waits for it (a row being inserted is locked)."""
    claimed = await session.execute(
        text(
            "INSERT INTO deliveries (event_id, player_id, path) VALUES (:e, :p, :path)"
            " ON CONFLICT DO NOTHING RETURNING player_id"
        ),
        {"e": event_id, "p": player_id, "path": path},
    )
    return claimed.first() is not None


async def delivered_pairs(session: AsyncSession, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """Of these (event, player) pairs, the ones already delivered, with their path: one query for many events."""
    if not pairs:
        return {}
    rows = await session.execute(
        text(
            "SELECT d.event_id, d.player_id, d.path FROM deliveries d"
            " JOIN unnest(CAST(:events AS bigint[]), CAST(:players AS bigint[])) AS t(event_id, player_id)"
            " ON d.event_id = t.event_id AND d.player_id = t.player_id"
        ),
        {"events": [e for e, _ in pairs], "players": [p for _, p in pairs]},
    )
    return {(r.event_id, r.player_id): r.path for r in rows}


async def settle_unanswered(session: AsyncSession, event_id: int, player_id: int, path: str) -> bool:
    """The press's answer landed (`path` PRESS), or the listener showed its event another way: the record says
    so. False when it was settled already."""
    settled = await session.execute(
        text("UPDATE deliveries SET path = :path WHERE event_id = :e AND player_id = :p AND path = :unanswered"),
        {"path": path, "e": event_id, "p": player_id, "unanswered": PRESS_UNANSWERED},
    )
    return bool(getattr(settled, "rowcount", 0))


async def record_many(session: AsyncSession, rows: list[tuple[int, int, str]]) -> None:
    """Records (event, player, path) deliveries of many events in one statement (a repeat is ignored)."""
    if not rows:
        return
    await session.execute(
        text(
            "INSERT INTO deliveries (event_id, player_id, path)"
            " SELECT * FROM unnest(CAST(:events AS bigint[]), CAST(:players AS bigint[]), CAST(:paths AS text[]))"
            " ON CONFLICT DO NOTHING"
        ),
        {"events": [r[0] for r in rows], "players": [r[1] for r in rows], "paths": [r[2] for r in rows]},
    )


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


async def match_found_payload(session: AsyncSession, match_id: int) -> MatchPayload | None:
    """The payload of a match's `match_found` event: everything its view shows, with no other query."""
    row = await session.execute(
        text(
            "SELECT payload FROM outbox WHERE (payload->>'match_id')::bigint = :m AND type = 'match_found'"
            " ORDER BY id LIMIT 1"
        ),
        {"m": match_id},
    )
    payload = row.scalar()
    # Written by the wave to the contract of db/payloads.py.
    return cast(MatchPayload, payload) if payload is not None else None


# The events that draw the match's own message (not a reminder, a new message; nor an admin's direct message).
MATCH_STATES = ("match_found", "match_confirmed", "match_reported", "match_completed", "match_disputed",
                "match_aborted", "match_invalidated", "replay_checked")  # fmt: skip


async def newer_match_event(session: AsyncSession, match_id: int, player_id: int, after_id: int) -> Event | None:
    """The newest state of the match shown to this player that was written after `after_id`, if any."""
    row = (
        await session.execute(
            text(
                "SELECT id, type, player_ids, payload FROM outbox WHERE (payload->>'match_id')::bigint = :m"
                " AND id > :after AND :p = ANY(player_ids) AND type = ANY(:states) ORDER BY id DESC LIMIT 1"
            ),
            {"m": match_id, "after": after_id, "p": player_id, "states": list(MATCH_STATES)},
        )
    ).first()
    if row is None:
        return None
    return Event(row.id, row.type, tuple(row.player_ids), row.payload)
