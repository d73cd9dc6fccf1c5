"""NotificationService: one subscription per waiting player, nothing left behind after it ends."""

from __future__ import annotations

import asyncio
import gc
import time

from bot.live_messages import LiveMessages
from bot.notifications import NotificationService
from db.events import (
    ADMIN_NOTICE,
    MATCH_COMPLETED,
    MATCH_FOUND,
    MATCH_REPORTED,
    QUEUE_EXPIRED,
    REPLAY_CHECKED,
    SOMEONE_WAITING,
    Event,
)


def _event(event_id: int, player_id: int, type_: str = MATCH_FOUND) -> Event:
    return Event(event_id, type_, (player_id, player_id + 1), {"match_id": event_id})


def _live(service: NotificationService, player_id: int) -> list[int]:
    """A live subscription for the player; what it shows (event ids) is recorded in the list returned."""
    shown: list[int] = []

    async def sink(event: Event) -> None:
        shown.append(event.id)

    service.activate(service.subscribe(player_id), sink)
    return shown


async def test_a_thousand_join_match_cycles_leave_no_subscription_or_task() -> None:
    service = NotificationService()
    shown: list[tuple[int, int]] = []
    tasks_before = len(asyncio.all_tasks())
    for cycle in range(1000):
        player = 10_000 + cycle % 7  # the same players come back again and again
        sub = service.subscribe(player)

        async def sink(event: Event, player: int = player) -> None:
            shown.append((event.id, player))

        service.activate(sub, sink)
        assert await service.offer(player, _event(cycle, player)) is True
    await asyncio.sleep(0)  # let the finished tasks be reaped
    assert service.subscriptions == 0
    assert service.tasks() == []
    assert len(asyncio.all_tasks()) == tasks_before
    assert shown == [(c, 10_000 + c % 7) for c in range(1000)]


async def test_an_event_waits_for_the_live_message_then_is_shown() -> None:
    service = NotificationService()
    sub = service.subscribe(1)
    shown: list[int] = []

    async def sink(event: Event) -> None:
        shown.append(event.id)

    offered = asyncio.create_task(service.offer(1, _event(5, 1)))
    await asyncio.sleep(0.05)
    assert shown == [] and not offered.done()  # the answer to the player has not been sent yet
    service.activate(sub, sink)
    assert await offered is True
    assert shown == [5]


async def test_a_sink_that_fails_reports_not_shown_and_ends_the_subscription() -> None:
    service = NotificationService()
    sub = service.subscribe(1)

    async def broken(event: Event) -> None:
        raise RuntimeError("token expired")

    service.activate(sub, broken)
    assert await service.offer(1, _event(1, 1)) is False
    await asyncio.sleep(0)
    assert service.subscriptions == 0 and service.tasks() == []


async def test_no_subscription_means_not_shown_and_expiry_ends_it() -> None:
    service = NotificationService()
    assert await service.offer(2, _event(1, 2)) is False
    sub = service.subscribe(2)

    async def sink(event: Event) -> None:
        return None

    service.activate(sub, sink)
    assert await service.offer(2, _event(2, 2, QUEUE_EXPIRED)) is True
    await asyncio.sleep(0)
    assert service.subscriptions == 0


async def test_a_new_subscription_replaces_the_old_and_close_ends_all() -> None:
    service = NotificationService(offer_timeout_s=0.2)
    first = service.subscribe(3)
    second = service.subscribe(3)
    shown: list[tuple[str, int]] = []

    async def old_sink(event: Event) -> None:
        shown.append(("old", event.id))

    service.activate(first, old_sink)  # the replaced subscription shows nothing any more
    service.unsubscribe(3, first)  # a stale handle leaves the newer subscription alone
    assert service.subscriptions == 1
    assert await service.offer(3, _event(1, 3)) is False  # never activated: times out, not shown
    assert shown == []
    for player in range(10):
        service.subscribe(100 + player)
    await service.close()
    assert service.subscriptions == 0 and service.tasks() == []
    assert second.task is None and not second.pending  # the notice that waited is settled, not left behind


async def test_waiting_players_hold_no_task_until_there_is_something_to_show() -> None:
    service = NotificationService()
    tasks_before = len(asyncio.all_tasks())
    shown: list[int] = []

    async def sink(event: Event) -> None:
        await asyncio.sleep(0.01)
        shown.append(event.id)

    subs = [service.subscribe(player) for player in range(1000)]
    for sub in subs:
        service.activate(sub, sink)
    assert len(asyncio.all_tasks()) == tasks_before  # a thousand waiting players, no task among them
    offered = [
        asyncio.create_task(service.offer(7, _event(n, 7, t))) for n, t in enumerate((MATCH_FOUND, QUEUE_EXPIRED))
    ]
    await asyncio.sleep(0)
    assert len(service.tasks()) == 1  # one task shows the player's events, in order
    # The match found ends the wait: the expiry queued behind it is not shown over it.
    assert await asyncio.gather(*offered) == [True, False]
    assert shown == [0]
    await asyncio.sleep(0)
    assert service.tasks() == [] and service.subscriptions == 999


async def test_a_waiting_player_costs_the_garbage_collector_one_object() -> None:
    # Every full collection walks each tracked object: with tens of thousands waiting, that is a loop pause.
    service = NotificationService()
    live = LiveMessages(client=None, catalogs=None)  # type: ignore[arg-type]  # never shows anything here
    gc.collect()
    before = len(gc.get_objects())
    for player in range(5_000):
        sub = service.subscribe(player)
        service.activate(sub, live.show, LiveMessages.address(1, f"token-{player}", player, "ko"))
    gc.collect()  # a collection stops tracking the tuples of plain values (each player's address)
    assert len(gc.get_objects()) - before <= 5_000 + 10
    assert service.subscriptions == 5_000


async def test_a_subscription_offered_its_match_later_on_was_left_by_another_process() -> None:
    """With several bot processes, another one showed the player's match found: the first event of the match
    offered here ends the subscription, unshown, so the listener shows it by the token path (and its checks)."""
    service = NotificationService()
    shown = _live(service, 1)
    assert await service.offer(1, _event(8, 1, MATCH_REPORTED)) is False
    assert shown == [] and service.subscriptions == 0
    assert await service.offer(1, _event(9, 1, MATCH_COMPLETED)) is False


async def test_subscriptions_whose_live_message_died_are_forgotten() -> None:
    service = NotificationService()
    shown: list[int] = []

    async def sink(event: Event) -> None:
        shown.append(event.id)

    now = time.time()
    for player, until in ((1, now - 200), (2, now - 100), (3, now + 600)):
        service.activate(service.subscribe(player), sink, until=until)
    service.subscribe(4)  # its Join is still being answered: it waits for its live message
    assert service.forget_expired() == 2
    assert service.subscriptions == 2
    assert await service.offer(3, _event(5, 3)) is True and shown == [5]
    service.activate(service.subscribe(5), sink, until=0.0)  # died long ago, by the clock
    assert await service.offer(5, _event(6, 5)) is False and shown == [5]


async def test_an_event_of_its_own_is_never_shown_over_the_live_message() -> None:
    """A demo run had an admin's notice settling a dispute cover a player's match result: the bot process that
    answered the Join still held the subscription, and another process had shown the match in its live message."""
    service = NotificationService()
    shown = _live(service, 1)
    for n, type_ in enumerate((ADMIN_NOTICE, REPLAY_CHECKED, SOMEONE_WAITING)):
        assert await service.offer(1, _event(n, 1, type_)) is False
    assert shown == [] and service.subscriptions == 1
    assert await service.offer(1, _event(7, 1)) is True and shown == [7]
