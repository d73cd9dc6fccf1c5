"""Admin actions: each changes what it names, writes one audit row, and emits the players' events, in one
transaction. Sync functions on a Session (the bot runs them through `AsyncSession.run_sync`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.events import ADMIN_NOTICE, MATCH_COMPLETED, MATCH_INVALIDATED, QUEUE_REMOVED, Event, NewEvent
from db.ladder import Ladder
from db.match_payloads import load_match, match_payload, write_match_event
from db.match_results import RatingRule, complete
from db.outbox import insert_events
from db.payloads import MatchPayload
from db.reconcile import rating_drift
from db.resettle import ENDED_STATES, resettle
from db.states import UNFINISHED_MATCH_STATES, Resolution

RESOLUTIONS = tuple(Resolution)
UNFINISHED = tuple(str(s) for s in UNFINISHED_MATCH_STATES)


class Note(StrEnum):
    """What an admin action did, or why it did nothing: the bot words it for the admin and the log channel."""

    NOT_IN_QUEUE = "not_in_queue"  # player
    REMOVED = "removed"  # player
    CLEARED = "cleared"  # count
    UNKNOWN_RESOLUTION = "unknown_resolution"  # resolutions
    NO_SUCH_MATCH = "no_such_match"  # match
    NOT_DISPUTED = "not_disputed"  # match, state
    # match, resolution, was; an ended match settled again also age_h (hours since it ended) and recomputed
    RESOLVED = "resolved"
    ALREADY_SETTLED = "already_settled"  # match, resolution, was
    UNKNOWN_RACE = "unknown_race"  # race
    RATING_OUT_OF_RANGE = "rating_out_of_range"
    UNKNOWN_RATING_CHANGE = "unknown_rating_change"  # changes
    REASON_TOO_LONG = "reason_too_long"  # most
    NEVER_PLAYED = "never_played"  # player
    RATING_SET = "rating_set"  # player, race, old ("none" when there was none), new
    BANNED = "banned"  # player, left_queue (1 or 0)
    NOT_BANNED = "not_banned"  # player
    UNBANNED = "unbanned"  # player
    RATINGS_CONSISTENT = "ratings_consistent"
    RATINGS_REPAIRED = "ratings_repaired"  # count
    # A preview's confirmation or cancellation.
    CHANGED_SINCE_PREVIEW = "changed_since_preview"
    PREVIEW_GONE = "preview_gone"
    PREVIEW_NOT_YOURS = "preview_not_yours"
    PREVIEW_DECIDED = "preview_decided"
    PREVIEW_EXPIRED = "preview_expired"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Done:
    """What an admin action did; `changed` False: nothing, and `note` says why."""

    changed: bool
    note: Note
    params: Mapping[str, str | int | float] = field(default_factory=dict)
    events: tuple[Event, ...] = ()
    # The ratings it moved: (player, race, old, new).
    moves: tuple[tuple[int, str, float, float], ...] = ()


@dataclass(frozen=True)
class Waiting:
    player_id: int
    display_name: str | None
    races: list[str]
    waited_s: float


def audit(
    session: Session,
    actor_id: int,
    action: str,
    *,
    player_id: int | None = None,
    match_id: int | None = None,
    **details: Any,
) -> None:
    session.execute(
        text(
            # The moment it is written, after the action took its locks: what the rating check orders by.
            "INSERT INTO audit_log (at, actor_id, action, player_id, match_id, details)"
            " VALUES (clock_timestamp(), :a, :action, :p, :m, CAST(:d AS jsonb))"
        ),
        {"a": actor_id, "action": action, "p": player_id, "m": match_id, "d": json.dumps(details, default=str)},
    )


def queue_list(session: Session, limit: int = 25) -> tuple[int, list[Waiting]]:
    total = session.execute(text("SELECT count(*) FROM queue_entries WHERE state = 'waiting'")).scalar_one()
    rows = session.execute(
        text(
            "SELECT e.player_id, p.display_name, e.races, EXTRACT(EPOCH FROM now() - e.joined_at)::float8 AS waited"
            " FROM queue_entries e JOIN players p ON p.id = e.player_id WHERE e.state = 'waiting'"
            " ORDER BY e.joined_at LIMIT :n"
        ),
        {"n": limit},
    ).all()
    return int(total), [Waiting(r.player_id, r.display_name, list(r.races), r.waited) for r in rows]


def _take_out(session: Session, why: str, player_id: int | None = None) -> list[Event]:
    """Cancels the waiting entries (one player's, or everyone's) and tells each player, on their searching view."""
    rows = session.execute(
        text(
            "UPDATE queue_entries SET state = 'cancelled', ended_at = now()"
            " WHERE state = 'waiting' AND (CAST(:p AS bigint) IS NULL OR player_id = :p)"
            " RETURNING id, player_id, message_ref"
        ),
        {"p": player_id},
    ).all()
    return insert_events(
        session,
        [
            NewEvent(
                QUEUE_REMOVED,
                (r.player_id,),
                {
                    "entry_id": r.id,
                    "player_id": r.player_id,
                    "why": why,
                    "message_refs": {str(r.player_id): r.message_ref},
                },
            )
            for r in rows
        ],
    )


def queue_remove(session: Session, actor_id: int, player_id: int, reason: str | None = None) -> Done:
    events = _take_out(session, "removed", player_id)
    if not events:
        return Done(False, Note.NOT_IN_QUEUE, {"player": player_id})
    audit(session, actor_id, "queue_remove", player_id=player_id, reason=reason)
    return Done(True, Note.REMOVED, {"player": player_id}, tuple(events))


def queue_clear(session: Session, actor_id: int, reason: str | None = None) -> Done:
    events = _take_out(session, "cleared")
    audit(session, actor_id, "queue_clear", removed=len(events), reason=reason)
    # Who, not only how many: a confirmation must find the same players (bot/admin_service.py).
    who = _digest(sorted(p for e in events for p in e.player_ids))
    return Done(bool(events), Note.CLEARED, {"count": len(events), "who": who}, tuple(events))


def resolve(
    session: Session,
    actor_id: int,
    match_id: int,
    resolution: str,
    ladder: Ladder,
    rule: RatingRule,
    reason: str | None = None,
    *,
    any_state: bool = False,
) -> Done:
    """Settles a disputed match: a winner or a draw (the rating moves once), or invalidated (nothing moves). With
    `any_state`, any match: one being played is settled now; an ended one is settled again, its rating changes
    undone and redone (db/resettle.py). Of two admins settling at the same moment, one does it; the other finds
    it settled. Both players are told by direct message, with the reason."""
    if resolution not in RESOLUTIONS:
        return Done(False, Note.UNKNOWN_RESOLUTION, {"resolutions": ", ".join(RESOLUTIONS)})
    if any_state:
        # An ended match settled again recomputes later matches under this lock (db/resettle.py): taken before the
        # match row by every such settling, so two of them never wait on each other's rows.
        session.execute(text("LOCK TABLE ratings IN EXCLUSIVE MODE"))
    match = session.execute(
        text(
            "SELECT state, result, player1_id, player2_id, EXTRACT(EPOCH FROM now() - ended_at) / 3600 AS age_h"
            " FROM matches WHERE id = :m FOR UPDATE"
        ),
        {"m": match_id},
    ).one_or_none()
    if match is None:
        return Done(False, Note.NO_SUCH_MATCH, {"match": match_id})
    if not any_state and match.state != "disputed":
        return Done(False, Note.NOT_DISPUTED, {"match": match_id, "state": match.state})
    result = None if resolution == "invalidate" else resolution
    was = f"{match.state} {match.result}" if match.result else match.state
    settled: dict[str, str | int | float] = {"match": match_id, "resolution": resolution, "was": was.replace("_", " ")}
    if match.state in ENDED_STATES and match.age_h is not None:
        settled["age_h"] = round(match.age_h, 1)
    if match.state in ENDED_STATES:
        if (match.state == "completed" and match.result == result) or (match.state != "completed" and result is None):
            return Done(False, Note.ALREADY_SETTLED, settled)
        again = resettle(session, match_id, result, rule, actor_id)
        moves = tuple((p, r, old, new) for (p, r), (old, new) in sorted(again.moves.items()))
        new_ratings = {str(p): round(new) for p, _, _, new in moves if p in (match.player1_id, match.player2_id)}
        if result is not None:
            event = write_match_event(session, MATCH_COMPLETED, match_id, ladder, new_ratings=new_ratings)
        else:
            event = write_match_event(session, MATCH_INVALIDATED, match_id, ladder)
        settled["recomputed"] = again.recomputed
    else:
        event = _settle_unfinished(session, actor_id, match_id, result, ladder, rule)
        moves = _moves_of(session, match_id)
    audit(session, actor_id, "match_resolve", match_id=match_id, resolution=resolution, reason=reason,
          was=was, recomputed=settled.get("recomputed", 0))  # fmt: skip
    players = (match.player1_id, match.player2_id)
    told = tell_players(session, players, {"action": "resolved", "match_id": match_id, "resolution": resolution,
                                           "sides": list(players), "reason": reason})  # fmt: skip
    return Done(True, Note.RESOLVED, settled, (event, told), moves)


def _settle_unfinished(
    session: Session, actor_id: int, match_id: int, result: str | None, ladder: Ladder, rule: RatingRule
) -> Event:
    """A match still being played or disputed (its row locked by the caller), settled now."""
    if result is not None:
        event = complete(session, match_id, result, UNFINISHED, ladder, rule, resolved_by=actor_id)
        assert event is not None  # the row is locked and unfinished
        return event
    session.execute(
        text(
            "UPDATE matches SET state = 'invalidated', resolved_by = :a, ended_at = now(), updated_at = now()"
            " WHERE id = :m"
        ),
        {"m": match_id, "a": actor_id},
    )
    return write_match_event(session, MATCH_INVALIDATED, match_id, ladder)


def _moves_of(session: Session, match_id: int) -> tuple[tuple[int, str, float, float], ...]:
    """The ratings a just-completed match moved: (player, race, before, after)."""
    rows = session.execute(
        text(
            "SELECT m.player1_id AS p, m.player1_race AS r, m.player1_rating_change AS c FROM matches m"
            " WHERE m.id = :m AND m.state = 'completed' UNION ALL"
            " SELECT m.player2_id, m.player2_race, m.player2_rating_change FROM matches m"
            " WHERE m.id = :m AND m.state = 'completed'"
        ),
        {"m": match_id},
    ).all()
    moves = []
    for row in rows:
        now = session.execute(
            text("SELECT rating FROM ratings WHERE player_id = :p AND race = :r"), {"p": row.p, "r": row.r}
        ).scalar_one()
        moves.append((row.p, row.r, now - (row.c or 0.0), now))
    return tuple(moves)


@dataclass(frozen=True)
class OpenDispute:
    match_id: int
    names: tuple[str, str]
    reason: str | None
    since: Any


def open_disputes(session: Session, limit: int = 20) -> tuple[int, list[OpenDispute]]:
    """Disputed matches waiting for an admin, oldest first, and how many there are."""
    total = session.execute(text("SELECT count(*) FROM matches WHERE state = 'disputed'")).scalar_one()
    rows = session.execute(
        text(
            "SELECT m.id, COALESCE(p1.display_name, m.player1_id::text) AS n1,"
            " COALESCE(p2.display_name, m.player2_id::text) AS n2, m.end_reason, m.updated_at"
            " FROM matches m JOIN players p1 ON p1.id = m.player1_id JOIN players p2 ON p2.id = m.player2_id"
            " WHERE m.state = 'disputed' ORDER BY m.updated_at LIMIT :n"
        ),
        {"n": limit},
    ).all()
    return int(total), [OpenDispute(r.id, (r.n1, r.n2), r.end_reason, r.updated_at) for r in rows]


def match_show(session: Session, match_id: int, ladder: Ladder) -> MatchPayload | None:
    match = load_match(session, match_id)
    return match_payload(match, ladder) if match is not None else None


RATING_CHANGES = ("set", "add", "subtract")


def set_rating(
    session: Session,
    actor_id: int,
    player_id: int,
    race: str,
    value: float,
    ladder: Ladder,
    reason: str | None = None,
    change: str = "set",
) -> Done:
    """Sets the race's rating to `value`, or adds or subtracts it; the player is told, with the reason."""
    if race not in ladder.race_by_code:
        return Done(False, Note.UNKNOWN_RACE, {"race": race[:40]})
    if change not in RATING_CHANGES:
        return Done(False, Note.UNKNOWN_RATING_CHANGE, {"changes": ", ".join(RATING_CHANGES)})
    # Locked, as a completion locks it: one rating write at a time per player (see db/match_results.py).
    exists = session.execute(text("SELECT 1 FROM players WHERE id = :p FOR NO KEY UPDATE"), {"p": player_id}).scalar()
    if not exists:
        return Done(False, Note.NEVER_PLAYED, {"player": player_id})
    old = session.execute(
        text("SELECT rating FROM ratings WHERE player_id = :p AND race = :r FOR UPDATE"), {"p": player_id, "r": race}
    ).scalar()
    base = old if old is not None else ladder.rating.start
    rating = {"set": value, "add": base + value, "subtract": base - value}[change]
    if not 0 <= rating <= 10_000:
        return Done(False, Note.RATING_OUT_OF_RANGE)
    session.execute(
        text(
            "INSERT INTO ratings (player_id, race, rating) VALUES (:p, :r, :v)"
            " ON CONFLICT (player_id, race) DO UPDATE SET rating = EXCLUDED.rating, updated_at = now()"
        ),
        {"p": player_id, "r": race, "v": rating},
    )
    audit(session, actor_id, "rating_set", player_id=player_id, race=race, old=old, new=rating, reason=reason)
    told = tell_players(session, (player_id,), {"action": "rating", "race": race, "old": base, "new": rating,
                                               "reason": reason})  # fmt: skip
    shown_old = str(round(old)) if old is not None else "none"
    return Done(True, Note.RATING_SET, {"player": player_id, "race": race, "old": shown_old, "new": f"{rating:g}"},
                (told,))  # fmt: skip


def ban(session: Session, actor_id: int, player_id: int, reason: str | None) -> Done:
    session.execute(
        text(
            "INSERT INTO players (id, banned, ban_reason) VALUES (:p, true, :why)"
            " ON CONFLICT (id) DO UPDATE SET banned = true, ban_reason = EXCLUDED.ban_reason"
        ),
        {"p": player_id, "why": reason},
    )
    left = _take_out(session, "banned", player_id)
    audit(session, actor_id, "ban", player_id=player_id, reason=reason, removed_from_queue=bool(left))
    told = tell_players(session, (player_id,), {"action": "banned", "reason": reason})
    return Done(True, Note.BANNED, {"player": player_id, "left_queue": int(bool(left))}, (*left, told))


def unban(session: Session, actor_id: int, player_id: int, reason: str | None = None) -> Done:
    moved = session.execute(
        text("UPDATE players SET banned = false, ban_reason = NULL WHERE id = :p AND banned RETURNING id"),
        {"p": player_id},
    ).scalar()
    if moved is None:
        return Done(False, Note.NOT_BANNED, {"player": player_id})
    audit(session, actor_id, "unban", player_id=player_id, reason=reason)
    told = tell_players(session, (player_id,), {"action": "unbanned", "reason": reason})
    return Done(True, Note.UNBANNED, {"player": player_id}, (told,))


def tell_players(session: Session, player_ids: tuple[int, ...], notice: dict[str, Any]) -> Event:
    """An `admin_notice` event to the players (by direct message), each in their own language."""
    languages = {
        str(r.id): r.language
        for r in session.execute(
            text("SELECT id, COALESCE(language, locale) AS language FROM players WHERE id = ANY(:p)"),
            {"p": list(player_ids)},
        )
        if r.language
    }
    [event] = insert_events(session, [NewEvent(ADMIN_NOTICE, player_ids, {**notice, "languages": languages})])
    return event


def repair_ratings(session: Session, actor_id: int, ladder: Ladder, reason: str | None = None) -> Done:
    """Sets every (player, race) rating and counters that differ from the match history to what the history
    says, one audit row each (old and new). Completions wait meanwhile, so none lands between the check and the
    write: one applied after this transaction moves the repaired rating, as it should."""
    session.execute(text("LOCK TABLE ratings IN EXCLUSIVE MODE"))
    drifts = rating_drift(session, ladder.rating.start)
    for d in drifts:
        e = d.expected
        session.execute(
            text(
                "INSERT INTO ratings (player_id, race, rating, games, wins, losses, draws)"
                " VALUES (:p, :r, :rating, :games, :wins, :losses, :draws) ON CONFLICT (player_id, race) DO UPDATE"
                " SET rating = EXCLUDED.rating, games = EXCLUDED.games, wins = EXCLUDED.wins,"
                " losses = EXCLUDED.losses, draws = EXCLUDED.draws, updated_at = now()"
            ),
            {"p": d.player_id, "r": d.race, "rating": e.rating, "games": e.games, "wins": e.wins,
             "losses": e.losses, "draws": e.draws},
        )  # fmt: skip
        audit(session, actor_id, "rating_repair", player_id=d.player_id, race=d.race, old=asdict(d.stored),
              new=asdict(e), reason=reason)  # fmt: skip
    if not drifts:
        return Done(False, Note.RATINGS_CONSISTENT)
    return Done(True, Note.RATINGS_REPAIRED, {"count": len(drifts), "which": _digest([asdict(d) for d in drifts])})


def _digest(items: object) -> str:
    """A short fingerprint of what an action touched, for its preview to be compared with its confirmation."""
    return hashlib.sha256(json.dumps(items, sort_keys=True, default=str).encode()).hexdigest()[:16]
