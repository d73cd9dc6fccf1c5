"""A match as its events carry it: everything a player's view shows, so the bot renders with no other query."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.events import Event, NewEvent
from db.ladder import Ladder
from db.outbox import insert_events
from db.payloads import MatchPayload, MatchSide

# The match row, the players' names and regions, and where each player's match message lives: the ref the
# player's last press on it left, else the searching message their queue entry recorded.
_MATCH = text(
    "SELECT m.*, p1.display_name AS name1, p1.region AS region1, p2.display_name AS name2, p2.region AS region2,"
    " p1.language AS language1, p1.locale AS locale1, p2.language AS language2, p2.locale AS locale2,"
    " p1.in_game_name AS game1, p1.battletag AS tag1, p1.alt_names AS alts1, p1.country AS country1,"
    " p2.in_game_name AS game2, p2.battletag AS tag2, p2.alt_names AS alts2, p2.country AS country2,"
    " COALESCE(m.player1_message_ref, (SELECT e.message_ref FROM queue_entries e"
    "   WHERE e.player_id = m.player1_id AND e.match_id = m.id ORDER BY e.id DESC LIMIT 1)) AS ref1,"
    " COALESCE(m.player2_message_ref, (SELECT e.message_ref FROM queue_entries e"
    "   WHERE e.player_id = m.player2_id AND e.match_id = m.id ORDER BY e.id DESC LIMIT 1)) AS ref2"
    " FROM matches m JOIN players p1 ON p1.id = m.player1_id JOIN players p2 ON p2.id = m.player2_id"
    " WHERE m.id = :m"
)


@dataclass(frozen=True)
class MatchRow:
    """One match as the lifecycle reads it."""

    values: Mapping[str, Any]

    @property
    def id(self) -> int:
        return int(self.values["id"])

    @property
    def state(self) -> str:
        return str(self.values["state"])

    @property
    def player_ids(self) -> tuple[int, int]:
        return int(self.values["player1_id"]), int(self.values["player2_id"])

    def slot(self, player_id: int) -> int | None:
        """1 or 2: which player of the match this is; None for someone else."""
        if player_id == self.values["player1_id"]:
            return 1
        if player_id == self.values["player2_id"]:
            return 2
        return None

    def opponent_of(self, player_id: int) -> int:
        p1, p2 = self.player_ids
        return p2 if player_id == p1 else p1


def load_match(session: Session, match_id: int) -> MatchRow | None:
    row = session.execute(_MATCH, {"m": match_id}).mappings().one_or_none()
    return MatchRow(dict(row)) if row is not None else None


def match_payload(match: MatchRow, ladder: Ladder, **extra: Any) -> MatchPayload:
    v = match.values

    def side(n: int) -> MatchSide:
        race = v[f"player{n}_race"]
        known = ladder.race_by_code.get(race)
        change = v[f"player{n}_rating_change"]
        return {
            "player_id": v[f"player{n}_id"],
            "display_name": v[f"name{n}"],
            "in_game_name": v[f"game{n}"],
            "battletag": v[f"tag{n}"],
            "alt_names": list(v[f"alts{n}"] or ()),
            "country": v[f"country{n}"],
            "rank": v[f"player{n}_rank"],
            "race": race,
            "race_name": known.name if known else race,
            "rating": round(v[f"player{n}_rating"]),
            "region": v[f"region{n}"],
            "language": v[f"language{n}"],
            "locale": v[f"locale{n}"],
            "confirmed": v[f"player{n}_confirmed_at"] is not None,
            "report": v[f"player{n}_report"],
            "rating_change": round(change, 1) if change is not None else None,
        }

    payload = {
        "match_id": match.id,
        "state": match.state,
        "players": [side(1), side(2)],
        "map": v["map"],
        "server": v["server"],
        "confirm_by": _iso(v["confirm_by"]),
        "report_by": _iso(v["report_by"]),
        "result": v["result"],
        "end_reason": v["end_reason"],
        "aborted_by": v["aborted_by"],
        "resolved_by": v["resolved_by"],
        "message_refs": {str(v["player1_id"]): v["ref1"], str(v["player2_id"]): v["ref2"]},
        **extra,
    }
    if ladder.replays.mode != "off":
        payload["replays"] = ladder.replays.mode
    return cast(MatchPayload, payload)  # `extra` adds the keys a few event types carry


def write_match_event(
    session: Session,
    type_: str,
    match_id: int,
    ladder: Ladder,
    players: Iterable[int] | None = None,
    **extra: Any,
) -> Event:
    """The match's event, as the match stands now in this transaction, for `players` (default: both)."""
    match = load_match(session, match_id)
    assert match is not None, "the caller has just moved this match"
    to = tuple(players) if players is not None else match.player_ids
    return insert_events(session, [NewEvent(type_, to, match_payload(match, ladder, **extra))])[0]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
