"""The deadlines of matches, swept by a worker every few seconds: the reminder to confirm, the confirmation
that ran out, and the report window that closed. Each match is moved by a conditional UPDATE on rows locked
with SKIP LOCKED, so two sweeps (or a sweep and a press) never move one match twice."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.events import MATCH_ABORTED, MATCH_DISPUTED, MATCH_REMINDER, Event
from db.ladder import Ladder
from db.match_payloads import write_match_event
from db.match_results import RatingRule, complete, result_of_report
from db.matches import give_cooldown


@dataclass
class Swept:
    reminded: int = 0
    timed_out: int = 0
    settled: int = 0
    disputed: int = 0
    events: list[Event] = field(default_factory=list)


def sweep_deadlines(session: Session, ladder: Ladder, rule: RatingRule, limit: int = 500) -> Swept:
    swept = Swept()
    _remind(session, ladder, swept, limit)
    _time_out(session, ladder, swept, limit)
    _close_reports(session, ladder, rule, swept, limit)
    return swept


def _remind(session: Session, ladder: Ladder, swept: Swept, limit: int) -> None:
    rows = session.execute(
        text(
            "UPDATE matches SET reminded_at = now() WHERE id IN (SELECT id FROM matches"
            " WHERE state = 'awaiting_confirmation' AND reminded_at IS NULL"
            " AND confirm_by - make_interval(secs => :third) <= now() AND confirm_by > now()"
            " ORDER BY confirm_by LIMIT :limit FOR UPDATE SKIP LOCKED)"
            " RETURNING id, player1_id, player2_id, player1_confirmed_at, player2_confirmed_at"
        ),
        {"third": ladder.match.confirm_window_s / 3, "limit": limit},
    ).all()
    for r in rows:
        waiting_on = [p for p, at in ((r.player1_id, r.player1_confirmed_at), (r.player2_id, r.player2_confirmed_at))
                      if at is None]  # fmt: skip
        if waiting_on:
            swept.events.append(write_match_event(session, MATCH_REMINDER, r.id, ladder, players=waiting_on))
            swept.reminded += 1


def _time_out(session: Session, ladder: Ladder, swept: Swept, limit: int) -> None:
    """Confirmation ran out: the match is off, whoever did not confirm gets the no-show cooldown, and whoever
    did is offered to go back into the queue with the waves they had waited."""
    rows = session.execute(
        text(
            "UPDATE matches SET state = 'aborted', end_reason = 'timeout', ended_at = now(), updated_at = now()"
            " WHERE id IN (SELECT id FROM matches WHERE state = 'awaiting_confirmation' AND confirm_by <= now()"
            " ORDER BY confirm_by LIMIT :limit FOR UPDATE SKIP LOCKED)"
            " RETURNING id, player1_id, player2_id, player1_confirmed_at, player2_confirmed_at"
        ),
        {"limit": limit},
    ).all()
    for r in rows:
        sides = ((r.player1_id, r.player1_confirmed_at), (r.player2_id, r.player2_confirmed_at))
        give_cooldown(session, [p for p, at in sides if at is None], ladder.match.no_show_cooldown_s)
        requeue = [p for p, at in sides if at is not None]
        swept.events.append(write_match_event(session, MATCH_ABORTED, r.id, ladder, requeue=requeue))
        swept.timed_out += 1


def _close_reports(session: Session, ladder: Ladder, rule: RatingRule, swept: Swept, limit: int) -> None:
    """The report window closed: a single report stands (or goes to the admins, as the ladder file says);
    no report at all goes to the admins."""
    rows = session.execute(
        text(
            "SELECT id, player1_report, player2_report FROM matches WHERE state = 'confirmed' AND report_by <= now()"
            " ORDER BY report_by LIMIT :limit FOR UPDATE SKIP LOCKED"
        ),
        {"limit": limit},
    ).all()
    for r in rows:
        reports = [(slot, rep) for slot, rep in ((1, r.player1_report), (2, r.player2_report)) if rep is not None]
        if len(reports) == 1 and ladder.match.single_report == "stands":
            event = complete(session, r.id, result_of_report(*reports[0]), ("confirmed",), ladder, rule)
            if event is not None:
                swept.events.append(event)
                swept.settled += 1
            continue
        reason = "one_report" if reports else "no_report"
        session.execute(
            text(
                "UPDATE matches SET state = 'disputed', end_reason = :reason, updated_at = now()"
                " WHERE id = :m AND state = 'confirmed'"
            ),
            {"m": r.id, "reason": reason},
        )
        swept.events.append(write_match_event(session, MATCH_DISPUTED, r.id, ladder))
        swept.disputed += 1
