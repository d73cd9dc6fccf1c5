"""A match reaches its players when the live view is gone: a restarted bot, an expired token, closed DMs."""

from __future__ import annotations

import asyncio

from sqlalchemy import Engine, text

from db.ladder import Ladder
from sandbox.discord_standin import StandIn
from sandbox.players import match_shown, matches_seen, queue_up, wait_for_match
from tests.e2e.conftest import BOT_TOKEN, BotProcess, delivery_paths, new_user, waves_held


async def _wait_matched(engine: Engine, *players: int, timeout: float = 30) -> int:
    """Waits (in the test, not the product) until a wave has matched the players; the match id."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT id FROM matches WHERE player1_id = ANY(:p) AND player2_id = ANY(:p)"), {"p": list(players)}
            ).scalar()
        if found is not None:
            return int(found)
        await asyncio.sleep(0.2)
    raise TimeoutError(f"no wave matched {players} within {timeout}s")


async def test_a_restarted_bot_still_shows_the_match(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    alice, bob = new_user(), new_user()
    with waves_held(engine):
        searching_a = await queue_up(standin, ladder, alice, ["bw_terran"])
        searching_b = await queue_up(standin, ladder, bob, ["sc2_zerg"])
        bot.kill()  # SIGKILL: the subscriptions die with the process
    match_id = await _wait_matched(engine, alice, bob)
    await bot.start()
    seen_a = await wait_for_match(standin, alice)
    seen_b = await wait_for_match(standin, bob)
    assert (seen_a.id, seen_b.id) == (searching_a.id, searching_b.id)
    assert match_shown(seen_a) == match_shown(seen_b) == match_id
    assert await delivery_paths(engine, alice, bob) == {alice: "interaction_token", bob: "interaction_token"}


async def test_after_fifteen_minutes_the_match_comes_by_direct_message(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    alice, bob = new_user(), new_user()
    with waves_held(engine):
        searching_a = await queue_up(standin, ladder, alice, ["bw_zerg"])
        await queue_up(standin, ladder, bob, ["sc2_protoss"])
        standin.clock.advance(16 * 60)  # both interaction tokens are dead now
    dm = await wait_for_match(standin, alice)
    await wait_for_match(standin, bob)
    assert dm.id != searching_a.id and dm.visible_to == alice and not dm.ephemeral
    assert match_shown(standin.message(searching_a.id)) is None  # the ephemeral message could not be edited
    assert len(matches_seen(standin, alice)) == 1
    assert await delivery_paths(engine, alice, bob) == {alice: "direct_message", bob: "direct_message"}


async def test_in_direct_messages_an_expired_token_falls_back_to_the_bot_token(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    alice, bob = new_user(), new_user()
    with waves_held(engine):
        searching_a = await queue_up(standin, ladder, alice, ["bw_protoss"], in_dm=True)
        searching_b = await queue_up(standin, ladder, bob, ["sc2_terran"], in_dm=True)
        assert not searching_a.ephemeral
        standin.clock.advance(16 * 60)
    seen_a = await wait_for_match(standin, alice)
    seen_b = await wait_for_match(standin, bob)
    assert (seen_a.id, seen_b.id) == (searching_a.id, searching_b.id)  # the same message, edited
    assert await delivery_paths(engine, alice, bob) == {alice: "bot_token", bob: "bot_token"}


async def test_a_player_out_of_reach_is_recorded_for_the_admins_not_dropped(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    alice, bob = new_user(), new_user()
    refused_dms_before = sum(r.code == 50007 for r in standin.refusals)
    with waves_held(engine):
        await queue_up(standin, ladder, alice, ["bw_terran"])
        await queue_up(standin, ladder, bob, ["sc2_terran"])
        standin.clock.advance(16 * 60)
        standin.close_dms(alice)
    await wait_for_match(standin, bob)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20
    failure = None
    while failure is None and loop.time() < deadline:
        with engine.connect() as conn:
            failure = conn.execute(
                text("SELECT attempts, reason FROM delivery_failures WHERE player_id = :p"), {"p": alice}
            ).first()
        await asyncio.sleep(0.2)
    assert failure is not None, "the failed delivery was not recorded"
    assert failure.attempts == 3  # the first try and two retries (DELIVERY_BACKOFF_S)
    assert "50007" in failure.reason and "50027" in failure.reason
    # Each refused DM is an invalid request toward Discord's IP ban: the retries do not try her closed DMs again.
    assert sum(r.code == 50007 for r in standin.refusals) == refused_dms_before + 1
    assert BOT_TOKEN not in failure.reason
    assert matches_seen(standin, alice) == []
    assert await delivery_paths(engine, alice, bob, expected=1) == {bob: "direct_message"}
