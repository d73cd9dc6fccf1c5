"""What the bot asks of Discord, and when it gives up: the delivery's deadline counts only while a request is on
the wire (discord.py waiting out a rate limit keeps its place, a request Discord does not answer is given up),
and a token the bot knows is dead is never sent (Discord counts its 401 toward an IP ban). Real discord.py, real
HTTP, the stand-in's limits."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import discord
import pytest
import pytest_asyncio

from bot.catalogs import load_catalogs
from bot.live_messages import LiveMessages, TokenExpired
from bot.request_clock import answered_within, request_trace
from db.events import MATCH_FOUND, Event
from db.ladder import load_ladder
from sandbox.discord_standin import StandIn, logged_in_client
from sandbox.discord_standin.latency import Latency
from sandbox.discord_standin.rate_limits import ROUTES, Bucket, RateLimits

TOKEN = "request-clock-test-token"
OPEN_DM = ("POST", "/users/@me/channels")
# Two DM channels per two seconds: the sixth waits about four seconds for its turn.
NARROW_DM_BUCKET = Bucket(2, 2.0, shared=True)
ON_THE_WIRE_S = 0.5
USERS_A, USERS_B, USERS_C, USERS_D = range(1001, 1007), range(2001, 2007), range(3001, 3002), range(4001, 4007)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def rigged() -> AsyncIterator[tuple[StandIn, discord.Client, Latency]]:
    latency = Latency()
    standin = StandIn(TOKEN, rate_limits=RateLimits(enabled=True, routes={**ROUTES, OPEN_DM: NARROW_DM_BUCKET}),
                      latency=latency)  # fmt: skip
    for user in (*USERS_A, *USERS_B, *USERS_C, *USERS_D):
        standin.add_user(user)
    async with logged_in_client(standin, TOKEN, http_trace=request_trace()) as client:
        yield standin, client, latency


async def open_dms(client: discord.Client, users: range, plain_timeout_s: float | None = None) -> list[float]:
    """Opens a DM with each user in turn, each under its own deadline (the request clock's, or a plain timeout
    when given); how long each took."""
    took = []
    for user in users:
        started = time.monotonic()
        if plain_timeout_s is None:
            async with answered_within(ON_THE_WIRE_S, waiting_s=30.0):
                await client.create_dm(discord.Object(user))
        else:
            async with asyncio.timeout(plain_timeout_s):
                await client.create_dm(discord.Object(user))
        took.append(time.monotonic() - started)
    return took


async def test_a_request_waiting_out_a_rate_limit_keeps_its_place(
    rigged: tuple[StandIn, discord.Client, Latency],
) -> None:
    _, client, _ = rigged
    await asyncio.sleep(NARROW_DM_BUCKET.window_s)  # a fresh window
    took = await open_dms(client, USERS_A)
    assert max(took) > 3 * ON_THE_WIRE_S, "some waited for the bucket far longer than the wire deadline"
    assert sum(took) >= 3.5, "six DM channels through a bucket of two per two seconds"
    # The same waits under a plain deadline of the same length: given up, though Discord would have answered.
    await asyncio.sleep(NARROW_DM_BUCKET.window_s)
    with pytest.raises(TimeoutError):
        await open_dms(client, USERS_B, plain_timeout_s=ON_THE_WIRE_S)


async def test_after_each_answer_the_next_request_may_wait_its_turn_again(
    rigged: tuple[StandIn, discord.Client, Latency],
) -> None:
    """One delivery path can make several requests (a DM: open the channel, then send): the wire deadline of
    one does not run on while the next waits for its bucket."""
    _, client, _ = rigged
    await asyncio.sleep(NARROW_DM_BUCKET.window_s)
    started = time.monotonic()
    async with answered_within(ON_THE_WIRE_S, waiting_s=30.0):
        for user in USERS_D:
            await client.create_dm(discord.Object(user))
    assert time.monotonic() - started >= 3.5, "six DM channels through a bucket of two per two seconds"


async def test_a_request_discord_does_not_answer_is_given_up_on_the_wire_deadline(
    rigged: tuple[StandIn, discord.Client, Latency],
) -> None:
    _, client, latency = rigged
    await asyncio.sleep(NARROW_DM_BUCKET.window_s)
    latency.one_way_s = 2.0  # a stalled connection, as the bot sees it
    try:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            await open_dms(client, USERS_C)
        assert time.monotonic() - started < 1.5, "given up after the wire deadline, not after waiting_s"
    finally:
        latency.one_way_s = 0.0


async def test_a_live_message_whose_token_has_expired_is_not_edited(
    rigged: tuple[StandIn, discord.Client, Latency],
) -> None:
    standin, client, _ = rigged
    assert client.application_id is not None
    sixteen_minutes_ago = time.time() - 16 * 60
    address = LiveMessages.address(client.application_id, "a-token", USERS_C[0], "en-US", issued_at=sixteen_minutes_ago)
    requests_before = len(standin.received)
    with pytest.raises(TokenExpired):
        await LiveMessages(client, load_catalogs(load_ladder())).show(
            Event(1, MATCH_FOUND, (USERS_C[0],), {"match_id": 1}), *address
        )
    assert len(standin.received) == requests_before and standin.invalid_requests == 0
