"""The queries the bot's QueueService runs (async), each inside the transaction its caller holds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db.states import PLAYING_MATCH_STATES


@dataclass(frozen=True)
class PlayerStanding:
    banned: bool
    ban_reason: str | None
    set_up: bool
    # Set while the player may not queue (they aborted a match, or let one run out).
    cooldown_until: datetime | None
    # The language the player chose (/setup), if any.
    language: str | None = None


@dataclass(frozen=True)
class LatestEntry:
    entry_id: int
    state: str
    match_id: int | None


async def ensure_player(
    session: AsyncSession,
    player_id: int,
    display_name: str | None,
    locale: str | None = None,
    discord_name: str | None = None,
) -> PlayerStanding:
    """Creates or updates the player and locks their row until the caller commits.

    The lock is what keeps a Join and a wave apart: a wave locks the rows of the players it claims.
    """
    row = (
        await session.execute(
            text(
                "INSERT INTO players (id, display_name, discord_name, locale) VALUES (:id, :name, :user, :locale)"
                # The name set with /setup stays; before setup, the front end's name is the best there is.
                " ON CONFLICT (id) DO UPDATE SET display_name = CASE WHEN players.setup_at IS NOT NULL"
                " THEN players.display_name ELSE COALESCE(EXCLUDED.display_name, players.display_name) END,"
                " locale = COALESCE(EXCLUDED.locale, players.locale),"
                " discord_name = COALESCE(EXCLUDED.discord_name, players.discord_name)"
                " RETURNING banned, ban_reason, setup_at IS NOT NULL AS set_up,"
                " CASE WHEN cooldown_until > now() THEN cooldown_until END AS cooldown_until, language"
            ),
            {"id": player_id, "name": display_name, "user": discord_name, "locale": locale},
        )
    ).one()
    return PlayerStanding(row.banned, row.ban_reason, row.set_up, row.cooldown_until, row.language)


async def unfinished_match(session: AsyncSession, player_id: int) -> int | None:
    states = list(PLAYING_MATCH_STATES)
    return (
        await session.execute(
            text(
                "SELECT id FROM matches WHERE (player1_id = :p OR player2_id = :p) AND state = ANY(:states)"
                " ORDER BY id DESC LIMIT 1"
            ),
            {"p": player_id, "states": states},
        )
    ).scalar()


async def ensure_ratings(session: AsyncSession, player_id: int, races: list[str], start: float) -> dict[str, float]:
    """The player's rating for each race, created at the start rating where missing."""
    await session.execute(
        text(
            "INSERT INTO ratings (player_id, race, rating)"
            " SELECT :p, race, :start FROM unnest(CAST(:races AS text[])) AS race ON CONFLICT DO NOTHING"
        ),
        {"p": player_id, "races": races, "start": start},
    )
    rows = (
        await session.execute(
            text("SELECT race, rating FROM ratings WHERE player_id = :p AND race = ANY(:races)"),
            {"p": player_id, "races": races},
        )
    ).all()
    return {r.race: r.rating for r in rows}


async def insert_entry(
    session: AsyncSession,
    player_id: int,
    races: list[str],
    vetoes: list[str],
    message_ref: dict[str, Any] | None,
) -> tuple[int, datetime]:
    """Raises IntegrityError when the player already has a waiting entry (the partial unique index)."""
    row = (
        await session.execute(
            text(
                "INSERT INTO queue_entries (player_id, races, vetoes, message_ref)"
                " VALUES (:p, :races, :vetoes, CAST(:ref AS jsonb)) RETURNING id, joined_at"
            ),
            {"p": player_id, "races": races, "vetoes": vetoes, "ref": _json(message_ref)},
        )
    ).one()
    return row.id, row.joined_at


async def save_choice(session: AsyncSession, player_id: int, races: list[str], vetoes: list[str]) -> None:
    await session.execute(
        text(
            "INSERT INTO queue_choices (player_id, races, vetoes) VALUES (:p, :races, :vetoes)"
            " ON CONFLICT (player_id) DO UPDATE SET races = EXCLUDED.races, vetoes = EXCLUDED.vetoes,"
            " updated_at = now()"
        ),
        {"p": player_id, "races": races, "vetoes": vetoes},
    )


async def last_choice(session: AsyncSession, player_id: int) -> tuple[list[str], list[str]] | None:
    row = (
        await session.execute(text("SELECT races, vetoes FROM queue_choices WHERE player_id = :p"), {"p": player_id})
    ).one_or_none()
    return (list(row.races), list(row.vetoes)) if row else None


async def cancel_waiting(session: AsyncSession, player_id: int) -> int | None:
    """Cancels the player's waiting entry; returns its id, or None when there is none.

    When a wave holds the row, this waits for the wave's commit and then finds the row matched: the
    cancel and the wave never both win.
    """
    return (
        await session.execute(
            text(
                "UPDATE queue_entries SET state = 'cancelled', ended_at = now()"
                " WHERE player_id = :p AND state = 'waiting' RETURNING id"
            ),
            {"p": player_id},
        )
    ).scalar()


async def latest_entry(session: AsyncSession, player_id: int) -> LatestEntry | None:
    row = (
        await session.execute(
            text("SELECT id, state, match_id FROM queue_entries WHERE player_id = :p ORDER BY id DESC LIMIT 1"),
            {"p": player_id},
        )
    ).one_or_none()
    return LatestEntry(row.id, row.state, row.match_id) if row else None


async def waiting_summary(session: AsyncSession) -> tuple[int, float, float]:
    """How many wait, the longest wait and the median wait (seconds), counted in PostgreSQL."""
    row = (
        await session.execute(
            text(
                "SELECT count(*), COALESCE(max(waited), 0), COALESCE(percentile_cont(0.5) WITHIN GROUP"
                " (ORDER BY waited), 0) FROM (SELECT EXTRACT(EPOCH FROM now() - joined_at)::float8 AS waited"
                " FROM queue_entries WHERE state = 'waiting') AS w"
            )
        )
    ).one()
    return int(row[0]), float(row[1]), float(row[2])


async def last_wave_started(session: AsyncSession) -> datetime | None:
    return (await session.execute(text("SELECT max(started_at) FROM waves"))).scalar()


async def estimated_wait(
    session: AsyncSession, rating: float, near: float = 200, recent: int = 500
) -> tuple[float | None, int]:
    """The median wait of recently matched players rated within `near` of `rating`, and how many that is."""
    row = (
        await session.execute(
            text(
                "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM e.ended_at - e.joined_at)),"
                " count(*) FROM (SELECT player_id, joined_at, ended_at, match_id FROM queue_entries"
                "  WHERE state = 'matched' AND ended_at > now() - interval '1 day' ORDER BY id DESC LIMIT :recent) e"
                " JOIN matches m ON m.id = e.match_id"
                " WHERE abs(CASE WHEN m.player1_id = e.player_id THEN m.player1_rating ELSE m.player2_rating END"
                "  - :rating) <= :near"
            ),
            {"rating": rating, "near": near, "recent": recent},
        )
    ).one()
    return (float(row[0]) if row[0] is not None else None), int(row[1])


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value)
