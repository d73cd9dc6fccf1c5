"""A deadline for a call to Discord that counts only while a request is on the wire.

A call can take long for two reasons: the connection stalled (worth giving up on, to try the next path), or
discord.py is waiting out a rate limit before it sends (the request keeps its place, and giving up on it only
sends it again later, behind the same limit). aiohttp's trace signals mark when each request starts and ends;
they run in the task that made the call, so a context variable finds the deadline of that call. The answer's
body is read after its headers, under the waiting deadline: Discord's bodies are small.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import aiohttp


@dataclass(frozen=True)
class _Deadline:
    timeout: asyncio.Timeout
    on_the_wire_s: float
    waiting_s: float
    # A task started inside the block inherits the context variable, and may send a request after the block
    # ended (its deadline gone): only the task that opened the deadline moves it.
    owner: asyncio.Task[Any] | None


_current: ContextVar[_Deadline | None] = ContextVar("discord_request_deadline", default=None)


@asynccontextmanager
async def answered_within(on_the_wire_s: float, waiting_s: float) -> AsyncIterator[None]:
    """Raises TimeoutError when one request goes unanswered for `on_the_wire_s`, or when no request is on the
    wire for `waiting_s` (a rate limit longer than anything worth waiting for)."""
    async with asyncio.timeout(waiting_s) as timeout:
        token = _current.set(_Deadline(timeout, on_the_wire_s, waiting_s, asyncio.current_task()))
        try:
            yield
        finally:
            _current.reset(token)


def _move(seconds_of: Callable[[_Deadline], float]) -> None:
    deadline = _current.get()
    if deadline is None or deadline.owner is not asyncio.current_task() or deadline.timeout.expired():
        return
    deadline.timeout.reschedule(asyncio.get_running_loop().time() + seconds_of(deadline))


async def _on_the_wire(_session: aiohttp.ClientSession, _ctx: SimpleNamespace, _params: Any) -> None:
    # From the start of a request (its connection included) until its answer's headers arrive.
    _move(lambda d: d.on_the_wire_s)


async def _off_the_wire(_session: aiohttp.ClientSession, _ctx: SimpleNamespace, _params: Any) -> None:
    # Answered (or failed): whatever comes next, a pause before a retry or the next request, is waiting.
    _move(lambda d: d.waiting_s)


def request_trace() -> aiohttp.TraceConfig:
    """The trace the bot's HTTP session carries (discord.Client(http_trace=...))."""
    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(_on_the_wire)
    trace.on_request_end.append(_off_the_wire)
    trace.on_request_exception.append(_off_the_wire)
    return trace
