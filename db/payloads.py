"""What each event's payload holds: the contract between the workers that write events and the bot that draws
them. The stream consumer checks every entry against it once, as it reads it; an entry that does not follow it
is logged with its id, acknowledged and counted, and never reaches a view.

Only `match_id` is required of a match's payload: a view draws what is there. Every key present must have its
type.
"""

from __future__ import annotations

from typing import (
    Any,
    Required,  # pydantic reads these, not typing's, before Python 3.12
)

from pydantic import TypeAdapter, ValidationError
from typing_extensions import TypedDict

from db.events import Event, EventType, MalformedEvent


class MatchSide(TypedDict, total=False):
    player_id: Required[int]
    display_name: str | None
    # Who they are in the game, to find each other there, and their rank in the race they play (none: unranked).
    in_game_name: str | None
    battletag: str | None
    alt_names: list[str]
    country: str | None
    rank: str | None
    race: str
    race_name: str
    rating: float
    region: str | None
    # The language the player chose, and their client's locale when last seen (a delivery draws in the first
    # of: the chosen language, the one their message was drawn in, this locale, the guild's).
    language: str | None
    locale: str | None
    confirmed: bool
    report: str | None
    rating_change: float | None
    # Only in `match_found`, from the wave:
    entry_id: int
    joined_at: str
    waves_waited: int


class ReplayProblem(TypedDict):
    code: str
    params: dict[str, str | int]


class ReplayPlayer(TypedDict):
    name: str
    race: str  # as the replay writes it
    race_code: str | None  # the ladder's race, when it knows it
    result: str | None  # win, loss, tie


class ReplayPayload(TypedDict, total=False):
    """What a checked replay showed, in the events its check wrote."""

    upload_id: Required[int]
    uploaded_by: int
    state: str  # verified or failed
    problems: list[ReplayProblem]
    map: str | None  # as the replay names it
    game_length_s: float | None
    players: list[ReplayPlayer]
    winner: int | None  # the player id, when the replay tells the players apart
    draw: bool


class MatchPayload(TypedDict, total=False):
    match_id: Required[int]
    state: str
    players: list[MatchSide]
    map: str | None
    server: str | None
    confirm_by: str | None
    report_by: str | None
    result: str | None
    end_reason: str | None
    aborted_by: int | None
    resolved_by: int | None
    # Per player id (as text): the message the player last pressed, for the listener to edit.
    message_refs: dict[str, dict[str, Any] | None]
    wave_id: int
    # `match_aborted`: the players offered to go back to the queue.
    requeue: list[int]
    # `match_completed`: each player's new rating, per player id (as text).
    new_ratings: dict[str, float]
    # Whether the ladder asks for replays (optional or required; absent when it takes none).
    replays: str
    # The events a replay's check wrote (`replay_checked`, and the completion or dispute it caused).
    replay: ReplayPayload


class QueueEndedPayload(TypedDict, total=False):
    """`queue_expired` and `queue_removed`: a waiting entry ended without a match."""

    entry_id: int
    player_id: int
    waited_s: float
    waves_waited: int
    why: str
    message_refs: dict[str, dict[str, Any] | None]


class SomeoneWaitingPayload(TypedDict, total=False):
    """/notify's call to the queue: how many have waited the ladder's delay, and for which races; never who."""

    waiting: int
    races: list[str]
    # Each recipient's language, where known (by player id).
    languages: dict[str, str]


class DriftedRating(TypedDict):
    player_id: int
    race: str
    # rating, games, wins, losses, draws
    stored: list[float]
    expected: list[float]


class RatingsDriftPayload(TypedDict, total=False):
    """`ratings_drift`: how many (player, race) ratings differ from the history, and the first of them."""

    count: int
    drifts: list[DriftedRating]


class AdminNoticePayload(TypedDict, total=False):
    """`admin_notice`: what an admin did to the player, and why."""

    action: str  # banned, unbanned, rating, resolved
    reason: str | None
    race: str
    old: float
    new: float
    match_id: int
    resolution: str
    sides: list[int]  # `resolved`: the match's player 1 and player 2
    languages: dict[str, str]


_MATCH = TypeAdapter(MatchPayload)
_QUEUE_ENDED = TypeAdapter(QueueEndedPayload)
_SOMEONE_WAITING = TypeAdapter(SomeoneWaitingPayload)
_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    **{t: _MATCH for t in EventType if t.value.startswith("match_")},
    EventType.QUEUE_EXPIRED: _QUEUE_ENDED,
    EventType.QUEUE_REMOVED: _QUEUE_ENDED,
    EventType.SOMEONE_WAITING: _SOMEONE_WAITING,
    EventType.RATINGS_DRIFT: TypeAdapter(RatingsDriftPayload),
    EventType.ADMIN_NOTICE: TypeAdapter(AdminNoticePayload),
    EventType.REPLAY_CHECKED: _MATCH,
}


def payload_problem(type_: str, payload: dict[str, Any]) -> str | None:
    """Why the payload does not follow its event type's contract, or None. A type this version does not know
    is not checked: a newer worker may write it, and the bot shows it as best it can."""
    adapter = _ADAPTERS.get(type_)
    if adapter is None:
        return None
    try:
        adapter.validate_python(payload, strict=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "payload"
        return f"{type_} payload: {where}: {first['msg']} ({exc.error_count()} problem(s))"
    return None


def read_event(fields: dict[bytes, bytes] | dict[str, str]) -> Event:
    """A stream entry as an event whose payload follows its type's contract; MalformedEvent otherwise."""
    event = Event.from_fields(fields)
    problem = payload_problem(event.type, event.payload)
    if problem is not None:
        raise MalformedEvent(problem)
    return event
