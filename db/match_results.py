"""Completing a match: the result, and the rating of the race each player played, moved once.

The state move is a conditional UPDATE (`WHERE state = ANY(:from)`): of two callers racing to complete the
same match (two admins, a report and the deadline sweep) one moves it and applies the rating, in the same
transaction; the other finds nothing to move.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.events import MATCH_COMPLETED, Event
from db.ladder import Ladder
from db.match_payloads import write_match_event

# How a player's own report reads as the match's result, for each of the two slots.
_RESULT_OF_REPORT = {
    (1, "win"): "player1",
    (1, "loss"): "player2",
    (2, "win"): "player2",
    (2, "loss"): "player1",
    (1, "draw"): "draw",
    (2, "draw"): "draw",
}


class RatingRule(Protocol):
    def changes(self, rating1: float, rating2: float, result: str) -> tuple[float, float]: ...


def result_of_report(slot: int, report: str) -> str:
    return _RESULT_OF_REPORT[(slot, report)]


def agreed_result(report1: str, report2: str) -> str | None:
    """The result both reports name, or None when they disagree."""
    first, second = result_of_report(1, report1), result_of_report(2, report2)
    return first if first == second else None


def complete(
    session: Session,
    match_id: int,
    result: str,
    from_states: tuple[str, ...],
    ladder: Ladder,
    rule: RatingRule,
    *,
    resolved_by: int | None = None,
    **extra: Any,
) -> Event | None:
    """Completes the match with `result` if it is still in one of `from_states`; returns its event (carrying
    `extra` beside the match), or None when another caller moved it first (and nothing was written)."""
    moved = session.execute(
        text(
            "UPDATE matches SET state = 'completed', result = :result, resolved_by = :by, ended_at = now(),"
            " updated_at = now() WHERE id = :m AND state = ANY(:from)"
            " RETURNING player1_id, player2_id, player1_race, player2_race"
        ),
        {"m": match_id, "result": result, "by": resolved_by, "from": list(from_states)},
    ).one_or_none()
    if moved is None:
        return None
    start = ladder.rating.start
    keys = [(moved.player1_id, moved.player1_race), (moved.player2_id, moved.player2_race)]
    # One rating write at a time per player: the trigger that keeps each player's better races (migration 0009)
    # then reads the other's committed ratings, and an admin's change of another race waits its turn.
    session.execute(
        text("SELECT 1 FROM players WHERE id IN (:p1, :p2) ORDER BY id FOR NO KEY UPDATE"),
        {"p1": keys[0][0], "p2": keys[1][0]},
    )
    session.execute(
        text(
            "INSERT INTO ratings (player_id, race, rating) VALUES (:p1, :r1, :start), (:p2, :r2, :start)"
            " ON CONFLICT DO NOTHING"
        ),
        {"p1": keys[0][0], "r1": keys[0][1], "p2": keys[1][0], "r2": keys[1][1], "start": start},
    )
    rows = session.execute(
        text(
            "SELECT player_id, race, rating FROM ratings WHERE (player_id, race) IN ((:p1, :r1), (:p2, :r2))"
            " ORDER BY player_id, race FOR UPDATE"
        ),
        {"p1": keys[0][0], "r1": keys[0][1], "p2": keys[1][0], "r2": keys[1][1]},
    ).all()
    current = {(r.player_id, r.race): r.rating for r in rows}
    changes = rule.changes(current[keys[0]], current[keys[1]], result)
    outcomes = {"player1": ("win", "loss"), "player2": ("loss", "win"), "draw": ("draw", "draw")}[result]
    new_ratings = {}
    for (player_id, race), change, outcome in zip(keys, changes, outcomes, strict=True):
        new_ratings[player_id] = session.execute(
            text(
                "UPDATE ratings SET rating = rating + :change, games = games + 1,"
                " wins = wins + CAST(:outcome = 'win' AS int), losses = losses + CAST(:outcome = 'loss' AS int),"
                " draws = draws + CAST(:outcome = 'draw' AS int), last_played_at = now(), updated_at = now()"
                " WHERE player_id = :p AND race = :race RETURNING rating"
            ),
            {"change": change, "outcome": outcome, "p": player_id, "race": race},
        ).scalar_one()
    session.execute(
        # Ended once the ratings are locked (not when the transaction began): an admin's setting of one of these
        # ratings is then either before this change or after it, as db/reconcile.py orders them. The ratings the
        # change was computed from are kept with it (a match found earlier may have been found at others): settling
        # the match again recomputes from them (db/resettle.py).
        text(
            "UPDATE matches SET player1_rating_change = :c1, player2_rating_change = :c2, player1_rating = :r1,"
            " player2_rating = :r2, ended_at = clock_timestamp() WHERE id = :m"
        ),
        {"m": match_id, "c1": changes[0], "c2": changes[1], "r1": current[keys[0]], "r2": current[keys[1]]},
    )
    return write_match_event(
        session,
        MATCH_COMPLETED,
        match_id,
        ladder,
        new_ratings={str(p): round(r) for p, r in new_ratings.items()},
        **extra,
    )
