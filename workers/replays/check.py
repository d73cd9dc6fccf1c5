"""Checking an upload, as the `ladder.check_replay` task runs it: read the file (outside any transaction: it is
the slow part), judge it against its match, record what was found, and let a verified replay settle a match
still being played, through the same conditional update as two agreeing reports, so the rating moves once."""

from __future__ import annotations

from typing import Any

import redis
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from db.ladder import Ladder
from db.match_results import complete, result_of_report
from db.outbox import publish
from db.rating import Elo
from db.replays import known_handles, record_check, upload_to_check
from workers.replays.facts import ReplayFacts, read_replay
from workers.replays.verdict import MatchFacts, MatchSide, Verdict, judge


def check_upload(
    sessions: sessionmaker[Session], client: redis.Redis, stream: str, ladder: Ladder, upload_id: int
) -> str:
    """What became of the upload: verified, settled (verified, and it completed the match), failed, or why it
    was not checked (missing, already checked)."""
    with sessions() as session:
        upload = upload_to_check(session, upload_id)
    if upload is None:
        return "missing"
    if upload.state != "pending":
        return f"already {upload.state}"
    facts = read_replay(upload.data)
    with sessions.begin() as session:
        p1, p2 = upload.player_ids
        sides = (
            MatchSide(upload.races[0], known_handles(session, p1)),
            MatchSide(upload.races[1], known_handles(session, p2)),
        )
        verdict = judge(facts, MatchFacts(upload.map, upload.found_at, sides), ladder, upload.uploaded_at)
        recorded = record_check(
            session,
            upload_id,
            verified=verdict.verified,
            result=verdict.result,
            problems=[{"code": p.code, "message": p.message} for p in verdict.problems],
            summary=summary(facts),
            handles=verdict.handles,
        )
        if not recorded:
            return "already checked"
        event = _settle(session, upload.match_id, verdict, ladder) if verdict.verified else None
    if event is not None:
        publish(sessions, client, stream, [event])
        return "settled"
    return "verified" if verdict.verified else "failed"


def _settle(session: Session, match_id: int, verdict: Verdict, ladder: Ladder) -> int | None:
    """Completes a match still being played with the replay's result, unless a report already says otherwise
    (the admins weigh that one); the event's id, or None when nothing moved."""
    assert verdict.result is not None
    reports = session.execute(
        text("SELECT player1_report, player2_report FROM matches WHERE id = :m AND state = 'confirmed' FOR UPDATE"),
        {"m": match_id},
    ).one_or_none()
    if reports is None:
        return None
    for slot, report in ((1, reports.player1_report), (2, reports.player2_report)):
        if report is not None and result_of_report(slot, report) != verdict.result:
            return None
    event = complete(session, match_id, verdict.result, ("confirmed",), ladder, Elo.of(ladder))
    return event.id if event is not None else None


def summary(facts: ReplayFacts) -> dict[str, Any]:
    """What the players will be shown of the replay."""
    return {
        "map": facts.map,
        "game_length_s": facts.game_length_s,
        "ended_at": facts.ended_at.isoformat() if facts.ended_at else None,
        "players": [{"name": p.name, "race": p.race, "result": p.result} for p in facts.players if p.human],
        "observers": facts.observers,
    }
