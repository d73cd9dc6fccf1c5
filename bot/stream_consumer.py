"""The stream consumer the bot's listener runs. It knows nothing of Discord: it hands each event to a handler.

Delivery is at least once; the handler sees each event id once per consumer (the relay may publish an event
twice, and an entry may be claimed from a dead consumer after it was handled). An entry is acknowledged only
after its handler returned: a handler that raises leaves it pending, to be retried or claimed.

While it runs, entries are handled concurrently (up to `max_in_flight`), each acknowledged when its own
handler returns, so one slow delivery never holds up the players behind it. A handler about to wait its turn on
something slow and narrow (a rate limit, a backoff) calls `step_aside()`: its entry moves to a larger reserve
(`max_set_aside`) and frees its place for the entries behind it.

Several bot processes share the group, each one consumer. An entry another consumer has held longer than the
claim timeout is claimed, as its consumer is taken for dead; so while an entry is being handled here, however
long that takes (a rate limit, a backoff), its idle time is reset every third of the timeout (`XCLAIM ...
JUSTID` to itself): a live consumer's entries are never handled a second time by another.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError, ResponseError

from bot.coalesce import Coalescer
from db.events import Event, MalformedEvent
from db.payloads import read_event

log = logging.getLogger(__name__)

Handler = Callable[[Event], Awaitable[None]]


@dataclass
class _Reserve:
    """Entries set aside: waiting for something slow, counted apart from those in flight, up to a bound."""

    limit: int
    held: int = 0


class _Place:
    """Where one entry's handling counts: among those in flight, then perhaps among those set aside."""

    def __init__(self, in_flight: asyncio.Semaphore, reserve: _Reserve) -> None:
        self._in_flight = in_flight
        self._reserve = reserve
        self._state = "in_flight"

    def step_aside(self) -> None:
        # Never waits: with the reserve full, the entry keeps its place (the reading slows down, nothing grows).
        if self._state == "in_flight" and self._reserve.held < self._reserve.limit:
            self._reserve.held += 1
            self._in_flight.release()
            self._state = "set_aside"

    def leave(self) -> None:
        if self._state == "in_flight":
            self._in_flight.release()
        elif self._state == "set_aside":
            self._reserve.held -= 1
        self._state = "gone"


_place: ContextVar[_Place | None] = ContextVar("stream_entry_place", default=None)


def step_aside() -> None:
    """Called by a handler (or a task it started) that is about to wait for something slow and narrow: its entry
    stops counting against `max_in_flight`, so the entries behind it are read and handled meanwhile."""
    place = _place.get()
    if place is not None:
        place.step_aside()


class EventConsumer:
    def __init__(
        self,
        client: aioredis.Redis,
        stream: str,
        group: str,
        consumer: str,
        handler: Handler,
        *,
        claim_idle_ms: int = 30_000,
        block_ms: int = 1_000,
        batch: int = 100,
        remember: int = 100_000,
        max_in_flight: int = 200,
        max_set_aside: int = 5_000,
    ) -> None:
        self._redis = client
        self._stream = stream
        self._group = group
        self._consumer = consumer
        self._handler = handler
        self._claim_idle_ms = claim_idle_ms
        self._block_ms = block_ms
        self._batch = batch
        self._handled: OrderedDict[int, None] = OrderedDict()
        self._remember = remember
        self._slots = asyncio.Semaphore(max_in_flight)
        self._reserve = _Reserve(max_set_aside)
        self._in_flight: dict[str, asyncio.Task[None]] = {}
        self._handling: dict[int, asyncio.Task[Any]] = {}
        self.handled_count = 0
        self.duplicates_skipped = 0
        self.malformed_count = 0
        # The acknowledgements of entries handled at the same moment go out as one XACK.
        self._acks: Coalescer[bytes | str, None] = Coalescer(self._acknowledge)

    @property
    def set_aside_count(self) -> int:
        return self._reserve.held

    async def ensure_group(self) -> None:
        try:
            # From the stream's start: events published before the bot first ran are still delivered.
            await self._redis.xgroup_create(self._stream, self._group, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Consumes until `stop` is set, then finishes what is in flight; cancelled, it abandons it unacknowledged."""
        stop = stop or asyncio.Event()
        try:
            await self._run(stop)
        except asyncio.CancelledError:
            for task in list(self._in_flight.values()):
                task.cancel()
            await self.drain()
            raise
        await self.drain()

    async def drain(self) -> None:
        """Waits for the entries being handled."""
        await asyncio.gather(*self._in_flight.values(), return_exceptions=True)

    async def _run(self, stop: asyncio.Event) -> None:
        keeping = asyncio.create_task(self._keep_in_flight_fresh(), name="stream-entries-kept")
        try:
            await self._read_until(stop)
        finally:
            keeping.cancel()
            await asyncio.gather(keeping, return_exceptions=True)

    async def _keep_in_flight_fresh(self) -> None:
        """Resets the idle time of the entries being handled here, so no other consumer claims them."""
        every_s = self._claim_idle_ms / 3000
        while True:
            await asyncio.sleep(every_s)
            try:
                await self.keep_fresh()
            except (RedisError, OSError) as exc:
                log.warning("could not keep the entries in flight ours (%s)", type(exc).__name__)

    async def keep_fresh(self) -> int:
        """XCLAIM, to this consumer, the entries it is handling that have been idle a third of the claim timeout;
        how many it renewed."""
        ids: list[int | bytes | str | memoryview[int]] = list(self._in_flight)
        if not ids:
            return 0
        renewed = await self._redis.xclaim(
            self._stream, self._group, self._consumer, self._claim_idle_ms // 3, ids, justid=True
        )
        return len(renewed)

    async def _read_until(self, stop: asyncio.Event) -> None:
        await self._retrying(self.ensure_group)
        await self.replay_own_pending(wait=False)
        last_claim = 0.0
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            try:
                if loop.time() - last_claim >= self._claim_idle_ms / 2000:
                    await self.claim_abandoned(wait=False)
                    last_claim = loop.time()
                await self.read_new(wait=False)
            except ResponseError as exc:
                if "NOGROUP" not in str(exc):
                    raise
                # The server lost its data (a restart without persistence): recreate the group and go on.
                log.warning("consumer group is gone; recreating it")
                await self._retrying(self.ensure_group)
            except (RedisError, OSError) as exc:
                log.warning("event stream unreachable (%s); retrying", type(exc).__name__)
                await asyncio.sleep(0.5)

    async def _retrying(self, step: Callable[[], Awaitable[None]]) -> None:
        try:
            await step()
        except (RedisError, OSError) as exc:
            log.warning("event stream unreachable (%s); retrying", type(exc).__name__)
            await asyncio.sleep(0.5)

    async def replay_own_pending(self, *, wait: bool = True) -> int:
        """Entries this consumer read before a restart and never acknowledged."""
        handled = 0
        start = "0"
        started: list[asyncio.Task[None]] = []
        while True:
            reply = await self._redis.xreadgroup(self._group, self._consumer, {self._stream: start}, count=self._batch)
            entries = _entries(reply)
            if not entries:
                break
            for entry_id, fields in entries:
                started.extend(await self._start(entry_id, fields))
                handled += 1
            start = _text(entries[-1][0])
        if wait:
            await asyncio.gather(*started)
        return handled

    async def claim_abandoned(self, *, wait: bool = True) -> int:
        """Entries another consumer has held longer than the claim timeout (it died or stalled)."""
        claimed = 0
        start = "0-0"
        started: list[asyncio.Task[None]] = []
        while True:
            reply: Any = await self._redis.xautoclaim(
                self._stream,
                self._group,
                self._consumer,
                self._claim_idle_ms,
                start_id=start,
                count=self._batch,
            )
            start, entries = _text(reply[0]), reply[1]
            for entry_id, fields in entries:
                if fields is None:  # trimmed away while pending
                    await self._acks.submit(entry_id)
                    continue
                started.extend(await self._start(entry_id, fields))
                claimed += 1
            if start == "0-0":
                break
        if wait:
            await asyncio.gather(*started)
        return claimed

    async def read_new(self, *, wait: bool = True) -> int:
        reply = await self._redis.xreadgroup(
            self._group, self._consumer, {self._stream: ">"}, count=self._batch, block=self._block_ms
        )
        entries = _entries(reply)
        started: list[asyncio.Task[None]] = []
        for entry_id, fields in entries:
            started.extend(await self._start(entry_id, fields))
        if wait:
            await asyncio.gather(*started)
        return len(entries)

    async def _start(self, entry_id: bytes | str, fields: dict[Any, Any]) -> list[asyncio.Task[None]]:
        """Starts handling an entry unless it is being handled already (claimed back while in flight)."""
        key = _text(entry_id)
        if key in self._in_flight:
            return []
        await self._slots.acquire()
        place = _Place(self._slots, self._reserve)
        task = asyncio.create_task(self._handle(entry_id, fields, place), name=f"event-entry-{key}")
        self._in_flight[key] = task

        def _done(_: asyncio.Task[None]) -> None:
            self._in_flight.pop(key, None)
            place.leave()

        task.add_done_callback(_done)
        return [task]

    async def _handle(self, entry_id: bytes | str, fields: dict[Any, Any], place: _Place) -> None:
        _place.set(place)  # this task's own context, copied into the tasks the handler starts
        try:
            await self._handle_once(entry_id, fields)
        except (RedisError, OSError) as exc:
            # Not acknowledged: the entry stays pending and is handled again, where the dedupe catches it.
            log.warning("could not acknowledge stream entry %s (%s)", _text(entry_id), type(exc).__name__)

    async def _handle_once(self, entry_id: bytes | str, fields: dict[Any, Any]) -> None:
        try:
            event = read_event(fields)
        except MalformedEvent as exc:
            # Handled again it would fail again: acknowledged, so it never holds the stream up.
            self.malformed_count += 1
            log.error("dropping stream entry %s: %s", _text(entry_id), exc)
            await self._acks.submit(entry_id)
            return
        earlier = self._handling.get(event.id)
        if earlier is not None:  # the same event published twice, both copies read at once
            await asyncio.wait([earlier])
        if event.id in self._handled:
            self.duplicates_skipped += 1
            await self._acks.submit(entry_id)
            return
        current = asyncio.current_task()
        assert current is not None
        self._handling[event.id] = current
        try:
            await self._handler(event)
        except asyncio.CancelledError:
            raise
        except Exception:
            # Left pending: replayed or claimed later, never acknowledged unhandled.
            log.exception("handler failed for event %s (%s); it stays pending", event.id, event.type)
            return
        finally:
            self._handling.pop(event.id, None)
        self._remember_handled(event.id)
        self.handled_count += 1
        await self._acks.submit(entry_id)

    async def _acknowledge(self, entry_ids: list[bytes | str]) -> None:
        await self._redis.xack(self._stream, self._group, *entry_ids)

    def _remember_handled(self, event_id: int) -> None:
        self._handled[event_id] = None
        if len(self._handled) > self._remember:
            self._handled.popitem(last=False)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _entries(reply: Any) -> list[tuple[bytes | str, dict[Any, Any]]]:
    """The entries of a one-stream XREADGROUP reply (RESP2 list or RESP3 map)."""
    if not reply:
        return []
    if isinstance(reply, dict):
        return list(next(iter(reply.values()))[0]) if reply else []
    return list(reply[0][1])
