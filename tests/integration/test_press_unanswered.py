"""A player's press moves their match and is recorded as showing them its event; the answer to the press then
has to land. When the bot died before it did, the listener shows the event to the presser itself, once the answer
has had its time; when the answer landed, it shows them nothing. Real Deliverer and discord.py against the
stand-in, real PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import Engine, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import delivery
from bot.catalogs import load_catalogs
from bot.delivery import Deliverer
from bot.notifications import NotificationService
from db.deliveries import PRESS, PRESS_UNANSWERED, settle_unanswered
from db.events import MATCH_COMPLETED, MATCH_CONFIRMED, QUEUE_EXPIRED, Event
from db.ladder import load_ladder
from sandbox.discord_standin import StandIn, logged_in_client

TOKEN = "press-unanswered-test-token"
PRESSER, OTHER = 7001, 7002
WINDOW_S = 2.0


@pytest_asyncio.fixture
async def rig(
    asessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[StandIn, Deliverer]]:
    """The stand-in and a Deliverer on it, whose presses' answers have WINDOW_S to land."""
    monkeypatch.setattr(delivery, "PRESS_ANSWER_WINDOW_S", WINDOW_S)
    standin = StandIn(TOKEN)
    for user in (PRESSER, OTHER):
        standin.add_user(user)
    async with logged_in_client(standin, TOKEN) as bot:
        yield standin, Deliverer(bot, asessions, NotificationService(), load_catalogs(load_ladder()))


def _pressed_event(engine: Engine) -> Event:
    """An event the presser's own press made, recorded with the move as theirs to see by the answer."""
    with engine.begin() as conn:
        event_id = conn.execute(
            text("INSERT INTO outbox (type, player_ids, payload) VALUES (:t, :p, '{}'::jsonb) RETURNING id"),
            {"t": QUEUE_EXPIRED, "p": [PRESSER, OTHER]},
        ).scalar_one()
        conn.execute(
            text("INSERT INTO deliveries (event_id, player_id, path) VALUES (:e, :p, :path)"),
            {"e": event_id, "p": PRESSER, "path": PRESS_UNANSWERED},
        )
    return Event(event_id, QUEUE_EXPIRED, (PRESSER, OTHER), {"waited_s": 900})


def _dms_to(standin: StandIn, player: int) -> int:
    channel = standin.store.dm_channels.get(player)
    return sum(1 for m in standin.store.messages.values() if m.channel_id == channel)


def _path(engine: Engine, event: Event, player: int) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                text("SELECT path FROM deliveries WHERE event_id = :e AND player_id = :p"), {"e": event.id, "p": player}
            ).scalar_one()
        )


async def test_a_press_whose_answer_never_landed_is_shown_by_the_listener(
    engine: Engine, rig: tuple[StandIn, Deliverer]
) -> None:  # fmt: skip
    standin, deliverer = rig
    event = _pressed_event(engine)
    handling = asyncio.create_task(deliverer.handle(event))
    # The other player at once; the presser's answer still has its time.
    await standin.store.changes.wait_for(lambda: _dms_to(standin, OTHER) == 1 or None, WINDOW_S * 0.75)
    assert _dms_to(standin, PRESSER) == 0
    await asyncio.wait_for(handling, 10)
    assert (_dms_to(standin, OTHER), _dms_to(standin, PRESSER)) == (1, 1)
    assert _path(engine, event, PRESSER) == "direct_message"
    # Handled again (a restart, a claim): each player has seen it once, nobody is shown it a second time.
    await deliverer.handle(event)
    assert (_dms_to(standin, OTHER), _dms_to(standin, PRESSER)) == (1, 1)


async def test_a_press_whose_answer_landed_is_not_shown_again(
    engine: Engine, asessions: async_sessionmaker[AsyncSession], rig: tuple[StandIn, Deliverer]
) -> None:  # fmt: skip
    standin, deliverer = rig
    event = _pressed_event(engine)
    handling = asyncio.create_task(deliverer.handle(event))
    await asyncio.sleep(WINDOW_S / 2)
    async with asessions.begin() as session:  # the answer to the press reached Discord
        assert await settle_unanswered(session, event.id, PRESSER, PRESS) is True
    await asyncio.wait_for(handling, 10)
    assert (_dms_to(standin, OTHER), _dms_to(standin, PRESSER)) == (1, 0)
    assert _path(engine, event, PRESSER) == PRESS
    async with asessions.begin() as session:  # settled once: a late second settling changes nothing
        assert await settle_unanswered(session, event.id, PRESSER, "direct_message") is False


async def test_a_press_whose_match_moved_on_is_not_drawn_over_the_newer_state(
    engine: Engine, rig: tuple[StandIn, Deliverer]
) -> None:  # fmt: skip
    standin, deliverer = rig
    match = {"match_id": 990_001}
    with engine.begin() as conn:
        ids = [
            conn.execute(
                text("INSERT INTO outbox (type, player_ids, payload) VALUES (:t, :p, CAST(:m AS jsonb)) RETURNING id"),
                {"t": kind, "p": [PRESSER], "m": '{"match_id": 990001}'},
            ).scalar_one()
            for kind in (MATCH_CONFIRMED, MATCH_COMPLETED)  # the press confirmed; the match has ended since
        ]
        conn.execute(
            text("INSERT INTO deliveries (event_id, player_id, path) VALUES (:e, :p, :path)"),
            {"e": ids[0], "p": PRESSER, "path": PRESS_UNANSWERED},
        )
    await asyncio.wait_for(deliverer.handle(Event(ids[0], MATCH_CONFIRMED, (PRESSER,), match)), 10)
    assert _dms_to(standin, PRESSER) == 0
    assert _path(engine, Event(ids[0], MATCH_CONFIRMED, (PRESSER,), match), PRESSER) == "superseded"
