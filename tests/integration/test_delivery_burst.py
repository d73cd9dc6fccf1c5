"""A burst through the listener's Deliverer: every player is shown their match, a bounded number at a time."""

from __future__ import annotations

import asyncio

import discord
from sqlalchemy import Engine, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.catalogs import load_catalogs
from bot.delivery import Deliverer
from bot.notifications import NotificationService
from db.events import MATCH_FOUND, Event
from db.ladder import load_ladder

PAIRS = 40
AT_ONCE = 8


async def test_a_burst_shows_every_player_with_a_bounded_number_of_shows_at_once(
    engine: Engine, asessions: async_sessionmaker[AsyncSession]
) -> None:
    events = _outbox_events(engine, PAIRS)
    notifications = NotificationService()
    showing, most_at_once, shown = 0, 0, []

    async def sink(event: Event) -> None:
        nonlocal showing, most_at_once
        showing += 1
        most_at_once = max(most_at_once, showing)
        await asyncio.sleep(0.005)  # the edit's round trip to Discord
        showing -= 1
        shown.append(event.id)

    for event in events:
        for player in event.player_ids:
            notifications.activate(notifications.subscribe(player), sink)
    client = discord.Client(intents=discord.Intents.none())  # never called: every player has a live message
    deliverer = Deliverer(client, asessions, notifications, load_catalogs(load_ladder()), shows_at_once=AT_ONCE)

    await asyncio.gather(*(deliverer.handle(event) for event in events))

    assert sorted(shown) == sorted(e.id for e in events for _ in e.player_ids)
    assert most_at_once == AT_ONCE  # the bound is reached, never passed
    assert deliverer.by_path == {"subscription": 2 * PAIRS}
    with engine.connect() as conn:
        recorded = conn.execute(text("SELECT count(*) FROM deliveries WHERE event_id = ANY(:e)"),
                                {"e": [e.id for e in events]}).scalar()  # fmt: skip
    assert recorded == 2 * PAIRS


def _outbox_events(engine: Engine, pairs: int) -> list[Event]:
    with engine.begin() as conn:
        rows = conn.execute(
            text(
                "INSERT INTO outbox (type, player_ids, payload)"
                " SELECT :type, ARRAY[900000 + 2 * n, 900001 + 2 * n]::bigint[], '{}'::jsonb"
                " FROM generate_series(1, :pairs) AS n RETURNING id, player_ids"
            ),
            {"type": MATCH_FOUND, "pairs": pairs},
        ).all()
    return [Event(row.id, MATCH_FOUND, tuple(row.player_ids), {"match_id": row.id}) for row in rows]
