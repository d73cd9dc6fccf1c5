"""The /queue flow end to end: the real bot process, a real worker and beat, the Discord stand-in."""

from __future__ import annotations

import asyncio

from sqlalchemy import Engine, text

from db.ladder import Ladder
from sandbox.discord_standin import StandIn
from sandbox.players import cancel, match_shown, matches_seen, queue_up, wait_for_match
from tests.e2e.conftest import BotProcess, delivery_paths, new_user


async def test_join_then_match_found_shows_once_to_each_player(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    alice, bob = new_user(), new_user()
    searching_a = await queue_up(standin, ladder, alice, ["bw_zerg"], ["Pylon"])
    searching_b = await queue_up(standin, ladder, bob, ["sc2_terran"])
    seen_a = await wait_for_match(standin, alice)
    seen_b = await wait_for_match(standin, bob)
    # The searching message itself turned into the match: no second message, Cancel gone, Confirm and Abort there.
    assert seen_a.id == searching_a.id and seen_b.id == searching_b.id
    match_id = match_shown(seen_a)
    assert match_id is not None and match_shown(seen_b) == match_id
    assert seen_a.custom_ids() == [f"ladder:confirm:{match_id}:{alice}", f"ladder:abort:{match_id}:{alice}"]
    assert seen_b.custom_ids() == [f"ladder:confirm:{match_id}:{bob}", f"ladder:abort:{match_id}:{bob}"]
    assert matches_seen(standin, alice) == [match_id] and matches_seen(standin, bob) == [match_id]
    # Each message reached "Match found" by one edit: the event was shown once, not twice.
    assert sum(v.embeds[0].get("title") == "Match found" for v in seen_a.versions if v.embeds) == 1
    assert "Zerg" in seen_a.text() and "Terran" in seen_a.text() and "Pylon" not in seen_a.text().split("Map")[-1]
    with engine.connect() as conn:
        players = conn.execute(text("SELECT player1_id, player2_id FROM matches WHERE id = :m"), {"m": match_id}).one()
    assert set(players) == {alice, bob}


async def test_join_then_cancel_leaves_the_queue(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    carol = new_user()
    searching = await queue_up(standin, ladder, carol, ["bw_protoss", "sc2_protoss"])
    after = await cancel(standin, carol, searching)
    assert after.id == searching.id
    assert "You left the queue" in after.text() and after.custom_ids() == []
    with engine.connect() as conn:
        states = conn.execute(text("SELECT state FROM queue_entries WHERE player_id = :p"), {"p": carol}).scalars()
        assert list(states) == ["cancelled"]


async def test_a_gateway_reconnect_starts_nothing_twice(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    before = standin.identify_count
    # Counted, not assumed equal to the identifies: an earlier test may have dropped the gateway already.
    synced_before = sum(1 for r in standin.received if r.route.endswith("/commands") and r.method == "PUT")
    await standin.drop_gateway()  # not resumable: discord.py identifies again (after its 5-second pause)
    for _ in range(200):
        if standin.identify_count > before and standin.connected:
            break
        await asyncio.sleep(0.1)
    assert standin.identify_count == before + 1
    alice, bob = new_user(), new_user()
    searching_a = await queue_up(standin, ladder, alice, ["bw_terran"])
    await queue_up(standin, ladder, bob, ["sc2_terran"])
    seen = await wait_for_match(standin, alice)
    await wait_for_match(standin, bob)
    assert seen.id == searching_a.id and len(matches_seen(standin, alice)) == 1
    commands_synced = sum(1 for r in standin.received if r.route.endswith("/commands") and r.method == "PUT")
    assert await delivery_paths(engine, alice, bob) == {alice: "subscription", bob: "subscription"}
    assert commands_synced == synced_before  # one sync per process start (setup_hook), none on reconnect
