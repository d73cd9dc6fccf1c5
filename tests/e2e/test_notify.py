"""/notify on: a player not in the queue hears, by direct message, that someone has joined it; once per cooldown."""

from __future__ import annotations

from sqlalchemy import Engine, text

from db.ladder import Ladder
from sandbox.discord_standin import StandIn
from sandbox.players import cancel, queue_up, titled
from tests.e2e.conftest import BotProcess, new_user


async def test_notify_on_brings_a_direct_message_when_someone_joins(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    dora, erin, fred = new_user(), new_user(), new_user()
    answer = await standin.run_command(dora, "notify", {"setting": "on"})
    assert answer.message is not None and "direct message" in answer.message.text()
    searching = await queue_up(standin, ladder, erin, ["bw_protoss"])
    ping = await standin.wait_for_message(dora, titled("Someone is looking for a game"), timeout=15)
    assert "BW Protoss" in ping.text() and not ping.ephemeral
    await cancel(standin, erin, searching)
    await queue_up(standin, ladder, fred, ["sc2_zerg"])  # within the cooldown: no second message
    with engine.connect() as conn:
        told = conn.execute(
            text("SELECT count(*) FROM outbox WHERE type = 'someone_waiting' AND :p = ANY(player_ids)"), {"p": dora}
        ).scalar()
    assert told == 1
    pings = [m for m in standin.messages_seen_by(dora) if titled("Someone is looking")(m)]
    assert len(pings) == 1
