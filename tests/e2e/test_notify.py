"""/notify on: a player not in the queue hears, by direct message, that players have waited in it (here the delay
is 2 s, the sweep every second), never who they are; once per the cooldown they chose."""

from __future__ import annotations

import asyncio

from sqlalchemy import Engine, text

from db.ladder import Ladder
from sandbox.discord_standin import StandIn
from sandbox.players import cancel, queue_up, titled
from tests.e2e.conftest import BotProcess, new_user, waves_held

CALLED = "Someone is looking for a game"


def _calls(engine: Engine, player: int) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM outbox WHERE type = 'someone_waiting' AND :p = ANY(player_ids)"),
                {"p": player},
            ).scalar_one()
        )


async def test_notify_calls_once_someone_has_waited_and_never_says_who(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    dora, erin, fred = new_user(), new_user(), new_user()
    with engine.begin() as conn:  # players other tests left waiting would call Dora before anyone here joins
        conn.execute(text("UPDATE queue_entries SET state = 'cancelled', ended_at = now() WHERE state = 'waiting'"))
    answer = await standin.run_command(dora, "notify", {"setting": "on", "cooldown": 5})
    assert answer.message is not None and "at most one every 5 minutes" in answer.message.text()
    with waves_held(engine):
        # Fred joins and leaves within the delay: Dora is not called.
        searching = await queue_up(standin, ladder, fred, ["sc2_zerg"])
        await cancel(standin, fred, searching)
        await asyncio.sleep(3)
        assert _calls(engine, dora) == 0
        # Erin joins and stays: Dora is called once the delay has passed, without Erin's name.
        waiting = await queue_up(standin, ladder, erin, ["bw_protoss"])
        call = await standin.wait_for_message(dora, titled(CALLED), timeout=15)
        assert "1 player is waiting for a game (BW Protoss)." in call.text() and not call.ephemeral
        erin_name = standin.store.user(erin).name
        assert erin_name not in call.text()
        await asyncio.sleep(3)  # three more sweeps, all within Dora's five minutes
        assert _calls(engine, dora) == 1
        assert sum(1 for m in standin.messages_seen_by(dora) if titled(CALLED)(m)) == 1
        with engine.connect() as conn:
            chosen = conn.execute(text("SELECT notify_cooldown_s FROM players WHERE id = :p"), {"p": dora}).scalar()
        assert chosen == 300
        with engine.begin() as conn:  # Dora's five minutes pass while Erin still waits: she is called again
            conn.execute(text("UPDATE players SET notified_at = now() - interval '301 seconds' WHERE id = :p"),
                         {"p": dora})  # fmt: skip
        await standin.wait_for_message(dora, lambda m: titled(CALLED)(m) and m.id != call.id, timeout=15)
        assert _calls(engine, dora) == 2
        await cancel(standin, erin, waiting)


async def test_a_cooldown_out_of_range_is_refused(bot: BotProcess, standin: StandIn, engine: Engine) -> None:
    gus = new_user()
    answer = await standin.run_command(gus, "notify", {"setting": "on", "cooldown": 2}, forged=True)
    assert answer.message is not None and "from 5 to 1440 minutes" in answer.message.text()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM players WHERE id = :p"), {"p": gus}).scalar() == 0
