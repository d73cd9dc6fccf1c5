"""NotificationService: one live subscription per waiting player, fed by the listener.

A subscription is the player's pending events and, while there is one to show, the one task that shows them
in order in the player's live message (the interaction that put them in the queue). It is registered before
the Join is written, so a match found in the instant between the write and the answer to the player waits
for the answer instead of racing it. Nothing here knows Discord: the sink is any coroutine that shows an event.

A waiting player costs one object and no task: tens of thousands wait at once, and everything they hold is
walked by each full garbage collection, a pause of the whole event loop. So a sink is shared by every
subscription that shows events the same way, each with its own address (plain values, which the collector
does not track), and the queue of pending events exists only while one is pending.

When the bot runs as several processes, any of them may read a player's event from the stream: one that finds
no subscription shows it through the same live message by its interaction token. The subscription left behind
in the process that answered the Join is then dropped by the first event of the match it is offered, or once
its live message can no longer be edited (`forget_expired`).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from db.events import (
    MATCH_ABORTED,
    MATCH_COMPLETED,
    MATCH_CONFIRMED,
    MATCH_DISPUTED,
    MATCH_FOUND,
    MATCH_INVALIDATED,
    MATCH_REMINDER,
    MATCH_REPORTED,
    QUEUE_EXPIRED,
    QUEUE_REMOVED,
    Event,
)

log = logging.getLogger(__name__)

# Shows an event: called as `sink(event, *address)`.
Sink = Callable[..., Awaitable[None]]

# After one of these the player is no longer waiting, so the subscription ends. They are the only events a
# subscription shows: any other (an admin's notice, a replay checked, someone waiting) is a message of its own,
# and shown here it would cover the live message, which may show the player's match by then (shown there by
# another bot process, while this one kept the subscription).
ENDS_WAITING = frozenset({MATCH_FOUND, QUEUE_EXPIRED, QUEUE_REMOVED})
# Offered one of these, a subscription learns its player's match was found and shown by another bot process.
AFTER_FOUND = frozenset(
    {MATCH_CONFIRMED, MATCH_REPORTED, MATCH_ABORTED, MATCH_COMPLETED, MATCH_DISPUTED, MATCH_INVALIDATED, MATCH_REMINDER}
)


@dataclass(slots=True)
class _Notice:
    event: Event
    shown: asyncio.Future[bool]


@dataclass(eq=False, slots=True)
class Subscription:
    player_id: int
    pending: deque[_Notice] | None = None  # only while an event waits to be shown
    sink: Sink | None = None  # set once the player's live message exists
    address: tuple[Any, ...] = field(default=(), repr=False)  # may hold a credential (an interaction token)
    task: asyncio.Task[None] | None = None  # only while something is being shown
    ended: bool = False
    until: float = math.inf  # when the live message can no longer be edited (Unix time)


class NotificationService:
    def __init__(self, *, offer_timeout_s: float = 5.0) -> None:
        self._subscriptions: dict[int, Subscription] = {}
        self._offer_timeout_s = offer_timeout_s

    @property
    def subscriptions(self) -> int:
        return len(self._subscriptions)

    def tasks(self) -> list[asyncio.Task[None]]:
        return [s.task for s in self._subscriptions.values() if s.task is not None and not s.task.done()]

    def subscribe(self, player_id: int) -> Subscription:
        """A new subscription for the player, replacing any earlier one (that one's player has left it)."""
        self.unsubscribe(player_id)
        sub = Subscription(player_id)
        self._subscriptions[player_id] = sub
        return sub

    def activate(self, sub: Subscription, sink: Sink, address: tuple[Any, ...] = (), until: float = math.inf) -> None:
        """The player's live message exists now: events may be shown in it, by `sink(event, *address)`, until
        `until` (Unix time)."""
        if sub.ended:
            return
        sub.sink = sink
        sub.address = address
        sub.until = until
        self._show_pending(sub)

    def forget_expired(self, now: float | None = None) -> int:
        """Ends the subscriptions whose live message can no longer be edited and that show nothing now."""
        now = time.time() if now is None else now
        expired = [s for s in self._subscriptions.values() if s.until <= now and s.task is None and not s.pending]
        for sub in expired:
            self.unsubscribe(sub.player_id, sub)
        return len(expired)

    def unsubscribe(self, player_id: int, sub: Subscription | None = None) -> None:
        """Ends the player's subscription (only `sub`, when given: a newer one is left alone)."""
        current = self._subscriptions.get(player_id)
        if current is None or (sub is not None and current is not sub):
            return
        del self._subscriptions[player_id]
        _end(current)

    async def offer(self, player_id: int, event: Event) -> bool:
        """Shows the event through the player's subscription; False when there is none or it could not."""
        sub = self._subscriptions.get(player_id)
        if sub is None:
            return False
        if event.type in AFTER_FOUND or sub.until <= time.time():
            self.unsubscribe(player_id, sub)
            return False
        if event.type not in ENDS_WAITING:
            return False
        shown: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        if sub.pending is None:
            sub.pending = deque()
        sub.pending.append(_Notice(event, shown))
        self._show_pending(sub)
        try:
            return await asyncio.wait_for(asyncio.shield(shown), self._offer_timeout_s)
        except TimeoutError:
            return False

    async def close(self) -> None:
        subs = list(self._subscriptions.values())
        self._subscriptions.clear()
        running = [s.task for s in subs if s.task is not None]
        for sub in subs:
            _end(sub)
        await asyncio.gather(*running, return_exceptions=True)

    def _show_pending(self, sub: Subscription) -> None:
        if sub.sink is not None and sub.task is None and sub.pending:
            sub.task = asyncio.create_task(self._show(sub), name=f"subscription-{sub.player_id}")

    async def _show(self, sub: Subscription) -> None:
        """Shows the pending events one after the other, then ends: the next offer starts it again."""
        try:
            while sub.pending:
                notice = sub.pending.popleft()
                try:
                    assert sub.sink is not None
                    await sub.sink(notice.event, *sub.address)
                except asyncio.CancelledError:
                    _settle(notice.shown, False)
                    raise
                except Exception as exc:
                    # The live message is gone or its token expired: the listener falls back to another path.
                    log.info("live view of player %s refused event %s: %s", sub.player_id, notice.event.id, exc,
                             extra={"player_id": sub.player_id, "event_id": notice.event.id})  # fmt: skip
                    _settle(notice.shown, False)
                    self.unsubscribe(sub.player_id, sub)
                    return
                _settle(notice.shown, True)
                if notice.event.type in ENDS_WAITING:
                    self.unsubscribe(sub.player_id, sub)
                    return
        finally:
            sub.task = None
            if not sub.pending:
                sub.pending = None


def _end(sub: Subscription) -> None:
    sub.ended = True
    while sub.pending:
        _settle(sub.pending.popleft().shown, False)
    sub.pending = None
    if sub.task is not None and sub.task is not asyncio.current_task():
        sub.task.cancel()


def _settle(future: asyncio.Future[bool], value: bool) -> None:
    if not future.done():
        future.set_result(value)
