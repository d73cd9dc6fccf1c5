"""An ended match settled again by an admin (completed with another result, invalidated, or a result given to an
aborted or invalidated match): its rating changes undone and the new ones applied exactly once, as if the match had
always ended so.

A rating change depends on both ratings before the match, so every later completed match of a player whose
rating moves is recomputed too, in the order they ended, and so on for their opponents: afterwards the ratings
are what replaying the whole history with the new result gives, and each match stores the changes it now made
(the daily check, db/reconcile.py, reads those). An admin's setting of a rating (`rating_set`) stands as set: a
change before it no longer moves that rating after it, as the check counts it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.match_results import RatingRule

ENDED_STATES = ("completed", "invalidated", "aborted")
_OUTCOMES = {"player1": ("win", "loss"), "player2": ("loss", "win"), "draw": ("draw", "draw")}

Key = tuple[int, str]  # (player, race)


@dataclass
class Resettled:
    """What settling the match again moved: each rating's old and new value, and the later matches recomputed."""

    moves: dict[Key, tuple[float, float]] = field(default_factory=dict)
    recomputed: int = 0


def resettle(session: Session, match_id: int, result: str | None, rule: RatingRule, actor_id: int) -> Resettled:
    """Settles the ended match `match_id` as `result` (player1, player2, draw; None: invalidated). The caller has
    locked the ratings table (no rating moves under the recomputation: completions wait), then the match row, and
    checked the match is ended and settled otherwise now."""
    m = session.execute(
        text(
            "SELECT id, state, result, ended_at, player1_id, player2_id, player1_race, player2_race,"
            " player1_rating, player2_rating, player1_rating_change, player2_rating_change FROM matches WHERE id = :m"
        ),
        {"m": match_id},
    ).one()
    keys = ((m.player1_id, m.player1_race), (m.player2_id, m.player2_race))
    old = (m.player1_rating_change or 0.0, m.player2_rating_change or 0.0) if m.state == "completed" else (0.0, 0.0)
    new = rule.changes(m.player1_rating, m.player2_rating, result) if result is not None else (0.0, 0.0)
    delta: dict[Key, float] = {}
    for key, before, after in zip(keys, old, new, strict=True):
        delta[key] = after - before
    if result is not None:  # a race never completed before has no row yet: it starts where the match found it
        for (player, race), rating in zip(keys, (m.player1_rating, m.player2_rating), strict=True):
            session.execute(
                text("INSERT INTO ratings (player_id, race, rating) VALUES (:p, :r, :v) ON CONFLICT DO NOTHING"),
                {"p": player, "r": race, "v": rating},
            )
    _count(session, keys, m.result if m.state == "completed" else None, -1, m.ended_at)
    _count(session, keys, result, +1, m.ended_at)
    session.execute(
        text(
            "UPDATE matches SET state = :state, result = :result, resolved_by = :by, updated_at = now(),"
            " player1_rating_change = :c1, player2_rating_change = :c2 WHERE id = :m"
        ),
        {"m": match_id, "state": "completed" if result is not None else "invalidated", "result": result,
         "by": actor_id, "c1": new[0] if result else None, "c2": new[1] if result else None},
    )  # fmt: skip
    done = Resettled()
    done.recomputed = _recompute_later(session, m.ended_at, m.id, delta, rule)
    current = _ratings(session, set(delta))
    for key, moved in delta.items():
        if abs(moved) < 1e-12 or key not in current:
            continue
        session.execute(
            text("UPDATE ratings SET rating = rating + :d, updated_at = now() WHERE player_id = :p AND race = :r"),
            {"d": moved, "p": key[0], "r": key[1]},
        )
        done.moves[key] = (current[key], current[key] + moved)
    return done


def _count(session: Session, keys: tuple[Key, Key], result: str | None, step: int, played_at: datetime) -> None:
    """Adds (+1) or takes back (-1) the match's game and outcome in both players' counters; a game added counts
    as played when the match ended (for a race with no later game, that is when it was last played)."""
    if result is None:
        return
    for (player, race), outcome in zip(keys, _OUTCOMES[result], strict=True):
        session.execute(
            text(
                "UPDATE ratings SET games = games + :s, wins = wins + :s * CAST(:o = 'win' AS int),"
                " losses = losses + :s * CAST(:o = 'loss' AS int), draws = draws + :s * CAST(:o = 'draw' AS int),"
                " last_played_at = CASE WHEN :s > 0 THEN GREATEST(last_played_at, :at) ELSE last_played_at END,"
                " updated_at = now() WHERE player_id = :p AND race = :r"
            ),
            {"s": step, "o": outcome, "p": player, "r": race, "at": played_at},
        )


def _recompute_later(session: Session, after: datetime, match_id: int, delta: dict[Key, float],
                     rule: RatingRule) -> int:  # fmt: skip
    """Every later completed match with a player whose rating moved: its changes computed again from the ratings
    before it as they now are; `delta` gathers how far each rating ends from where it was. Returns how many
    matches changed."""
    anchors = _admin_settings_after(session, after)
    later = session.execute(
        text(
            "SELECT id, ended_at, result, player1_id, player2_id, player1_race, player2_race, player1_rating,"
            " player2_rating, player1_rating_change, player2_rating_change FROM matches"
            " WHERE state = 'completed' AND (ended_at, id) > (:at, :m) ORDER BY ended_at, id"
        ),
        {"at": after, "m": match_id},
    ).all()
    changed = 0
    for x in later:
        while anchors and anchors[0][0] < x.ended_at:
            _, key = anchors.pop(0)
            delta.pop(key, None)  # the admin's setting fixed this rating: what came before no longer moves it
        a, b = (x.player1_id, x.player1_race), (x.player2_id, x.player2_race)
        if not delta.get(a) and not delta.get(b):
            continue
        before = (x.player1_rating + delta.get(a, 0.0), x.player2_rating + delta.get(b, 0.0))
        now = rule.changes(before[0], before[1], x.result)
        delta[a] = delta.get(a, 0.0) + now[0] - x.player1_rating_change
        delta[b] = delta.get(b, 0.0) + now[1] - x.player2_rating_change
        session.execute(
            text(
                "UPDATE matches SET player1_rating = :r1, player2_rating = :r2, player1_rating_change = :c1,"
                " player2_rating_change = :c2 WHERE id = :m"
            ),
            {"m": x.id, "r1": before[0], "r2": before[1], "c1": now[0], "c2": now[1]},
        )
        changed += 1
    for _, key in anchors:
        delta.pop(key, None)
    return changed


def _admin_settings_after(session: Session, after: datetime) -> list[tuple[datetime, Key]]:
    rows = session.execute(
        text(
            "SELECT at, player_id, details->>'race' AS race FROM audit_log"
            " WHERE action = 'rating_set' AND at > :at ORDER BY at, id"
        ),
        {"at": after},
    ).all()
    return [(r.at, (r.player_id, r.race)) for r in rows]


def _ratings(session: Session, keys: set[Key]) -> dict[Key, float]:
    if not keys:
        return {}
    rows = session.execute(
        text(
            "SELECT player_id, race, rating FROM ratings"
            " WHERE (player_id, race) IN (SELECT * FROM unnest(CAST(:p AS bigint[]), CAST(:r AS text[])))"
        ),
        {"p": [k[0] for k in keys], "r": [k[1] for k in keys]},
    ).all()
    return {(r.player_id, r.race): r.rating for r in rows}
