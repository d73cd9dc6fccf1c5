"""Measures how long the bot's event loop stalls: the promise is that it never blocks.

A tick that wakes late was either held up by work on the loop (the loop's own fault) or by the machine not
running the process at all (another process had the cores). The thread's CPU time over the tick tells them
apart: both the lateness and the CPU time spent in the late tick are kept. The garbage collector's pauses are
kept too (as CPU time, which the machine's other processes do not inflate): a full collection walks every
object the bot holds, which no profile of the bot's own code shows.
"""

from __future__ import annotations

import asyncio
import gc
import time
from typing import Any


class LoopWatch:
    def __init__(self, tick_s: float = 0.02) -> None:
        self._tick_s = tick_s
        self.largest_stall_ms = 0.0
        # Of the late ticks, the most CPU time the loop itself spent in one (work that held it up).
        self.largest_busy_ms = 0.0
        self.largest_gc_cpu_ms = 0.0
        self.largest_gc_generation: int | None = None
        self._gc_began: float | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._watch(), name="loop-watch")
            gc.callbacks.append(self._on_gc)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
            if self._on_gc in gc.callbacks:
                gc.callbacks.remove(self._on_gc)

    def reset(self) -> float:
        largest, self.largest_stall_ms, self.largest_busy_ms = self.largest_stall_ms, 0.0, 0.0
        self.largest_gc_cpu_ms, self.largest_gc_generation = 0.0, None
        return largest

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_began = time.thread_time()
        elif self._gc_began is not None:
            pause_ms = (time.thread_time() - self._gc_began) * 1000
            self._gc_began = None
            if pause_ms > self.largest_gc_cpu_ms:
                self.largest_gc_cpu_ms = pause_ms
                self.largest_gc_generation = int(info.get("generation", -1))

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
