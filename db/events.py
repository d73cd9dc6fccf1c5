"""The event contract between the backend and the bot: what an outbox row and a stream entry carry.

A stream entry carries the outbox id, so a consumer can tell an event it has already handled from a new one
(the relay may publish an event twice; a player must still see it once).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    MATCH_FOUND = "match_found"
    MATCH_CONFIRMED = "match_confirmed"
    # To the player who has not reported yet: their opponent has.
    MATCH_REPORTED = "match_reported"
    MATCH_ABORTED = "match_aborted"
    MATCH_COMPLETED = "match_completed"
    MATCH_DISPUTED = "match_disputed"
    MATCH_INVALIDATED = "match_invalidated"
    # Sent to a player who has not confirmed yet when a third of the confirmation window is left.
    MATCH_REMINDER = "match_reminder"
    QUEUE_EXPIRED = "queue_expired"
    # An admin took the player out of the queue (removed, cleared, or banned).
    QUEUE_REMOVED = "queue_removed"
    # To players who asked (/notify on) and are not in the queue: someone has just joined it.
    SOMEONE_WAITING = "someone_waiting"
    # To the admins' channel only: the daily check found ratings that differ from the match history.
    RATINGS_DRIFT = "ratings_drift"
    # To a player, by direct message: an admin banned them, lifted their ban, changed their rating or settled
    # their match, and why.
    ADMIN_NOTICE = "admin_notice"
    # A replay was checked and settled nothing: failed, or verified for a match that is not being played.
    REPLAY_CHECKED = "replay_checked"


# The names the code uses: each is the type itself, a string as stored.
MATCH_FOUND = EventType.MATCH_FOUND
MATCH_CONFIRMED = EventType.MATCH_CONFIRMED
MATCH_REPORTED = EventType.MATCH_REPORTED
MATCH_ABORTED = EventType.MATCH_ABORTED
MATCH_COMPLETED = EventType.MATCH_COMPLETED
MATCH_DISPUTED = EventType.MATCH_DISPUTED
MATCH_INVALIDATED = EventType.MATCH_INVALIDATED
MATCH_REMINDER = EventType.MATCH_REMINDER
QUEUE_EXPIRED = EventType.QUEUE_EXPIRED
QUEUE_REMOVED = EventType.QUEUE_REMOVED
SOMEONE_WAITING = EventType.SOMEONE_WAITING
RATINGS_DRIFT = EventType.RATINGS_DRIFT
ADMIN_NOTICE = EventType.ADMIN_NOTICE
REPLAY_CHECKED = EventType.REPLAY_CHECKED
EVENT_TYPES = frozenset(EventType)


class MalformedEvent(ValueError):
    """A stream entry that does not follow this contract."""


@dataclass(frozen=True)
class NewEvent:
    """An event about to be written to the outbox."""

    type: str
    player_ids: tuple[int, ...]
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class Event:
    """An event as published: its outbox id, type, the players it concerns, and what a view needs."""

    id: int
    type: str
    player_ids: tuple[int, ...]
    payload: dict[str, Any]
    # When the outbox row was written (Unix time, the database's clock): where the bot's delivery latency
    # starts. None for an entry published before the field existed.
    created_at: float | None = None

    def to_fields(self) -> dict[str, str]:
        payload = json.dumps(self.payload, separators=(",", ":"))
        return event_fields(self.id, self.type, self.player_ids, payload, self.created_at)

    @classmethod
    def from_fields(cls, fields: dict[bytes, bytes] | dict[str, str]) -> Event:
        text = {
            (k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
            for k, v in fields.items()
        }
        try:
            players = tuple(int(p) for p in text["players"].split(",") if p)
            payload = json.loads(text["payload"])
            created = float(text["created_at"]) if text.get("created_at") else None
            event = cls(int(text["event_id"]), text["type"], players, payload, created)
        except (KeyError, ValueError, TypeError) as exc:
            raise MalformedEvent(f"stream entry does not follow the event contract: {exc}") from None
        if not isinstance(event.payload, dict):
            raise MalformedEvent("stream entry payload is not an object")
        return event


def event_fields(
    event_id: int, type_: str, player_ids: Sequence[int], payload_json: str, created_at: float | None = None
) -> dict[str, str]:
    """The stream entry of an event whose payload is already JSON text."""
    fields = {
        "event_id": str(event_id),
        "type": type_,
        "players": ",".join(str(p) for p in player_ids),
        "payload": payload_json,
    }
    if created_at is not None:
        fields["created_at"] = f"{created_at:.6f}"
    return fields
