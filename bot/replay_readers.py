"""Hands a stored upload to the replay readers (the Procfile's `replays` workers) through the broker.

The bot names the task, never imports it: it sends `ladder.check_replay` to the replay queue (`bot/task_sender.py`).
A hand-over that fails (the broker is down) loses nothing: the upload is pending in PostgreSQL, and the workers'
`ladder.hand_over_replays` sends it again.
"""

from __future__ import annotations

import asyncio
import logging

from bot.task_sender import TaskSender

log = logging.getLogger(__name__)

CHECK_REPLAY = "ladder.check_replay"
# Longest the bot waits on the broker before it leaves the upload to the workers' own hand-over.
HANDOVER_TIMEOUT_S = 5.0


class ReplayReaders:
    def __init__(self, broker_url: str, queue: str) -> None:
        self._queue = queue
        self._tasks = TaskSender(broker_url, "ladder-bot")

    async def hand_over(self, upload_id: int) -> bool:
        """Whether the readers' queue has the upload now; False leaves it to the workers' hand-over."""
        try:
            await asyncio.wait_for(self._tasks.send(CHECK_REPLAY, (upload_id,), self._queue), HANDOVER_TIMEOUT_S)
            return True
        except Exception as exc:
            log.warning("upload %s: not handed to the replay readers (%s); the workers will hand it over",
                        upload_id, type(exc).__name__)  # fmt: skip
            return False
