"""Hands a stored upload to the replay readers (the Procfile's `replays` workers) through the broker.

The bot names the task, never imports it: a Celery client of its own sends `ladder.check_replay` to the replay
queue. A hand-over that fails (the broker is down) loses nothing: the upload is pending in PostgreSQL, and the
workers' `ladder.hand_over_replays` sends it again.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from celery import Celery

log = logging.getLogger(__name__)

CHECK_REPLAY = "ladder.check_replay"
# Longest the bot waits on the broker before it leaves the upload to the workers' own hand-over.
HANDOVER_TIMEOUT_S = 5.0


class ReplayReaders:
    def __init__(self, broker_url: str, queue: str) -> None:
        self._queue = queue
        self._app = Celery("ladder-bot", broker=broker_url, set_as_current=False)
        self._app.conf.update(task_serializer="json", accept_content=["json"], broker_connection_retry=False)
        # One thread of its own: kombu's publish is Python that holds the GIL, and several threads publishing at
        # once (a burst of uploads) would each take turns with the event loop.
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="replay-handover")

    async def hand_over(self, upload_id: int) -> bool:
        """Whether the readers' queue has the upload now; False leaves it to the workers' hand-over."""
        try:
            # kombu's publish is blocking network I/O: on a thread, so the event loop never waits on it.
            loop = asyncio.get_running_loop()
            await asyncio.wait_for(loop.run_in_executor(self._thread, self._send, upload_id), HANDOVER_TIMEOUT_S)
            return True
        except Exception as exc:
            log.warning("upload %s: not handed to the replay readers (%s); the workers will hand it over",
                        upload_id, type(exc).__name__)  # fmt: skip
            return False

    def _send(self, upload_id: int) -> None:
        self._app.send_task(CHECK_REPLAY, args=(upload_id,), queue=self._queue, retry=False)
