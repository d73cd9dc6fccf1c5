"""A player's moves on their match: confirm, abort, report, and back to the queue after an abort.

Each move is one conditional UPDATE of the match row, so two presses that race cannot both win; the events it
causes are written to the outbox in the same transaction. These are plain functions on a sync Session: the
workers call them directly, the bot through `AsyncSession.run_sync`, so its event loop never blocks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.events import MATCH_ABORTED, MATCH_CONFIRMED, MATCH_DISPUTED, MATCH_REPORTED, Event
from db.ladder import Ladder
from db.match_payloads import load_match, match_payload, write_match_event
from db.match_results import RatingRule, agreed_result, complete
from db.models import REPORTS
from db.payloads import MatchPayload
from db.refusals import Refusal, Why
from db.states import PLAYING_MATCH_STATES


@dataclass(frozen=True)
class Move:
    """What a press did: the events it wrote (none when it changed nothing, and then why), and the match as
    it stands after it, for the presser's own view."""

    refused: Refusal | None = None
    events: tuple[Event, ...] = ()
    match: MatchPayload | None = None

    @property
    def changed(self) -> bool:
        return self.refused is None

    def event_for(self, player_id: int) -> Event | None:
        """The last event this move wrote that concerns the player: what their own view should now show."""
        return next((e for e in reversed(self.events) if player_id in e.player_ids), None)


def confirm(session: Session, match_id: int, player_id: int, ladder: Ladder, ref: dict[str, Any] | None) -> Move:
    """The player confirms; the second confirmation moves the match to `confirmed` and tells both."""
    both = session.execute(
        text(
            "UPDATE matches SET"
            " player1_confirmed_at = CASE WHEN player1_id = :p THEN now() ELSE player1_confirmed_at END,"
            " player2_confirmed_at = CASE WHEN player2_id = :p THEN now() ELSE player2_confirmed_at END,"
            " player1_message_ref = CASE WHEN player1_id = :p THEN CAST(:ref AS jsonb) ELSE player1_message_ref END,"
            " player2_message_ref = CASE WHEN player2_id = :p THEN CAST(:ref AS jsonb) ELSE player2_message_ref END,"
            " state = CASE WHEN (player1_id = :p AND player2_confirmed_at IS NOT NULL)"
            "   OR (player2_id = :p AND player1_confirmed_at IS NOT NULL) THEN 'confirmed' ELSE state END,"
            " confirmed_at = CASE WHEN (player1_id = :p AND player2_confirmed_at IS NOT NULL)"
            "   OR (player2_id = :p AND player1_confirmed_at IS NOT NULL) THEN now() END,"
            " report_by = CASE WHEN (player1_id = :p AND player2_confirmed_at IS NOT NULL)"
            "   OR (player2_id = :p AND player1_confirmed_at IS NOT NULL)"
            "   THEN now() + make_interval(secs => :window) END,"
            " updated_at = now()"
            " WHERE id = :m AND state = 'awaiting_confirmation' AND (confirm_by IS NULL OR confirm_by > now())"
            " AND ((player1_id = :p AND player1_confirmed_at IS NULL)"
            "   OR (player2_id = :p AND player2_confirmed_at IS NULL))"
            " RETURNING state"
        ),
        {"m": match_id, "p": player_id, "ref": _json(ref), "window": ladder.match.report_window_s},
    ).scalar()
    if both is None:
        return _refusal(session, match_id, player_id, ladder, "confirm")
    events = (write_match_event(session, MATCH_CONFIRMED, match_id, ladder),) if both == "confirmed" else ()
    return _moved(session, match_id, ladder, events)


def abort(session: Session, match_id: int, player_id: int, ladder: Ladder, ref: dict[str, Any] | None) -> Move:
    """The player calls the match off before it is confirmed; they get the ladder's abort cooldown, and their
    opponent is offered to go back into the queue with the waves they had waited."""
    moved = session.execute(
        text(
            "UPDATE matches SET state = 'aborted', end_reason = 'aborted', aborted_by = :p, ended_at = now(),"
            " updated_at = now(),"
            " player1_message_ref = CASE WHEN player1_id = :p THEN CAST(:ref AS jsonb) ELSE player1_message_ref END,"
            " player2_message_ref = CASE WHEN player2_id = :p THEN CAST(:ref AS jsonb) ELSE player2_message_ref END"
            " WHERE id = :m AND state = 'awaiting_confirmation' AND :p IN (player1_id, player2_id)"
            # Past the deadline the sweep decides (a no-show is not an abort).
            " AND (confirm_by IS NULL OR confirm_by > now())"
            " RETURNING player1_id, player2_id"
        ),
        {"m": match_id, "p": player_id, "ref": _json(ref)},
    ).one_or_none()
    if moved is None:
        return _refusal(session, match_id, player_id, ladder, "abort")
    give_cooldown(session, [player_id], ladder.match.abort_cooldown_s)
    opponent = moved.player2_id if moved.player1_id == player_id else moved.player1_id
    event = write_match_event(session, MATCH_ABORTED, match_id, ladder, requeue=[opponent])
    return _moved(session, match_id, ladder, (event,))


def report(
    session: Session,
    match_id: int,
    player_id: int,
    outcome: str,
    ladder: Ladder,
    rule: RatingRule,
    ref: dict[str, Any] | None,
) -> Move:
    """The player reports win, loss or draw. Two agreeing reports complete the match (the rating moves);
    two that disagree make it disputed, for the admins."""
    if outcome not in REPORTS:
        return Move(refused=Refusal(Why.UNKNOWN_RESULT))
    if ladder.replays.mode == "required":
        # Results come from verified replays alone; a verified one settles the match at once.
        refused = _refusal(session, match_id, player_id, ladder, "report")
        if refused.match is not None and refused.match.get("state") == "confirmed":
            return Move(refused=Refusal(Why.REPLAY_REQUIRED), match=refused.match)
        return refused
    reports = session.execute(
        text(
            "UPDATE matches SET"
            " player1_report = CASE WHEN player1_id = :p THEN :r ELSE player1_report END,"
            " player2_report = CASE WHEN player2_id = :p THEN :r ELSE player2_report END,"
            " player1_message_ref = CASE WHEN player1_id = :p THEN CAST(:ref AS jsonb) ELSE player1_message_ref END,"
            " player2_message_ref = CASE WHEN player2_id = :p THEN CAST(:ref AS jsonb) ELSE player2_message_ref END,"
            " updated_at = now()"
            " WHERE id = :m AND state = 'confirmed' AND (report_by IS NULL OR report_by > now())"
            " AND ((player1_id = :p AND player1_report IS NULL) OR (player2_id = :p AND player2_report IS NULL))"
            " RETURNING player1_report, player2_report"
        ),
        {"m": match_id, "p": player_id, "r": outcome, "ref": _json(ref)},
    ).one_or_none()
    if reports is None:
        return _refusal(session, match_id, player_id, ladder, "report")
    if reports.player1_report is None or reports.player2_report is None:
        # The reporter sees their report in their answer; the opponent is told as it happens.
        match = load_match(session, match_id)
        assert match is not None, "this transaction has just updated the match row"
        told = write_match_event(session, MATCH_REPORTED, match_id, ladder, [match.opponent_of(player_id)])
        return _moved(session, match_id, ladder, (told,))
    result = agreed_result(reports.player1_report, reports.player2_report)
    if result is not None:
        event = complete(session, match_id, result, ("confirmed",), ladder, rule)
        assert event is not None, "this transaction holds the match row, still confirmed"
        return _moved(session, match_id, ladder, (event,))
    session.execute(
        text(
            "UPDATE matches SET state = 'disputed', end_reason = 'reports_differ', updated_at = now()"
            " WHERE id = :m AND state = 'confirmed'"
        ),
        {"m": match_id},
    )
    return _moved(session, match_id, ladder, (write_match_event(session, MATCH_DISPUTED, match_id, ladder),))


@dataclass(frozen=True)
class Requeued:
    entry_id: int
    races: list[str]
    vetoes: list[str]
    joined_at: datetime


def requeue(session: Session, match_id: int, player_id: int, ref: dict[str, Any] | None) -> Requeued | Refusal:
    """Puts a player whose match the other side called off back into the queue, with the races, vetoes and
    waves waited of the entry that matched them. Returns the new entry, or why not."""
    match = load_match(session, match_id)
    slot = match.slot(player_id) if match is not None else None
    if match is None or slot is None:
        return Refusal(Why.NOT_YOUR_MATCH_TO_REQUEUE)
    offered = match.state == "aborted" and (
        (match.values["end_reason"] == "aborted" and match.values["aborted_by"] != player_id)
        or (match.values["end_reason"] == "timeout" and match.values[f"player{slot}_confirmed_at"] is not None)
    )
    if not offered:
        return Refusal(Why.NO_REQUEUE_OFFERED)
    banned = session.execute(text("SELECT banned FROM players WHERE id = :p FOR UPDATE"), {"p": player_id}).scalar()
    if banned:
        return Refusal(Why.BANNED)
    entry = session.execute(
        text(
            "SELECT e.id, e.races, e.vetoes, e.waves_waited FROM queue_entries e"
            " WHERE e.player_id = :p AND e.match_id = :m ORDER BY e.id DESC LIMIT 1"
        ),
        {"p": player_id, "m": match_id},
    ).one_or_none()
    if entry is None:
        return Refusal(Why.NOTHING_TO_REQUEUE)
    moved_on = session.execute(
        text(
            "SELECT EXISTS (SELECT 1 FROM queue_entries WHERE player_id = :p AND id > :e)"
            " OR EXISTS (SELECT 1 FROM matches WHERE (player1_id = :p OR player2_id = :p) AND state = ANY(:states))"
        ),
        {"p": player_id, "e": entry.id, "states": list(PLAYING_MATCH_STATES)},
    ).scalar_one()
    if moved_on:
        return Refusal(Why.QUEUED_SINCE)
    row = session.execute(
        text(
            "INSERT INTO queue_entries (player_id, races, vetoes, waves_waited, message_ref)"
            " VALUES (:p, :races, :vetoes, :waves, CAST(:ref AS jsonb)) RETURNING id, joined_at"
        ),
        {"p": player_id, "races": entry.races, "vetoes": entry.vetoes, "waves": entry.waves_waited, "ref": _json(ref)},
    ).one()
    return Requeued(int(row.id), list(entry.races), list(entry.vetoes), row.joined_at)


def give_cooldown(session: Session, player_ids: list[int], seconds: float) -> None:
    if not player_ids or seconds <= 0:
        return
    session.execute(
        text(
            "UPDATE players SET cooldown_until = GREATEST(COALESCE(cooldown_until, now()),"
            " now() + make_interval(secs => :s)) WHERE id = ANY(:ids)"
        ),
        {"ids": player_ids, "s": seconds},
    )


def _moved(session: Session, match_id: int, ladder: Ladder, events: tuple[Event, ...]) -> Move:
    match = load_match(session, match_id)
    assert match is not None
    return Move(events=events, match=match_payload(match, ladder))


def _refusal(session: Session, match_id: int, player_id: int, ladder: Ladder, verb: str) -> Move:
    """Why the press changed nothing, and the match as it stands."""
    match = load_match(session, match_id)
    if match is None:
        return Move(refused=Refusal(Why.MATCH_NOT_FOUND))
    slot = match.slot(player_id)
    if slot is None:
        return Move(refused=Refusal(Why.MATCH_NOT_YOURS))
    payload = match_payload(match, ladder)
    state = match.state
    if verb == "confirm" and state == "awaiting_confirmation":
        if match.values[f"player{slot}_confirmed_at"] is not None:
            return Move(refused=Refusal(Why.ALREADY_CONFIRMED), match=payload)
        return Move(refused=Refusal(Why.CONFIRM_TIME_OVER), match=payload)
    if verb == "report" and state == "confirmed":
        mine = match.values[f"player{slot}_report"]
        if mine is None:
            return Move(refused=Refusal(Why.REPORT_TIME_OVER), match=payload)
        return Move(refused=Refusal(Why.ALREADY_REPORTED, {"report": str(mine)}), match=payload)
    if verb == "abort" and state == "awaiting_confirmation":
        return Move(refused=Refusal(Why.CONFIRM_TIME_OVER), match=payload)
    return Move(refused=Refusal(Why.MATCH_MOVED_ON, {"state": state}), match=payload)


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value)
