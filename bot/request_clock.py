"""A deadline for a call to Discord that counts only while a request is on the wire.

A call can take long for two reasons: the connection stalled (worth giving up on, to try the next path), or
discord.py is waiting out a rate limit before it sends (the request keeps its place, and giving up on it only
sends it again later, behind the same limit). aiohttp's trace signals mark when each request starts and ends;
they run in the task that made the call, so a context variable finds the deadline of that call.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
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


_current: ContextVar[_Deadline | None] = ContextVar("discord_request_deadline", default=None)


@asynccontextmanager
async def answered_within(on_the_wire_s: float, waiting_s: float) -> AsyncIterator[None]:
    """Raises TimeoutError when one request goes unanswered for `on_the_wire_s`, or when no request is on the
    wire for `waiting_s` (a rate limit longer than anything worth waiting for)."""
    async with asyncio.timeout(waiting_s) as timeout:
        token = _current.set(_Deadline(timeout, on_the_wire_s, waiting_s))
        try:
            yield
        finally:
            _current.reset(token)


async def _sent(_session: aiohttp.ClientSession, _ctx: SimpleNamespace, _params: Any) -> None:
    deadline = _current.get()
    if deadline is not None and not deadline.timeout.expired():
        deadline.timeout.reschedule(asyncio.get_running_loop().time() + deadline.on_the_wire_s)


async def _answered(_session: aiohttp.ClientSession, _ctx: SimpleNamespace, _params: Any) -> None:
    deadline = _current.get()
    if deadline is not None and not deadline.timeout.expired():
        deadline.timeout.reschedule(asyncio.get_running_loop().time() + deadline.waiting_s)


def request_trace() -> aiohttp.TraceConfig:
    """The trace the bot's HTTP session carries (discord.Client(http_trace=...))."""
    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(_sent)
    trace.on_request_end.append(_answered)
    trace.on_request_exception.append(_answered)
    return trace
