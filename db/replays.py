"""Replay uploads: storing a player's file for their match (its bytes once, by SHA-256), reading what a worker
needs to check it, and recording what the worker found."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

# The most a replay may weigh: a 1v1 replay of the community's is about 33 KB, an hour-long one a few hundred.
MAX_REPLAY_BYTES = 5 * 1024 * 1024
# Matches a replay may still be uploaded for: confirmed (being played) and disputed (the replay is evidence).
OPEN_TO_REPLAYS = ("confirmed", "disputed")


@dataclass(frozen=True)
class Stored:
    """The upload's id, or why it was not stored (nothing was written then)."""

    upload_id: int | None = None
    refused: str | None = None  # empty, too_big, not_your_match, match_closed, used_for_another_match


@dataclass(frozen=True)
class UploadToCheck:
    upload_id: int
    match_id: int
    data: bytes
    uploaded_at: datetime
    state: str
    match_state: str
    map: str | None
    found_at: datetime
    races: tuple[str, str]
    player_ids: tuple[int, int]


def store_upload(session: Session, match_id: int, player_id: int, filename: str, data: bytes) -> Stored:
    if not data:
        return Stored(refused="empty")
    if len(data) > MAX_REPLAY_BYTES:
        return Stored(refused="too_big")
    match = session.execute(
        text("SELECT state FROM matches WHERE id = :m AND (player1_id = :p OR player2_id = :p) FOR SHARE"),
        {"m": match_id, "p": player_id},
    ).one_or_none()
    if match is None:
        return Stored(refused="not_your_match")
    if match.state not in OPEN_TO_REPLAYS:
        return Stored(refused="match_closed")
    digest = hashlib.sha256(data).hexdigest()
    elsewhere = session.execute(
        text("SELECT 1 FROM replay_uploads WHERE sha256 = :h AND match_id <> :m LIMIT 1"), {"h": digest, "m": match_id}
    ).first()
    if elsewhere is not None:
        return Stored(refused="used_for_another_match")
    session.execute(
        text("INSERT INTO replay_files (sha256, data, size) VALUES (:h, :d, :n) ON CONFLICT (sha256) DO NOTHING"),
        {"h": digest, "d": data, "n": len(data)},
    )
    upload_id = session.execute(
        text("INSERT INTO replay_uploads (match_id, player_id, sha256, filename) VALUES (:m, :p, :h, :f) RETURNING id"),
        {"m": match_id, "p": player_id, "h": digest, "f": filename[:200]},
    ).scalar_one()
    return Stored(upload_id=int(upload_id))


def upload_to_check(session: Session, upload_id: int) -> UploadToCheck | None:
    row = session.execute(
        text(
            "SELECT u.id, u.match_id, f.data, u.uploaded_at, u.state, m.state AS match_state, m.map, m.created_at,"
            " m.player1_race, m.player2_race, m.player1_id, m.player2_id"
            " FROM replay_uploads u JOIN replay_files f ON f.sha256 = u.sha256 JOIN matches m ON m.id = u.match_id"
            " WHERE u.id = :u"
        ),
        {"u": upload_id},
    ).one_or_none()
    if row is None:
        return None
    return UploadToCheck(row.id, row.match_id, bytes(row.data), row.uploaded_at, row.state, row.match_state, row.map,
                         row.created_at, (row.player1_race, row.player2_race),
                         (row.player1_id, row.player2_id))  # fmt: skip


def known_handles(session: Session, player_id: int) -> frozenset[str]:
    """The toon handles this player's verified replays showed for them."""
    rows = session.execute(
        text(
            "SELECT u.handles ->> (CASE WHEN m.player1_id = :p THEN '1' ELSE '2' END) FROM replay_uploads u"
            " JOIN matches m ON m.id = u.match_id WHERE u.state = 'verified'"
            " AND (m.player1_id = :p OR m.player2_id = :p)"
        ),
        {"p": player_id},
    ).scalars()
    return frozenset(handle for handle in rows if handle)


def record_check(
    session: Session,
    upload_id: int,
    *,
    verified: bool,
    result: str | None,
    problems: list[dict[str, str]],
    summary: dict[str, Any],
    handles: dict[int, str],
) -> bool:
    """What the worker found; False when the upload was already checked (another worker got there first)."""
    moved = session.execute(
        text(
            "UPDATE replay_uploads SET state = :state, checked_at = now(), result = :result,"
            " problems = CAST(:problems AS jsonb), summary = CAST(:summary AS jsonb), handles = CAST(:handles AS jsonb)"
            " WHERE id = :u AND state = 'pending' RETURNING id"
        ),
        {"u": upload_id, "state": "verified" if verified else "failed", "result": result,
         "problems": json.dumps(problems), "summary": json.dumps(summary),
         "handles": json.dumps({str(k): v for k, v in handles.items()})},
    ).one_or_none()  # fmt: skip
    return moved is not None
