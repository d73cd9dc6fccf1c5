"""Sends a task to the workers by name, without importing it and without blocking the event loop.

A Celery client of the bot's own (JSON only, no retries: a caller that cannot reach the broker decides what to do)
publishes on one thread of its own: kombu's publish is blocking network I/O and Python that holds the GIL, and
several threads publishing at once would each take turns with the event loop.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from celery import Celery


class TaskSender:
    def __init__(self, broker_url: str, name: str) -> None:
        self._app = Celery(name, broker=broker_url, set_as_current=False)
        self._app.conf.update(task_serializer="json", accept_content=["json"], broker_connection_retry=False)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    async def send(self, task: str, args: tuple[Any, ...], queue: str) -> None:
        """Published on the queue when this returns; raises what the broker raised."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._thread, self._send, task, args, queue)

    def _send(self, task: str, args: tuple[Any, ...], queue: str) -> None:
        self._app.send_task(task, args=args, queue=queue, retry=False)
