"""Requests made together are flushed together; a failure reaches every caller of its batch."""

from __future__ import annotations

import asyncio

from bot.coalesce import Coalescer


async def test_requests_of_one_moment_share_a_flush_and_later_ones_the_next() -> None:
    batches: list[list[int]] = []
    release = asyncio.Event()

    async def flush(items: list[int]) -> int:
        batches.append(items)
        await release.wait()
        return len(items)

    coalescer: Coalescer[int, int] = Coalescer(flush)
    first = [asyncio.create_task(coalescer.submit(i)) for i in range(5)]
    await asyncio.sleep(0.01)
    later = [asyncio.create_task(coalescer.submit(i)) for i in range(5, 8)]  # while the first flush runs
    await asyncio.sleep(0.01)
    release.set()
    assert await asyncio.gather(*first) == [5] * 5
    assert await asyncio.gather(*later) == [3] * 3
    assert batches == [[0, 1, 2, 3, 4], [5, 6, 7]]


async def test_a_failed_flush_fails_its_callers_and_the_next_batch_still_runs() -> None:
    calls = 0

    async def flush(items: list[str]) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("down")

    coalescer: Coalescer[str, None] = Coalescer(flush)
    failed = await asyncio.gather(coalescer.submit("a"), coalescer.submit("b"), return_exceptions=True)
    assert all(isinstance(f, ConnectionError) for f in failed)
    assert await coalescer.submit("c") is None
    assert calls == 2
