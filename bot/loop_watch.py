"""Measures how long the bot's event loop stalls: the promise is that it never blocks."""

from __future__ import annotations

import asyncio


class LoopWatch:
    def __init__(self, tick_s: float = 0.02) -> None:
        self._tick_s = tick_s
        self.largest_stall_ms = 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._watch(), name="loop-watch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def reset(self) -> float:
        largest, self.largest_stall_ms = self.largest_stall_ms, 0.0
        return largest

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(self._tick_s)
            late_ms = (loop.time() - before - self._tick_s) * 1000
            self.largest_stall_ms = max(self.largest_stall_ms, late_ms)
