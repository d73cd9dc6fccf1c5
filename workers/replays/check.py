"""Checking an upload, as the `ladder.check_replay` task runs it: read the file (outside any transaction: it is
the slow part), judge it against its match, record what was found, and tell both players through the outbox.

A verified replay settles a match still being played through the same conditional update as two agreeing
reports, so the rating moves once; one that contradicts a report makes the match disputed, with the replay as
the admins' evidence. Every other outcome is a `replay_checked` event: the players see the replay's summary
and each check's verdict in their match message.
"""

from __future__ import annotations

from typing import Any

import redis
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from db.events import MATCH_DISPUTED, REPLAY_CHECKED, Event
from db.ladder import Ladder
from db.match_payloads import write_match_event
from db.match_results import complete, result_of_report
from db.outbox import publish
from db.payloads import ReplayPayload
from db.rating import Elo
from db.replays import UploadToCheck, count_attempt, in_game_names, known_handles, record_check, upload_to_check
from workers.replays.checks import Problem, race_code
from workers.replays.facts import ReplayFacts, read_replay
from workers.replays.verdict import MatchFacts, MatchSide, Verdict, game_name, judge

# A file that ended the reading child process (the hard time limit, the memory bound) this many times is
# failed rather than read again: it would end the next one too.
MOST_ATTEMPTS = 3


def check_upload(
    sessions: sessionmaker[Session], client: redis.Redis, stream: str, ladder: Ladder, upload_id: int
) -> str:
    """What became of the upload: settled (verified, and it completed the match), disputed (verified, against
    a report), verified, failed, or why it was not checked (missing, already checked)."""
    with sessions.begin() as session:
        attempt = count_attempt(session, upload_id)
    if attempt is None:
        with sessions() as session:
            upload = upload_to_check(session, upload_id)
        return "missing" if upload is None else f"already {upload.state}"
    with sessions() as session:
        upload = upload_to_check(session, upload_id)
    if upload is None:
        return "missing"
    if attempt > MOST_ATTEMPTS:
        facts = ReplayFacts(readable=False)
        verdict = Verdict([Problem("reader_crashed", "reading the file ended the reader's process, every time")], None)
    else:
        facts = read_replay(upload.data)
        with sessions() as session:
            verdict = _judge(session, upload, facts, ladder)
    with sessions.begin() as session:
        recorded = record_check(
            session,
            upload_id,
            verified=verdict.verified,
            result=verdict.result,
            problems=[{"code": p.code, "message": p.message, "params": p.params} for p in verdict.problems],
            summary=summary(facts),
            handles=verdict.handles,
        )
        if not recorded:
            return "already checked"
        outcome, event = _tell(session, upload, replay_payload(upload, facts, verdict, ladder), verdict, ladder)
    publish(sessions, client, stream, [event.id])
    return outcome


def _judge(session: Session, upload: UploadToCheck, facts: ReplayFacts, ladder: Ladder) -> Verdict:
    p1, p2 = upload.player_ids
    sides = (
        _side(session, upload.races[0], p1),
        _side(session, upload.races[1], p2),
    )
    return judge(facts, MatchFacts(upload.map, upload.found_at, sides), ladder, upload.uploaded_at)


def _side(session: Session, race: str, player_id: int) -> MatchSide:
    names = in_game_names(session, player_id)
    return MatchSide(race, known_handles(session, player_id), frozenset(map(game_name, names)), tuple(names))


def _tell(
    session: Session, upload: UploadToCheck, replay: ReplayPayload, verdict: Verdict, ladder: Ladder
) -> tuple[str, Event]:
    """The event that tells both players (and, for a dispute, the admins) what the replay did."""
    if verdict.verified:
        assert verdict.result is not None
        reports = session.execute(
            text("SELECT player1_report, player2_report FROM matches WHERE id = :m AND state = 'confirmed' FOR UPDATE"),
            {"m": upload.match_id},
        ).one_or_none()
        if reports is not None:
            against = [
                slot
                for slot, report in ((1, reports.player1_report), (2, reports.player2_report))
                if report is not None and result_of_report(slot, report) != verdict.result
            ]
            if not against:
                event = complete(session, upload.match_id, verdict.result, ("confirmed",), ladder, Elo.of(ladder),
                                 replay=replay)  # fmt: skip
                assert event is not None, "this transaction holds the match row, still confirmed"
                return "settled", event
            session.execute(
                text(
                    "UPDATE matches SET state = 'disputed', end_reason = 'replay_differs', updated_at = now()"
                    " WHERE id = :m AND state = 'confirmed'"
                ),
                {"m": upload.match_id},
            )
            return "disputed", write_match_event(session, MATCH_DISPUTED, upload.match_id, ladder, replay=replay)
    outcome = "verified" if verdict.verified else "failed"
    return outcome, write_match_event(session, REPLAY_CHECKED, upload.match_id, ladder, replay=replay)


def replay_payload(upload: UploadToCheck, facts: ReplayFacts, verdict: Verdict, ladder: Ladder) -> ReplayPayload:
    """What the players are shown of the replay: its game, who won, and each problem as a code the bot words."""
    winner = {"player1": upload.player_ids[0], "player2": upload.player_ids[1]}.get(verdict.result or "")
    return {
        "upload_id": upload.upload_id,
        "uploaded_by": upload.player_id,
        "state": "verified" if verdict.verified else "failed",
        "problems": [{"code": p.code, "params": p.params} for p in verdict.problems],
        "map": facts.map,
        "game_length_s": facts.game_length_s,
        "players": [
            {"name": p.name[:40], "race": p.race[:40], "race_code": race_code(ladder, p.race), "result": p.result}
            for p in facts.humans[:8]
        ],
        "winner": winner,
        "draw": verdict.result == "draw",
    }


def summary(facts: ReplayFacts) -> dict[str, Any]:
    """What the upload keeps of the replay for ever, once its file is gone."""
    return {
        "map": facts.map,
        "game_length_s": facts.game_length_s,
        "ended_at": facts.ended_at.isoformat() if facts.ended_at else None,
        "players": [{"name": p.name, "race": p.race, "result": p.result} for p in facts.players if p.human],
        "observers": facts.observers,
    }
