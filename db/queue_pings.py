"""/notify's calls to the queue: who is told that players are waiting, and when.

A join is not told at once: a player matched or gone within the ladder's `delay_s` calls nobody to an empty
queue. Whoever asked (/notify on), is neither waiting nor playing, and was not told within their own cooldown
is told how many have waited that long and for which races, never who they are; someone still waiting after
that cooldown calls them again."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.events import SOMEONE_WAITING, NewEvent
from db.outbox import insert_events
from db.states import PLAYING_MATCH_STATES


@dataclass(frozen=True)
class Ping:
    event_id: int
    told: int
    waiting: int


def ping_for_waiting(session: Session, delay_s: float, cooldown_s: float, limit: int) -> Ping | None:
    """Writes one `someone_waiting` event (in the caller's transaction) to the players due to be told, if anyone
    has waited `delay_s`; `cooldown_s` is the ladder's, for players who chose none."""
    waiting, races = session.execute(
        text(
            "SELECT count(*), array(SELECT DISTINCT unnest(races) FROM queue_entries"
            "  WHERE state = 'waiting' AND joined_at <= now() - make_interval(secs => :delay) ORDER BY 1)"
            " FROM queue_entries WHERE state = 'waiting' AND joined_at <= now() - make_interval(secs => :delay)"
        ),
        {"delay": delay_s},
    ).one()
    if not waiting or limit <= 0:
        return None
    told = session.execute(
        text(
            "UPDATE players SET notified_at = now() WHERE id IN ("
            " SELECT p.id FROM players p WHERE p.notify_on_join AND NOT p.banned"
            " AND (p.cooldown_until IS NULL OR p.cooldown_until <= now())"
            " AND (p.notified_at IS NULL"
            "  OR p.notified_at < now() - make_interval(secs => COALESCE(p.notify_cooldown_s, :cooldown)))"
            " AND NOT EXISTS (SELECT 1 FROM queue_entries e WHERE e.player_id = p.id AND e.state = 'waiting')"
            " AND NOT EXISTS (SELECT 1 FROM matches m WHERE (m.player1_id = p.id OR m.player2_id = p.id)"
            "   AND m.state = ANY(:states))"
            " ORDER BY p.notified_at NULLS FIRST LIMIT :n FOR UPDATE SKIP LOCKED)"
            " RETURNING id, COALESCE(language, locale) AS language"
        ),
        {"cooldown": cooldown_s, "states": list(PLAYING_MATCH_STATES), "n": limit},
    ).all()
    if not told:
        return None
    # Each recipient reads it in their own language: the one they chose, else their client's.
    languages = {str(row.id): row.language for row in told if row.language}
    payload = {"waiting": int(waiting), "races": list(races), "languages": languages}
    [event] = insert_events(session, [NewEvent(SOMEONE_WAITING, tuple(row.id for row in told), payload)])
    return Ping(event.id, len(told), int(waiting))
