"""Replay uploads: storing a player's file for their match (its bytes once, by SHA-256), reading what a worker
needs to check it, recording what the worker found, handing lost uploads over again, and letting old files go."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.refusals import Refusal, Why

# What a replay file's name ends with (in any case): StarCraft II's, the one game whose replays are read.
REPLAY_EXTENSION = ".SC2Replay"
# The most a replay may weigh: a 1v1 replay of the community's is about 33 KB, an hour-long one a few hundred.
MAX_REPLAY_BYTES = 5 * 1024 * 1024
# Matches a replay may still be uploaded for: confirmed (being played) and disputed (the replay is evidence).
OPEN_TO_REPLAYS = ("confirmed", "disputed")
# Uploads one player may make for one match: enough for a mistaken file or two, not a flood.
MOST_UPLOADS_PER_MATCH = 5


@dataclass(frozen=True)
class Stored:
    """The upload's id, or why it was not stored (nothing was written then)."""

    upload_id: int | None = None
    refused: Refusal | None = None


@dataclass(frozen=True)
class UploadToCheck:
    upload_id: int
    match_id: int
    player_id: int  # who uploaded it
    data: bytes
    uploaded_at: datetime
    state: str
    match_state: str
    map: str | None
    found_at: datetime
    races: tuple[str, str]
    player_ids: tuple[int, int]


def latest_match_of(session: Session, player_id: int) -> int | None:
    """The player's current match, or their most recent one: what `/replay` is for."""
    return session.execute(
        text(
            "SELECT id FROM matches WHERE player1_id = :p OR player2_id = :p"
            " ORDER BY (state IN ('confirmed', 'disputed')) DESC, created_at DESC, id DESC LIMIT 1"
        ),
        {"p": player_id},
    ).scalar()


def store_upload(
    session: Session, match_id: int, player_id: int, filename: str, data: bytes, ref: dict[str, Any] | None = None
) -> Stored:
    """Stores the upload as pending, for a worker to read. `ref` (the message the uploader's `/replay` answer
    lives in) becomes where the uploader's match message lives: the check's outcome is shown there."""
    if not data:
        return Stored(refused=Refusal(Why.REPLAY_EMPTY))
    if len(data) > MAX_REPLAY_BYTES:
        return Stored(refused=Refusal(Why.REPLAY_TOO_BIG, {"most_kb": MAX_REPLAY_BYTES // 1024}))
    match = session.execute(
        text("SELECT state FROM matches WHERE id = :m AND (player1_id = :p OR player2_id = :p) FOR UPDATE"),
        {"m": match_id, "p": player_id},
    ).one_or_none()
    if match is None:
        return Stored(refused=Refusal(Why.REPLAY_NOT_YOUR_MATCH))
    if match.state not in OPEN_TO_REPLAYS:
        return Stored(refused=Refusal(Why.REPLAY_MATCH_CLOSED, {"match_id": match_id, "state": match.state}))
    digest = hashlib.sha256(data).hexdigest()
    used = session.execute(
        text("SELECT match_id FROM replay_uploads WHERE sha256 = :h ORDER BY (match_id = :m) DESC LIMIT 1"),
        {"h": digest, "m": match_id},
    ).scalar()
    if used == match_id:
        return Stored(refused=Refusal(Why.REPLAY_ALREADY_SENT, {"match_id": match_id}))
    if used is not None:
        return Stored(refused=Refusal(Why.REPLAY_USED_ELSEWHERE))
    made = session.execute(
        text("SELECT count(*) FROM replay_uploads WHERE match_id = :m AND player_id = :p"),
        {"m": match_id, "p": player_id},
    ).scalar_one()
    if made >= MOST_UPLOADS_PER_MATCH:
        return Stored(refused=Refusal(Why.REPLAY_TOO_MANY, {"most": MOST_UPLOADS_PER_MATCH}))
    session.execute(
        text(
            "INSERT INTO replay_files (sha256, data, size) VALUES (:h, :d, :n)"
            " ON CONFLICT (sha256) DO UPDATE SET data = EXCLUDED.data, forgotten_at = NULL"
        ),
        {"h": digest, "d": data, "n": len(data)},
    )
    upload_id = session.execute(
        text("INSERT INTO replay_uploads (match_id, player_id, sha256, filename) VALUES (:m, :p, :h, :f) RETURNING id"),
        {"m": match_id, "p": player_id, "h": digest, "f": filename[:200]},
    ).scalar_one()
    if ref is not None:
        session.execute(
            text(
                "UPDATE matches SET"
                " player1_message_ref = CASE WHEN player1_id = :p THEN CAST(:ref AS jsonb)"
                "   ELSE player1_message_ref END,"
                " player2_message_ref = CASE WHEN player2_id = :p THEN CAST(:ref AS jsonb)"
                "   ELSE player2_message_ref END"
                " WHERE id = :m"
            ),
            {"m": match_id, "p": player_id, "ref": json.dumps(ref)},
        )
    return Stored(upload_id=int(upload_id))


def count_attempt(session: Session, upload_id: int) -> int | None:
    """A reader takes the upload: how many have taken it, this one included; None when it is not pending."""
    return session.execute(
        text(
            "UPDATE replay_uploads SET attempts = attempts + 1 WHERE id = :u AND state = 'pending' RETURNING attempts"
        ),
        {"u": upload_id},
    ).scalar()


def upload_to_check(session: Session, upload_id: int) -> UploadToCheck | None:
    row = session.execute(
        text(
            "SELECT u.id, u.match_id, u.player_id, f.data, u.uploaded_at, u.state, m.state AS match_state, m.map,"
            " m.created_at, m.player1_race, m.player2_race, m.player1_id, m.player2_id"
            " FROM replay_uploads u JOIN replay_files f ON f.sha256 = u.sha256 JOIN matches m ON m.id = u.match_id"
            " WHERE u.id = :u"
        ),
        {"u": upload_id},
    ).one_or_none()
    if row is None:
        return None
    return UploadToCheck(row.id, row.match_id, row.player_id, bytes(row.data or b""), row.uploaded_at, row.state,
                         row.match_state, row.map, row.created_at, (row.player1_race, row.player2_race),
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


def in_game_names(session: Session, player_id: int) -> list[str]:
    """The names the player set for the game: their in-game name, the name of their BattleTag and their other
    names (none when they set none)."""
    row = session.execute(
        text("SELECT in_game_name, split_part(battletag, '#', 1), alt_names FROM players WHERE id = :p"),
        {"p": player_id},
    ).one_or_none()
    if row is None:
        return []
    return [name for name in (row[0], row[1], *(row[2] or [])) if name]


def record_check(
    session: Session,
    upload_id: int,
    *,
    verified: bool,
    result: str | None,
    problems: list[dict[str, Any]],
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


def take_lost_uploads(session: Session, older_than_s: float, limit: int = 500) -> list[int]:
    """Uploads still pending whose hand-over to a reader is older than `older_than_s` (the bot died before it
    sent it, the broker lost it, or the reader was down): marked as handed over now, for the caller to send."""
    return list(
        session.execute(
            text(
                "UPDATE replay_uploads SET queued_at = now() WHERE id IN (SELECT id FROM replay_uploads"
                " WHERE state = 'pending' AND queued_at < now() - make_interval(secs => :s)"
                " ORDER BY queued_at LIMIT :n FOR UPDATE SKIP LOCKED) RETURNING id"
            ),
            {"s": older_than_s, "n": limit},
        ).scalars()
    )


def forget_old_files(session: Session, keep_days: float) -> int:
    """Lets go of the bytes of replays uploaded more than `keep_days` ago whose uploads were all checked (what
    was read in them stays on the uploads for ever). Returns how many files were let go."""
    return len(
        session.execute(
            text(
                "UPDATE replay_files f SET data = NULL, forgotten_at = now()"
                " WHERE f.data IS NOT NULL AND f.stored_at < now() - make_interval(secs => :s)"
                " AND NOT EXISTS (SELECT 1 FROM replay_uploads u WHERE u.sha256 = f.sha256"
                "   AND (u.state = 'pending' OR u.uploaded_at >= now() - make_interval(secs => :s)))"
                " RETURNING f.sha256"
            ),
            {"s": keep_days * 86400},
        ).all()
    )


@dataclass(frozen=True)
class UploadShown:
    """An upload as the admins see it."""

    upload_id: int
    player_id: int
    filename: str
    size: int
    uploaded_at: datetime
    state: str
    result: str | None
    problems: list[dict[str, Any]]
    summary: dict[str, Any] | None
    kept: bool  # whether its bytes are still stored


def uploads_of(session: Session, match_id: int) -> list[UploadShown]:
    rows = session.execute(
        text(
            "SELECT u.id, u.player_id, u.filename, f.size, u.uploaded_at, u.state, u.result, u.problems, u.summary,"
            " f.data IS NOT NULL AS kept FROM replay_uploads u JOIN replay_files f ON f.sha256 = u.sha256"
            " WHERE u.match_id = :m ORDER BY u.id"
        ),
        {"m": match_id},
    ).all()
    return [UploadShown(r.id, r.player_id, r.filename, r.size, r.uploaded_at, r.state, r.result, r.problems or [],
                        r.summary, r.kept) for r in rows]  # fmt: skip


def file_of(session: Session, upload_id: int) -> tuple[str, bytes] | None:
    """An upload's file name and bytes, while they are kept."""
    row = session.execute(
        text(
            "SELECT u.filename, f.data FROM replay_uploads u JOIN replay_files f ON f.sha256 = u.sha256"
            " WHERE u.id = :u AND f.data IS NOT NULL"
        ),
        {"u": upload_id},
    ).one_or_none()
    return (row.filename, bytes(row.data)) if row is not None else None
