"""The queries a matchmaking wave runs, all inside the one transaction the caller holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.bulk import copy_rows
from db.states import PLAYING_MATCH_STATES

# One fixed key: every wave on every worker contends for the same lock, so at most one runs at a time.
WAVE_LOCK_KEY = 0x4C414444_57415645  # "LADDWAVE"


@dataclass(frozen=True)
class ClaimedEntry:
    entry_id: int
    player_id: int
    races: list[str]
    vetoes: list[str]
    waves_waited: int
    joined_at: datetime
    message_ref: dict[str, Any] | None
    display_name: str | None
    region: str | None
    language: str | None
    locale: str | None
    in_game_name: str | None
    battletag: str | None
    alt_names: list[str] | None
    country: str | None


def try_wave_lock(session: Session) -> bool:
    return bool(session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": WAVE_LOCK_KEY}).scalar())


def start_wave(session: Session) -> tuple[int, datetime]:
    row = session.execute(text("INSERT INTO waves DEFAULT VALUES RETURNING id, started_at")).one()
    return row.id, row.started_at


def claim_waiting(session: Session) -> list[ClaimedEntry]:
    """Locks every waiting entry no one else holds (a Cancel in flight keeps its own), and its player.

    The player's row is locked too because a Join locks it first: a Join that arrives while this wave runs
    waits for the commit and then sees the player's new match, rather than queueing them a second time.
    """
    states = list(PLAYING_MATCH_STATES)
    rows = session.execute(
        text(
            "SELECT e.id, e.player_id, e.races, e.vetoes, e.waves_waited, e.joined_at, e.message_ref,"
            " p.display_name, p.region, p.language, p.locale, p.in_game_name, p.battletag, p.alt_names, p.country"
            " FROM queue_entries e JOIN players p ON p.id = e.player_id"
            " WHERE e.state = 'waiting' AND NOT EXISTS (SELECT 1 FROM matches m"
            "  WHERE (m.player1_id = e.player_id OR m.player2_id = e.player_id) AND m.state = ANY(:states))"
            " ORDER BY e.id FOR UPDATE OF e, p SKIP LOCKED"
        ),
        {"states": states},
    ).all()
    return [ClaimedEntry(*row) for row in rows]


def ratings_of(
    session: Session, player_ids: list[int], active_days: float
) -> tuple[dict[tuple[int, str], float], set[tuple[int, str]]]:
    """Each player's rating per race, and the races they played in the last `active_days` (those ranked)."""
    rows = session.execute(
        text(
            "SELECT player_id, race, rating,"
            " games > 0 AND last_played_at > now() - make_interval(secs => :days * 86400) AS active"
            " FROM ratings WHERE player_id = ANY(:ids)"
        ),
        {"ids": player_ids, "days": active_days},
    ).all()
    return {(r.player_id, r.race): r.rating for r in rows}, {(r.player_id, r.race) for r in rows if r.active}


def last_opponents(session: Session, player_ids: list[int]) -> dict[int, int]:
    """Each player's opponent in their latest match (to penalise an immediate rematch)."""
    rows = session.execute(
        text(
            "SELECT DISTINCT ON (player_id) player_id, opponent FROM ("
            " SELECT player1_id AS player_id, player2_id AS opponent, id FROM matches WHERE player1_id = ANY(:ids)"
            " UNION ALL"
            " SELECT player2_id, player1_id, id FROM matches WHERE player2_id = ANY(:ids)"
            ") AS m ORDER BY player_id, id DESC"
        ),
        {"ids": player_ids},
    ).all()
    return {r.player_id: r.opponent for r in rows}


def insert_matches(session: Session, wave_id: int, rows: list[dict[str, Any]], confirm_by: datetime) -> list[int]:
    """Writes the wave's matches, each to be confirmed by `confirm_by`; returns their ids in the order of `rows`."""
    return copy_rows(
        session,
        "matches",
        ("wave_id", "player1_id", "player2_id", "player1_race", "player2_race", "player1_rating",
         "player2_rating", "map", "server", "confirm_by", "player1_rank", "player2_rank"),
        [(wave_id, r["p1"], r["p2"], r["r1"], r["r2"], r["rt1"], r["rt2"], r["map"], r["server"], confirm_by,
          r.get("rank1"), r.get("rank2"))
         for r in rows],
    )  # fmt: skip


def mark_matched(session: Session, entry_ids: list[int], match_ids: list[int]) -> None:
    session.execute(
        text(
            "UPDATE queue_entries SET state = 'matched', match_id = v.match_id, ended_at = now()"
            " FROM unnest(CAST(:entries AS bigint[]), CAST(:matches AS bigint[])) AS v(entry_id, match_id)"
            " WHERE queue_entries.id = v.entry_id"
        ),
        {"entries": entry_ids, "matches": match_ids},
    )


def count_wave_waited(session: Session, entry_ids: list[int]) -> None:
    session.execute(
        text("UPDATE queue_entries SET waves_waited = waves_waited + 1 WHERE id = ANY(:ids)"),
        {"ids": entry_ids},
    )


def finish_wave(session: Session, wave_id: int, claimed: int, matched_pairs: int, pairing_ms: float) -> None:
    session.execute(
        text(
            "UPDATE waves SET committed_at = clock_timestamp(), claimed = :claimed, matched_pairs = :pairs,"
            " pairing_ms = :ms WHERE id = :id"
        ),
        {"id": wave_id, "claimed": claimed, "pairs": matched_pairs, "ms": pairing_ms},
    )


def expire_overdue(session: Session, max_wait_s: float) -> list[dict[str, Any]]:
    """Moves entries that waited longer than the ladder allows to `expired`; returns them."""
    rows = session.execute(
        text(
            "UPDATE queue_entries SET state = 'expired', ended_at = now() WHERE id IN ("
            " SELECT id FROM queue_entries WHERE state = 'waiting'"
            " AND joined_at < now() - make_interval(secs => :max_wait) FOR UPDATE SKIP LOCKED)"
            " RETURNING id, player_id, joined_at, ended_at, waves_waited, message_ref"
        ),
        {"max_wait": max_wait_s},
    ).all()
    return [dict(r._mapping) for r in rows]
