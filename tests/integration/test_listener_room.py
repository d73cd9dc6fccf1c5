"""A burst of direct messages waiting on Discord's one bucket for opening DM channels does not hold the listener:
the event behind it, whose players have live views, is shown at once. Real listener on real Redis, real
Deliverer and discord.py against the stand-in with its rate limits."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import discord
import pytest_asyncio
import redis
import redis.asyncio as aioredis
from sqlalchemy import Engine, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.catalogs import load_catalogs
from bot.delivery import Deliverer
from bot.notifications import NotificationService
from bot.stream_consumer import EventConsumer
from db.events import MATCH_FOUND, QUEUE_EXPIRED, Event
from db.ladder import load_ladder
from sandbox.discord_standin import StandIn, logged_in_client
from sandbox.discord_standin.rate_limits import ROUTES, Bucket, RateLimits

TOKEN = "listener-room-test-token"
OPEN_DM = ("POST", "/users/@me/channels")
# One DM channel a second: the burst's 12 direct messages take about 12 s.
ONE_DM_A_SECOND = Bucket(1, 1.0, shared=True)
IN_FLIGHT = 4
DM_PLAYERS = range(5001, 5013)
LIVE_PLAYERS = (6001, 6002)


@pytest_asyncio.fixture
async def dm_client() -> AsyncIterator[tuple[StandIn, discord.Client]]:
    standin = StandIn(TOKEN, rate_limits=RateLimits(enabled=True, routes={**ROUTES, OPEN_DM: ONE_DM_A_SECOND}))
    for user in DM_PLAYERS:
        standin.add_user(user)
    async with logged_in_client(standin, TOKEN) as client:
        yield standin, client


async def test_a_burst_of_direct_messages_leaves_room_for_live_views(
    engine: Engine, asessions: async_sessionmaker[AsyncSession], redis_client: redis.Redis, stream: str,
    ladder_env: dict[str, str], dm_client: tuple[StandIn, discord.Client],
) -> None:  # fmt: skip
    standin, client = dm_client
    # Each player of the burst has no message the bot could edit: only a direct message reaches them.
    burst = [_outbox_event(engine, QUEUE_EXPIRED, (player,), {"waited_s": 900}) for player in DM_PLAYERS]
    live = _outbox_event(engine, MATCH_FOUND, LIVE_PLAYERS, {"match_id": 1})
    notifications = NotificationService()
    live_shown_at: list[float] = []

    async def live_view(event: Event) -> None:
        live_shown_at.append(time.monotonic())

    for player in LIVE_PLAYERS:
        notifications.activate(notifications.subscribe(player), live_view)
    for event in (*burst, live):  # the live event last, behind the whole burst
        redis_client.xadd(stream, event.to_fields())  # type: ignore[arg-type]

    deliverer = Deliverer(client, asessions, notifications, load_catalogs(load_ladder()))
    events = aioredis.Redis.from_url(ladder_env["REDIS_URL"])
    # A group of its own: should this test fail with its listener still running, no later test's events are taken.
    consumer = EventConsumer(
        events, stream, "listener-room", "bot-1", deliverer.handle, block_ms=50, max_in_flight=IN_FLIGHT
    )
    started = time.monotonic()
    stop = asyncio.Event()
    listening = asyncio.create_task(consumer.run(stop))
    try:
        async with asyncio.timeout(30):
            while len(live_shown_at) < len(LIVE_PLAYERS):
                await asyncio.sleep(0.02)
        dms_by_then, set_aside_then = _dms_sent(standin), consumer.set_aside_count
        async with asyncio.timeout(60):
            while _dms_sent(standin) < len(DM_PLAYERS):
                await asyncio.sleep(0.1)
    finally:
        stop.set()  # the listener finishes what it holds, for a while, then is cut off
        if not (await asyncio.wait([listening], timeout=20))[0]:
            listening.cancel()
            await asyncio.wait([listening], timeout=10)
        await events.aclose()

    assert max(live_shown_at) - started < 3.0, "the live views waited behind the direct messages"
    assert dms_by_then < len(DM_PLAYERS) / 2, "shown while most of the burst still waited for its turn"
    # The burst's events took every place in flight, and stepped aside to wait for their turn.
    assert set_aside_then >= IN_FLIGHT
    assert deliverer.by_path == {"subscription": len(LIVE_PLAYERS), "direct_message": len(DM_PLAYERS)}
    assert consumer.set_aside_count == 0
    assert standin.invalid_requests == 0


def _dms_sent(standin: StandIn) -> int:
    return sum(1 for r in standin.received if r.method == "POST" and r.route == "/channels/{channel_id}/messages")


def _outbox_event(engine: Engine, type_: str, players: tuple[int, ...], payload: dict[str, object]) -> Event:
    with engine.begin() as conn:
        event_id = conn.execute(
            text("INSERT INTO outbox (type, player_ids, payload) VALUES (:type, :players, '{}'::jsonb) RETURNING id"),
            {"type": type_, "players": list(players)},
        ).scalar_one()
    return Event(event_id, type_, players, payload)
