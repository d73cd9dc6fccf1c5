"""A chart asked for by the bot, as a plain function: the data read, the picture drawn (or found already drawn
for the same data and words), and handed back on the reply list the bot waits on.

The bot waits with a blocking pop on its own Redis connection, so neither side polls and the bot's loop never
waits on Celery's result backend. A picture is kept under the hash of what it shows, so the same data in the
same words is drawn once a day at most.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import redis
from sqlalchemy.orm import Session, sessionmaker

from db.chart_data import PERIOD_HOURS, activity, rating_history
from workers.charts.drawing import ChartWords, activity_chart, rating_chart

log = logging.getLogger(__name__)

KEPT_S = 86400
# How long an answer waits on its reply list for the bot (which stopped waiting long before).
REPLY_KEPT_S = 120
# What the reply list holds when drawing failed (a picture starts with PNG's signature, nothing to draw is empty).
FAILED = b"failed"
RATING = "rating"
ACTIVITY = "activity"


def drawn(client: redis.Redis, content: Any, draw: Callable[[], bytes]) -> bytes:
    """The picture of `content`, from the cache when the same content was drawn before."""
    digest = hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()
    key = f"ladder:chart:{digest}"
    kept = client.get(key)
    if isinstance(kept, bytes):
        return kept
    picture = draw()
    client.set(key, picture, ex=KEPT_S)
    return picture


def chart(sessions: sessionmaker[Session], client: redis.Redis, kind: str, subject: dict[str, Any],
          words: ChartWords) -> bytes:  # fmt: skip
    """The PNG of the chart asked for; empty when there is nothing to draw (a player with no completed match)."""
    with sessions() as session:
        if kind == RATING:
            history = rating_history(session, int(subject["player_id"]))
            if not history:
                return b""
            content: list[Any] = [kind, {race: [(p.at, p.rating) for p in points] for race, points in history.items()}]
            return drawn(client, [content, asdict(words)], lambda: rating_chart(history, words))
        if kind == ACTIVITY:
            hours = activity(session, PERIOD_HOURS[str(subject["period"])])
            content = [kind, [(h.hour, h.joins, h.matches) for h in hours]]
            return drawn(client, [content, asdict(words)], lambda: activity_chart(hours, words))
    raise ValueError(f"no chart of kind {kind!r}")


def answer(client: redis.Redis, reply_to: str, picture: bytes) -> None:
    client.rpush(reply_to, picture)
    client.expire(reply_to, REPLY_KEPT_S)
