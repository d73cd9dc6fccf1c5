"""Asks the workers for a chart and waits for the picture without blocking the event loop.

The bot names the task, never imports it (matplotlib lives on the workers): it sends (`bot/task_sender.py`)
`ladder.draw_chart` with a reply list of this request's own, and the bot waits on that list with a blocking pop on
its asynchronous Redis connection. No polling, and Celery's result backend is never read from the bot.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

import redis.asyncio as aioredis

from bot.task_sender import TaskSender

log = logging.getLogger(__name__)

DRAW_CHART = "ladder.draw_chart"
# Longest a player waits for a picture before the answer goes out without it.
WAIT_S = 10.0
# Charts waited for at once: each holds a Redis connection of this pool's own while it waits, never one the
# listener needs; a request past these waits its turn.
MOST_WAITING = 8
# Every picture starts with PNG's signature; an empty answer means nothing to draw, anything else a failure.
PNG = b"\x89PNG\r\n\x1a\n"


class ChartDrawers:
    def __init__(self, broker_url: str, queue: str) -> None:
        self._queue = queue
        pool = aioredis.BlockingConnectionPool.from_url(broker_url, max_connections=MOST_WAITING, timeout=WAIT_S)
        self._redis = aioredis.Redis.from_pool(pool)
        self._tasks = TaskSender(broker_url, "ladder-bot-charts")

    async def draw(self, kind: str, subject: dict[str, Any], words: dict[str, Any]) -> bytes | None:
        """The PNG; b"" when there is nothing to draw; None when no picture came in time (or drawing failed)."""
        reply_to = f"ladder:chart-reply:{uuid.uuid4().hex}"
        try:
            async with asyncio.timeout(WAIT_S):
                await self._tasks.send(DRAW_CHART, (kind, subject, words, reply_to), self._queue)
                popped = await self._redis.blpop([reply_to], timeout=WAIT_S)
        except Exception as exc:
            log.warning("chart %s: not drawn (%s)", kind, type(exc).__name__)
            return None
        if popped is None:
            log.warning("chart %s: no picture within %.0f s", kind, WAIT_S)
            return None
        picture = popped[1] if isinstance(popped[1], bytes) else str(popped[1]).encode()
        if picture and not picture.startswith(PNG):
            log.warning("chart %s: the worker could not draw it", kind)
            return None
        return picture

    async def close(self) -> None:
        await self._redis.aclose()
