"""Many callers' small requests, run as one: what a burst needs so it shares its round trips."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Coalescer(Generic[T, R]):
    """Runs `flush` on every item requested since the last flush began; each caller gets its share of R."""

    def __init__(self, flush: Callable[[list[T]], Awaitable[R]]) -> None:
        self._flush = flush
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._running: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._running is None:
            self._running = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._waiting:
                await asyncio.sleep(0)  # let this turn's other requests join the batch
                batch, self._waiting = self._waiting, []
                try:
                    result = await self._flush([item for item, _ in batch])
                except BaseException as exc:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc if isinstance(exc, Exception) else RuntimeError("cancelled"))
                    if not isinstance(exc, Exception):
                        raise
                    continue
                for _, future in batch:
                    if not future.done():
                        future.set_result(result)
        finally:
            self._running = None
            if self._waiting:  # left by a cancelled flush: nobody would ever answer them
                waiting, self._waiting = self._waiting, []
                for _, future in waiting:
                    if not future.done():
                        future.set_exception(RuntimeError("the batch was abandoned (shutting down)"))
