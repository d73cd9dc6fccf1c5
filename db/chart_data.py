"""What the charts show, read from the match history and the queue: a player's rating after each completed match
(per race), and the ladder's queue joins and matches per hour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

# The periods /activity shows, in hours.
PERIOD_HOURS = {"day": 24, "week": 24 * 7, "month": 24 * 30}


@dataclass(frozen=True)
class RatingPoint:
    at: datetime
    rating: float


@dataclass(frozen=True)
class HourCount:
    hour: datetime
    joins: int
    matches: int


def rating_history(session: Session, player_id: int) -> dict[str, list[RatingPoint]]:
    """Per race, the player's rating before their first completed match and after each one, oldest first. An
    admin's change between two matches shows as the step from one match's rating after to the next's before."""
    rows = session.execute(
        text(
            "SELECT race, ended_at, before, change FROM ("
            " SELECT player1_race AS race, ended_at, id, player1_rating AS before,"
            "  player1_rating_change AS change FROM matches WHERE player1_id = :p AND state = 'completed'"
            " UNION ALL"
            " SELECT player2_race, ended_at, id, player2_rating, player2_rating_change FROM matches"
            "  WHERE player2_id = :p AND state = 'completed') AS mine"
            " ORDER BY ended_at, id"
        ),
        {"p": player_id},
    ).all()
    history: dict[str, list[RatingPoint]] = {}
    for r in rows:
        points = history.setdefault(r.race, [])
        if not points or abs(points[-1].rating - r.before) > 1e-9:
            points.append(RatingPoint(r.ended_at, r.before))
        points.append(RatingPoint(r.ended_at, r.before + (r.change or 0.0)))
    return history


def activity(session: Session, hours: int, until: datetime | None = None) -> list[HourCount]:
    """Queue joins and matches found in each of the last `hours` hours up to `until` (now), the hour under way the
    last, oldest first; an hour with neither is there with zeros."""
    rows = session.execute(
        text(
            "WITH span AS (SELECT date_trunc('hour', COALESCE(CAST(:until AS timestamptz), now())) AS last),"
            " hours AS (SELECT generate_series(last - make_interval(hours => :hours - 1), last, interval '1 hour')"
            "  AS hour FROM span),"
            " joins AS (SELECT date_trunc('hour', joined_at) AS hour, count(*) AS n FROM queue_entries, span"
            "  WHERE joined_at >= last - make_interval(hours => :hours - 1) GROUP BY 1),"
            " found AS (SELECT date_trunc('hour', created_at) AS hour, count(*) AS n FROM matches, span"
            "  WHERE created_at >= last - make_interval(hours => :hours - 1) GROUP BY 1)"
            " SELECT h.hour, COALESCE(j.n, 0) AS joins, COALESCE(f.n, 0) AS matches FROM hours h"
            " LEFT JOIN joins j ON j.hour = h.hour LEFT JOIN found f ON f.hour = h.hour ORDER BY h.hour"
        ),
        {"hours": hours, "until": until},
    ).all()
    return [HourCount(r.hour, int(r.joins), int(r.matches)) for r in rows]
