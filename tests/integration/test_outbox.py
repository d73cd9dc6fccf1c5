"""The outbox: a worker killed between commit and publish loses nothing; the relay publishes once."""

from __future__ import annotations

import asyncio
import signal
import time
from typing import Any

import redis
import redis.asyncio as aioredis
from sqlalchemy import Engine, text

from bot.queue_service import QueueService
from bot.stream_consumer import EventConsumer
from db.events import Event
from tests.integration.conftest import Worker
from tests.integration.helpers import fill_queue, stream_events


async def test_worker_killed_after_commit_relay_publishes_once(
    queue_service: QueueService, engine: Engine, celery_app: Any, worker: Worker, spawn_worker: Any,
    redis_client: redis.Redis, stream: str, ladder_env: dict[str, str],
) -> None:  # fmt: skip
    await fill_queue(queue_service, engine, 60)
    doomed = spawn_worker(LADDER_FAILPOINT="wave_after_commit")
    celery_app.send_task("ladder.matchmaking_wave", queue=doomed.queue)
    assert doomed.process.wait(60) == -signal.SIGKILL

    with engine.connect() as conn:
        matches = conn.execute(text("SELECT count(*) FROM matches")).scalar()
        unpublished = conn.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar()
    assert matches and unpublished == matches, "the wave committed its matches and events, then died"
    assert stream_events(redis_client, stream) == []

    time.sleep(1.1)  # the relay leaves rows younger than a second to the wave that is publishing them
    assert celery_app.send_task("ladder.relay_outbox", queue=worker.queue).get(timeout=30) == matches
    assert celery_app.send_task("ladder.relay_outbox", queue=worker.queue).get(timeout=30) == 0
    events = stream_events(redis_client, stream)
    assert len(events) == matches and len({e.id for e in events}) == matches

    # Published twice anyway (a relay that died after XADD, before marking the row): shown once.
    redis_client.xadd(stream, events[0].to_fields())  # type: ignore[arg-type]
    seen: list[int] = []

    async def handler(event: Event) -> None:
        seen.append(event.id)

    client = aioredis.Redis.from_url(ladder_env["REDIS_URL"])
    consumer = EventConsumer(client, stream, "bot", "bot-1", handler, block_ms=50)
    await consumer.ensure_group()
    while await consumer.read_new():
        pass
    await client.aclose()
    assert sorted(seen) == sorted(e.id for e in events)
    assert consumer.duplicates_skipped == 1
    assert redis_client.xpending(stream, "bot")["pending"] == 0


async def test_expiry_ends_overdue_entries_with_an_event(
    queue_service: QueueService, engine: Engine, celery_app: Any, worker: Worker, redis_client: redis.Redis,
    stream: str,
) -> None:  # fmt: skip
    for player in (1, 2, 3):
        await queue_service.join(player, ["bw_zerg"])
    with engine.begin() as conn:
        conn.execute(text("UPDATE queue_entries SET joined_at = now() - interval '16 minutes' WHERE player_id < 3"))
    assert celery_app.send_task("ladder.expire_entries", queue=worker.queue).get(timeout=30) == 2
    with engine.connect() as conn:
        states = dict(conn.execute(text("SELECT player_id, state FROM queue_entries")).all())
    assert states == {1: "expired", 2: "expired", 3: "waiting"}
    events = stream_events(redis_client, stream)
    assert sorted(e.player_ids for e in events) == [(1,), (2,)]
    assert all(e.type == "queue_expired" and e.payload["waited_s"] >= 960 for e in events)


async def test_trimming_keeps_what_a_consumer_has_not_acknowledged(
    redis_client: redis.Redis, stream: str, ladder_env: dict[str, str]
) -> None:
    from db.outbox import trim_stream

    for i in range(10):
        redis_client.xadd(stream, Event(i + 1, "match_found", (1, 2), {"match_id": i + 1}).to_fields())  # type: ignore[arg-type]
    assert trim_stream(redis_client, stream) == 0, "no group has read anything yet"
    redis_client.xgroup_create(stream, "bot", id="0")
    read = redis_client.xreadgroup("bot", "c1", {stream: ">"}, count=6)
    ids = [entry_id for entry_id, _ in read[0][1]]  # type: ignore[index]
    redis_client.xack(stream, "bot", *ids[:3])  # 3 acknowledged, 3 pending, 4 never read
    assert trim_stream(redis_client, stream) == 3
    remaining = [entry_id for entry_id, _ in redis_client.xrange(stream)]
    assert remaining[:3] == ids[3:] and len(remaining) == 7
    assert redis_client.xpending(stream, "bot")["pending"] == 3


async def test_consumer_that_dies_mid_handling_is_taken_over(
    redis_client: redis.Redis, stream: str, ladder_env: dict[str, str]
) -> None:
    for i in range(5):
        redis_client.xadd(stream, Event(i + 1, "match_found", (1, 2), {"match_id": i + 1}).to_fields())  # type: ignore[arg-type]
    stuck = asyncio.Event()
    handled_by: dict[int, str] = {}

    async def dying_handler(event: Event) -> None:
        if event.id == 3:
            stuck.set()
            await asyncio.sleep(3600)  # dies here: cancelled below, never acknowledges
        handled_by[event.id] = "first"

    async def healthy_handler(event: Event) -> None:
        handled_by[event.id] = "second"

    client = aioredis.Redis.from_url(ladder_env["REDIS_URL"])
    first = EventConsumer(client, stream, "bot", "bot-a", dying_handler, claim_idle_ms=200, block_ms=50)
    task = asyncio.create_task(first.run())
    await asyncio.wait_for(stuck.wait(), 10)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert 3 not in handled_by

    second = EventConsumer(client, stream, "bot", "bot-b", healthy_handler, claim_idle_ms=200, block_ms=50)
    await asyncio.sleep(0.3)
    assert await second.claim_abandoned() >= 1
    while await second.read_new():
        pass
    await client.aclose()
    assert handled_by[3] == "second"
    assert sorted(handled_by) == [1, 2, 3, 4, 5]
    assert redis_client.xpending(stream, "bot")["pending"] == 0


async def test_a_slow_entry_of_a_live_consumer_is_not_claimed_by_another(
    redis_client: redis.Redis, stream: str, ladder_env: dict[str, str]
) -> None:
    """Two bot processes share the group: an entry one of them is still handling after several claim timeouts
    (waiting out a rate limit) stays its own, and is handled once."""
    redis_client.xadd(stream, Event(1, "match_reminder", (1, 2), {"match_id": 1}).to_fields())  # type: ignore[arg-type]
    slow_started, slow_may_end = asyncio.Event(), asyncio.Event()
    handled_by: list[str] = []

    async def slow_handler(event: Event) -> None:
        slow_started.set()
        await slow_may_end.wait()
        handled_by.append("slow")

    async def other_handler(event: Event) -> None:
        handled_by.append("other")

    client = aioredis.Redis.from_url(ladder_env["REDIS_URL"])
    slow = EventConsumer(client, stream, "bot", "bot-shards-0", slow_handler, claim_idle_ms=300, block_ms=50)
    other = EventConsumer(client, stream, "bot", "bot-shards-1", other_handler, claim_idle_ms=300, block_ms=50)
    stop = asyncio.Event()
    running = asyncio.create_task(slow.run(stop))
    try:
        await asyncio.wait_for(slow_started.wait(), 10)
        for _ in range(6):  # two seconds: more than six claim timeouts
            await asyncio.sleep(0.35)
            assert await other.claim_abandoned() == 0
        slow_may_end.set()
        stop.set()
        await asyncio.wait_for(running, 10)
    finally:
        await client.aclose()
    assert handled_by == ["slow"]
    assert redis_client.xpending(stream, "bot")["pending"] == 0


async def test_consumer_replays_its_own_pending_after_a_restart(
    redis_client: redis.Redis, stream: str, ladder_env: dict[str, str]
) -> None:
    redis_client.xadd(stream, Event(1, "match_found", (1, 2), {"match_id": 1}).to_fields())  # type: ignore[arg-type]
    redis_client.xgroup_create(stream, "bot", id="0")
    redis_client.xreadgroup("bot", "bot-1", {stream: ">"})  # read, then the process died
    seen: list[int] = []

    async def handler(event: Event) -> None:
        seen.append(event.id)

    client = aioredis.Redis.from_url(ladder_env["REDIS_URL"])
    restarted = EventConsumer(client, stream, "bot", "bot-1", handler)
    assert await restarted.replay_own_pending() == 1
    await client.aclose()
    assert seen == [1] and redis_client.xpending(stream, "bot")["pending"] == 0


async def test_a_failing_handler_leaves_the_event_pending(
    redis_client: redis.Redis, stream: str, ladder_env: dict[str, str]
) -> None:
    redis_client.xadd(stream, Event(1, "match_found", (1, 2), {"match_id": 1}).to_fields())  # type: ignore[arg-type]

    async def failing(event: Event) -> None:
        raise RuntimeError("Discord is down")

    client = aioredis.Redis.from_url(ladder_env["REDIS_URL"])
    consumer = EventConsumer(client, stream, "bot", "bot-1", failing, block_ms=50)
    await consumer.ensure_group()
    await consumer.read_new()
    await client.aclose()
    assert consumer.handled_count == 0
    assert redis_client.xpending(stream, "bot")["pending"] == 1


async def test_an_entry_off_the_contract_is_counted_and_acknowledged_and_the_next_is_handled(
    redis_client: redis.Redis, stream: str, ladder_env: dict[str, str]
) -> None:
    redis_client.xadd(stream, Event(1, "match_found", (1, 2), {"match_id": "one"}).to_fields())  # type: ignore[arg-type]
    redis_client.xadd(stream, {"event_id": "2", "type": "match_found"})
    redis_client.xadd(stream, Event(3, "match_found", (1, 2), {"match_id": 3}).to_fields())  # type: ignore[arg-type]
    seen: list[int] = []

    async def handler(event: Event) -> None:
        seen.append(event.id)

    client = aioredis.Redis.from_url(ladder_env["REDIS_URL"])
    consumer = EventConsumer(client, stream, "bot", "bot-1", handler, block_ms=50)
    await consumer.ensure_group()
    while await consumer.read_new():
        pass
    await client.aclose()
    assert seen == [3]
    assert consumer.malformed_count == 2
    assert redis_client.xpending(stream, "bot")["pending"] == 0
