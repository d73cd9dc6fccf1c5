"""NotificationService: one live subscription per waiting player, fed by the listener.

A subscription is an `asyncio.Queue` and the one task that drains it into the player's live message (the
interaction that put them in the queue). It is registered before the Join is written, so a match found in
the instant between the write and the answer to the player waits in the queue instead of racing the answer.
Nothing here knows Discord: the sink is any coroutine that shows an event.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from db.events import MATCH_FOUND, QUEUE_EXPIRED, QUEUE_REMOVED, Event

log = logging.getLogger(__name__)

Sink = Callable[[Event], Awaitable[None]]

# After one of these the player is no longer waiting, so the subscription ends.
ENDS_WAITING = frozenset({MATCH_FOUND, QUEUE_EXPIRED, QUEUE_REMOVED})


@dataclass
class _Notice:
    event: Event
    shown: asyncio.Future[bool]


@dataclass(eq=False)
class Subscription:
    player_id: int
    queue: asyncio.Queue[_Notice] = field(default_factory=asyncio.Queue)
    sink: Sink | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


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
        sub.task = asyncio.create_task(self._drain(sub), name=f"subscription-{player_id}")
        self._subscriptions[player_id] = sub
        return sub

    def activate(self, sub: Subscription, sink: Sink) -> None:
        """The player's live message exists now: events may be shown in it."""
        sub.sink = sink
        sub.ready.set()

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
        shown: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        sub.queue.put_nowait(_Notice(event, shown))
        try:
            return await asyncio.wait_for(asyncio.shield(shown), self._offer_timeout_s)
        except TimeoutError:
            return False

    async def close(self) -> None:
        subs = list(self._subscriptions.values())
        self._subscriptions.clear()
        for sub in subs:
            _end(sub)
        await asyncio.gather(*(s.task for s in subs if s.task is not None), return_exceptions=True)

    async def _drain(self, sub: Subscription) -> None:
        await sub.ready.wait()
        while True:
            notice = await sub.queue.get()
            try:
                assert sub.sink is not None
                await sub.sink(notice.event)
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


def _end(sub: Subscription) -> None:
    while not sub.queue.empty():
        _settle(sub.queue.get_nowait().shown, False)
    if sub.task is not None and sub.task is not asyncio.current_task():
        sub.task.cancel()


def _settle(future: asyncio.Future[bool], value: bool) -> None:
    if not future.done():
        future.set_result(value)
