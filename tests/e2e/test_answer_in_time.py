"""A command whose answer is slow (its database is busy) is deferred within Discord's 3 seconds, then answered."""

from __future__ import annotations

import asyncio
import threading

from sqlalchemy import Engine, text

from db.ladder import Ladder
from sandbox.discord_standin import StandIn
from sandbox.players import open_queue
from tests.e2e.conftest import BotProcess, new_user

DEFERRED = 5  # "thinking…": the answer comes later


def _hold_players(engine: Engine, seconds: float, taken: threading.Event) -> None:
    """Keeps the players table locked, as a database too busy to answer would."""
    with engine.begin() as conn:
        conn.execute(text("LOCK TABLE players IN ACCESS EXCLUSIVE MODE"))
        taken.set()
        conn.execute(text("SELECT pg_sleep(:s)"), {"s": seconds})


async def test_a_profile_the_database_is_slow_to_give_is_deferred_then_shown(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    alice = new_user()
    await open_queue(standin, alice)  # on the ladder, with no games yet
    taken = threading.Event()
    holder = asyncio.create_task(asyncio.to_thread(_hold_players, engine, 3.5, taken))
    await asyncio.to_thread(taken.wait, 10)
    result = await standin.run_command(alice, "profile")
    assert result.answered and not result.failed, "answered within Discord's 3 seconds"
    assert result.response_type == DEFERRED and result.message is not None and result.message.loading
    shown = await standin.wait_for_message(
        alice, lambda m: m.id == result.message.id and not m.loading and "No games yet" in m.text(), timeout=15
    )
    assert shown.ephemeral
    await holder


async def test_a_quick_profile_is_answered_at_once_without_thinking(
    bot: BotProcess, standin: StandIn, ladder: Ladder
) -> None:
    alice = new_user()
    await open_queue(standin, alice)
    result = await standin.run_command(alice, "profile")
    assert result.answered and result.response_type == 4 and result.message is not None
    assert "No games yet" in result.message.text()
