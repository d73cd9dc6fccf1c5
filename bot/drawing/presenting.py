"""What a player sees for each event the backend emits: a message built from the event's payload alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.drawing.admin_notice import render_admin_notice
from bot.drawing.drift import drift_rendering
from bot.drawing.match import match_rendering
from bot.drawing.renderings import Rendering, render_expired, render_other, render_removed, render_someone_waiting
from bot.words import Words
from db.events import (
    ADMIN_NOTICE,
    MATCH_ABORTED,
    MATCH_COMPLETED,
    MATCH_CONFIRMED,
    MATCH_DISPUTED,
    MATCH_FOUND,
    MATCH_INVALIDATED,
    MATCH_REMINDER,
    MATCH_REPORTED,
    QUEUE_EXPIRED,
    QUEUE_REMOVED,
    RATINGS_DRIFT,
    REPLAY_CHECKED,
    SOMEONE_WAITING,
    Event,
)

# Each takes its event type's payload (db/payloads.py), which the listener checked as it read the entry.
Renderer = Callable[[Any, int, str, Words], Rendering]

_RENDERERS: dict[str, Renderer] = {
    MATCH_FOUND: match_rendering,
    MATCH_REMINDER: match_rendering,
    MATCH_CONFIRMED: match_rendering,
    MATCH_REPORTED: match_rendering,
    MATCH_ABORTED: match_rendering,
    MATCH_COMPLETED: match_rendering,
    MATCH_DISPUTED: match_rendering,
    MATCH_INVALIDATED: match_rendering,
    REPLAY_CHECKED: match_rendering,
    QUEUE_EXPIRED: render_expired,
    QUEUE_REMOVED: render_removed,
    SOMEONE_WAITING: render_someone_waiting,
    # Shown only in the admins' channel.
    RATINGS_DRIFT: drift_rendering,
    ADMIN_NOTICE: render_admin_notice,
}


def render_event(event: Event, player_id: int, words: Words) -> Rendering:
    render: Renderer = _RENDERERS.get(event.type, render_other)
    return render(event.payload, player_id, event.type, words)
