"""Asks the workers for a chart and waits for the picture without blocking the event loop.

The bot names the task, never imports it (matplotlib lives on the workers): a Celery client of its own sends
`ladder.draw_chart` with a reply list of this request's own, and the bot waits on that list with a blocking pop on
its asynchronous Redis connection. No polling, and Celery's result backend is never read from the bot.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import redis.asyncio as aioredis
from celery import Celery

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
        self._app = Celery("ladder-bot-charts", broker=broker_url, set_as_current=False)
        self._app.conf.update(task_serializer="json", accept_content=["json"], broker_connection_retry=False)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chart-request")

    async def draw(self, kind: str, subject: dict[str, Any], words: dict[str, Any]) -> bytes | None:
        """The PNG; b"" when there is nothing to draw; None when no picture came in time (or drawing failed)."""
        reply_to = f"ladder:chart-reply:{uuid.uuid4().hex}"
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(WAIT_S):
                # kombu's publish is blocking network I/O: on a thread, so the event loop never waits on it.
                await loop.run_in_executor(self._thread, self._send, kind, subject, words, reply_to)
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

    def _send(self, kind: str, subject: dict[str, Any], words: dict[str, Any], reply_to: str) -> None:
        self._app.send_task(DRAW_CHART, args=(kind, subject, words, reply_to), queue=self._queue, retry=False)
