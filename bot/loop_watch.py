"""Measures how long the bot's event loop stalls: the promise is that it never blocks.

A tick that wakes late was either held up by work on the loop (the loop's own fault) or by the machine not
running the process at all (another process had the cores). The thread's CPU time over the tick tells them
apart: both the lateness and the CPU time spent in the late tick are kept.
"""

from __future__ import annotations

import asyncio
import time


class LoopWatch:
    def __init__(self, tick_s: float = 0.02) -> None:
        self._tick_s = tick_s
        self.largest_stall_ms = 0.0
        # Of the late ticks, the most CPU time the loop itself spent in one (work that held it up).
        self.largest_busy_ms = 0.0
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
        largest, self.largest_stall_ms, self.largest_busy_ms = self.largest_stall_ms, 0.0, 0.0
        return largest

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before, cpu_before = loop.time(), time.thread_time()
            await asyncio.sleep(self._tick_s)
            late_ms = (loop.time() - before - self._tick_s) * 1000
            if late_ms > self.largest_stall_ms:
                self.largest_stall_ms = late_ms
            busy_ms = (time.thread_time() - cpu_before - self._tick_s) * 1000 if late_ms > 0 else 0.0
            self.largest_busy_ms = max(self.largest_busy_ms, min(busy_ms, late_ms))
