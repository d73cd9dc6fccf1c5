"""The stored ratings against the match history, in production: what each (player, race) rating and its counters
should be, from the completed matches and the admins' rating changes.

A rating is its last admin setting (or the ladder's start rating) plus the changes the completed matches after it
recorded; its games, wins, losses and draws are the completed matches' count. The changes are the ones each match
stored when it completed, so a ladder that changed its K factor mid-season is not called inconsistent; what this
finds is a change applied twice or lost, a counter that drifted, or a rating written by hand outside /admin."""

from __future__ import annotations

from dataclasses import astuple, dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.payloads import DriftedRating

# Ratings are floats summed in another order: a difference below this is rounding, not drift.
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Standing:
    rating: float
    games: int
    wins: int
    losses: int
    draws: int


@dataclass(frozen=True)
class Drift:
    player_id: int
    race: str
    stored: Standing
    expected: Standing

    def as_payload(self) -> DriftedRating:
        """As the `ratings_drift` event carries it."""
        return {"player_id": self.player_id, "race": self.race, "stored": list(astuple(self.stored)),
                "expected": list(astuple(self.expected))}  # fmt: skip


_DRIFT = text(
    """
    WITH sides AS (
        SELECT player1_id AS player_id, player1_race AS race, player1_rating_change AS change, ended_at,
               CASE result WHEN 'player1' THEN 'win' WHEN 'player2' THEN 'loss' ELSE 'draw' END AS outcome
          FROM matches WHERE state = 'completed'
        UNION ALL
        SELECT player2_id, player2_race, player2_rating_change, ended_at,
               CASE result WHEN 'player2' THEN 'win' WHEN 'player1' THEN 'loss' ELSE 'draw' END
          FROM matches WHERE state = 'completed'
    ), last_set AS (
        SELECT DISTINCT ON (player_id, details->>'race') player_id, details->>'race' AS race,
               (details->>'new')::float8 AS rating, at
          FROM audit_log WHERE action = 'rating_set' ORDER BY player_id, details->>'race', id DESC
    ), played AS (
        SELECT s.player_id, s.race, count(*) AS games,
               count(*) FILTER (WHERE s.outcome = 'win') AS wins,
               count(*) FILTER (WHERE s.outcome = 'loss') AS losses,
               count(*) FILTER (WHERE s.outcome = 'draw') AS draws,
               COALESCE(sum(s.change) FILTER (WHERE ls.at IS NULL OR s.ended_at > ls.at), 0) AS moved
          FROM sides s LEFT JOIN last_set ls ON ls.player_id = s.player_id AND ls.race = s.race
         GROUP BY s.player_id, s.race
    ), expected AS (
        SELECT COALESCE(p.player_id, ls.player_id) AS player_id, COALESCE(p.race, ls.race) AS race,
               COALESCE(ls.rating, :start) + COALESCE(p.moved, 0) AS rating, COALESCE(p.games, 0) AS games,
               COALESCE(p.wins, 0) AS wins, COALESCE(p.losses, 0) AS losses, COALESCE(p.draws, 0) AS draws
          FROM played p FULL JOIN last_set ls ON ls.player_id = p.player_id AND ls.race = p.race
    )
    SELECT COALESCE(r.player_id, e.player_id) AS player_id, COALESCE(r.race, e.race) AS race,
           r.rating, r.games, r.wins, r.losses, r.draws,
           e.rating AS e_rating, e.games AS e_games, e.wins AS e_wins, e.losses AS e_losses, e.draws AS e_draws
      FROM (SELECT * FROM ratings WHERE games > 0) r
      FULL JOIN expected e ON e.player_id = r.player_id AND e.race = r.race
     WHERE r.player_id IS NULL OR e.player_id IS NULL
        OR (r.games, r.wins, r.losses, r.draws) IS DISTINCT FROM (e.games, e.wins, e.losses, e.draws)
        OR abs(r.rating - e.rating) > :tolerance
     ORDER BY 1, 2
    """
)

# The rating of a (player, race) with no ratings row yet, or one whose games are still 0, as stored.
_STORED = text("SELECT rating, games, wins, losses, draws FROM ratings WHERE player_id = :p AND race = :r")


def rating_drift(session: Session, start: float) -> list[Drift]:
    """Every (player, race) whose stored rating or counters differ from the history (empty: consistent).
    `start`: the ladder's start rating."""
    drifts = []
    for r in session.execute(_DRIFT, {"start": start, "tolerance": TOLERANCE}):
        if r.e_rating is None:  # games stored, none played: the history says a fresh start
            expected = Standing(start, 0, 0, 0, 0)
        else:
            expected = Standing(r.e_rating, r.e_games, r.e_wins, r.e_losses, r.e_draws)
        if r.rating is None:  # played (or set by an admin), but stored with no games
            row = session.execute(_STORED, {"p": r.player_id, "r": r.race}).one_or_none()
            stored = Standing(*row) if row is not None else Standing(start, 0, 0, 0, 0)
            if stored.games == expected.games == 0 and abs(stored.rating - expected.rating) <= TOLERANCE:
                continue  # an admin's setting of a race not played since: as it should be
        else:
            stored = Standing(r.rating, r.games, r.wins, r.losses, r.draws)
        drifts.append(Drift(r.player_id, r.race, stored, expected))
    return drifts
