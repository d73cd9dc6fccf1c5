"""The ladder as its operator sees it: metrics that move with a match, /admin status, log lines with ids."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import redis
from sqlalchemy import Engine, text

from db.events import Event
from db.ladder import Ladder
from sandbox.discord_standin import StandIn
from sandbox.players import match_shown, matches_seen, queue_up, wait_for_match
from tests.e2e.conftest import BotProcess, delivery_paths, new_user, waves_held
from tests.e2e.test_match_journey import matched
from tests.scrape import Samples, scrape, total, value


async def scraped(port: str, wait_s: float = 90) -> Samples:
    """The process's metrics; a worker still starting (its compiled kernels warming up) is waited for."""
    deadline = asyncio.get_running_loop().time() + wait_s
    while True:
        try:
            return await asyncio.to_thread(scrape, int(port))
        except OSError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.5)


async def test_metrics_move_when_a_match_is_found_and_shown(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine, stack_env: dict[str, str]
) -> None:
    bot_port, worker_port = stack_env["BOT_METRICS_PORT"], stack_env["WORKER_METRICS_PORT"]
    bot_before, worker_before = await scraped(bot_port), await scraped(worker_port)

    alice, bob, match_id, _, _ = await matched(standin, ladder)
    await delivery_paths(engine, alice, bob)  # recorded just after both could see it
    bot_after, worker_after = await scraped(bot_port), await scraped(worker_port)

    def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
        return total(after, name, **labels) - total(before, name, **labels)

    assert moved(bot_before, bot_after, "ladder_deliveries_total", type="match_found") >= 2
    latencies = moved(bot_before, bot_after, "ladder_delivery_latency_seconds_count")
    assert latencies >= 2
    # From the wave's outbox rows to Discord's answer: a wave every 2 s here, so well under a minute each.
    assert 0 < moved(bot_before, bot_after, "ladder_delivery_latency_seconds_sum") < 60 * latencies
    assert value(bot_after, "ladder_bot_gateway_connected") == 1
    assert value(bot_after, "ladder_bot_listener_alive") == 1
    assert moved(bot_before, bot_after, "ladder_events_handled_total") >= 1

    assert moved(worker_before, worker_after, "ladder_waves_total", outcome="ran") >= 1
    assert moved(worker_before, worker_after, "ladder_wave_matches_sum") >= 1
    assert moved(worker_before, worker_after, "ladder_events_published_total", by="wave") >= 1
    assert moved(worker_before, worker_after, "ladder_stream_entries_added_total") >= 1
    assert value(worker_after, "ladder_status_up") == 1
    assert value(worker_after, "ladder_queue_waiting") == 0
    with engine.connect() as conn:
        wave_started = conn.execute(
            text("SELECT EXTRACT(EPOCH FROM w.started_at) FROM matches m JOIN waves w ON w.id = m.wave_id"
                 " WHERE m.id = :m"), {"m": match_id},
        ).scalar_one()  # fmt: skip
    assert value(worker_after, "ladder_last_wave_timestamp_seconds") >= float(wave_started)


async def test_admin_status_shows_the_ladder_and_the_bot_and_refuses_others(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    admin, mallory, carol = new_user(), new_user(), new_user()
    standin.make_admin(admin)
    with waves_held(engine):  # carol waits while the admin looks
        await queue_up(standin, ladder, carol, ["bw_zerg"])
        seen = await standin.run_command(admin, "admin", subcommand="status")
        refused = await standin.run_command(mallory, "admin", subcommand="status")

    assert seen.message is not None and seen.message.ephemeral
    shown = seen.message.text()
    with engine.connect() as conn:
        failures = conn.execute(text("SELECT count(*) FROM delivery_failures")).scalar()
        last_wave = conn.execute(text("SELECT max(id) FROM waves WHERE committed_at IS NOT NULL")).scalar()
    assert "**Queue**: 1 waiting, the longest for" in shown
    assert f"**Last wave**: #{last_wave} " in shown
    assert "**Events not yet shown**:" in shown and "not yet published" in shown
    assert f"**Failed deliveries**: {failures} " in shown
    assert "gateway connected" in shown and "listener running" in shown
    assert refused.message is not None and "Only the ladder's admins" in refused.message.text()
    assert "Queue" not in refused.message.text()


async def test_a_deliverys_log_line_carries_the_match_and_the_player(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    logged_before = bot.log.stat().st_size
    alice, bob, match_id, _, _ = await matched(standin, ladder)
    await delivery_paths(engine, alice, bob)
    with bot.log.open() as f:
        f.seek(logged_before)
        lines: list[dict[str, Any]] = [json.loads(line) for line in f if line.startswith("{")]
    shown = [line for line in lines if "shown to player" in line["msg"] and line.get("match_id") == match_id]
    assert {line["player_id"] for line in shown} == {alice, bob}
    assert all(line["event_id"] and line["level"] == "INFO" for line in shown)


def unacknowledged_events(stack_env: dict[str, str]) -> set[int]:
    client = redis.Redis.from_url(stack_env["REDIS_URL"])
    stream = stack_env["EVENT_STREAM"]
    try:
        pending = client.xpending_range(stream, "bot", min="-", max="+", count=10_000)
        ids = [p["message_id"] for p in pending]
        return {Event.from_fields(client.xrange(stream, i, i)[0][1]).id for i in ids}
    finally:
        client.close()


async def test_sigterm_stops_the_bot_without_acknowledging_a_delivery_cut_short(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine, stack_env: dict[str, str]
) -> None:
    await bot.stop()
    assert bot.process is not None and bot.process.returncode == 0, "SIGTERM stops the bot cleanly"
    # A bot whose retry comes long after SIGTERM: its drain (5 s) ends before that delivery does.
    slow = BotProcess({**stack_env, "DELIVERY_BACKOFF_S": "[30]"}, standin)
    await slow.start()
    alice, bob = new_user(), new_user()
    try:
        with waves_held(engine):
            await queue_up(standin, ladder, alice, ["bw_terran"])
            await queue_up(standin, ladder, bob, ["sc2_terran"])
            standin.clock.advance(16 * 60)  # their tokens are dead: a direct message each
            standin.close_dms(bob)  # bob's fails, and waits for its retry
        dm = await wait_for_match(standin, alice)
        match_id = match_shown(dm)
        with engine.connect() as conn:
            event_id = conn.execute(
                text("SELECT id FROM outbox WHERE type = 'match_found' AND (payload->>'match_id')::bigint = :m"),
                {"m": match_id},
            ).scalar_one()
        await asyncio.sleep(0.5)  # bob's first attempt has failed by now
        await slow.stop()
        assert slow.process is not None and slow.process.returncode == 0
        assert event_id in unacknowledged_events(stack_env), "an event not shown to bob was acknowledged"
        with engine.connect() as conn:
            failed = conn.execute(text("SELECT count(*) FROM delivery_failures WHERE player_id = :p"), {"p": bob})
            assert failed.scalar() == 0, "a delivery cut short is not a delivery given up"
    finally:
        await slow.stop()
        await bot.start()
    # The restarted bot handles the event again: bob is recorded as out of reach, alice sees her match once.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while event_id in unacknowledged_events(stack_env):
        assert loop.time() < deadline, "the restarted bot did not finish the event"
        await asyncio.sleep(0.2)
    with engine.connect() as conn:
        failed = conn.execute(text("SELECT count(*) FROM delivery_failures WHERE player_id = :p"), {"p": bob})
        assert failed.scalar() == 1
    assert matches_seen(standin, alice) == [match_id]
    assert len([m for m in standin.messages_seen_by(alice) if match_shown(m) == match_id]) == 1


async def test_the_bot_reports_its_gateway_dropping_and_coming_back(
    bot: BotProcess, standin: StandIn, stack_env: dict[str, str]
) -> None:
    port = stack_env["BOT_METRICS_PORT"]
    before = await scraped(port)
    assert value(before, "ladder_bot_gateway_connected") == 1

    async def gateway_becomes(connected: int, within_s: float) -> Samples:
        deadline = asyncio.get_running_loop().time() + within_s
        while (now := await scraped(port))[("ladder_bot_gateway_connected", frozenset())] != connected:
            assert asyncio.get_running_loop().time() < deadline, f"the gateway never read {connected}"
            await asyncio.sleep(0.1)
        return now

    await standin.drop_gateway()  # not resumable: discord.py waits 5 s before it identifies again
    down = await gateway_becomes(0, within_s=4)
    assert value(down, "ladder_bot_listener_alive") == 1, "the listener does not depend on the gateway"
    back = await gateway_becomes(1, within_s=30)
    assert value(back, "ladder_bot_gateway_drops_total") == value(before, "ladder_bot_gateway_drops_total") + 1
