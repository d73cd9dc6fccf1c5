"""What /admin status says, from the figures it is given."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.admin_status import duration, status_text
from bot.health import BotHealth
from db.status import LadderStatus, LastWave, StreamStatus, stream_status


def test_status_names_every_figure() -> None:
    wave = LastWave(41, datetime(2026, 1, 1, tzinfo=UTC), claimed=9, matched_pairs=4, duration_s=0.123)
    status = LadderStatus(waiting=5, oldest_wait_s=125, last_wave=wave, outbox_unpublished=2, delivery_failures=3)
    text = status_text(status, StreamStatus(pending=6, unread=7, group_exists=True), BotHealth(gateway_connected=True))
    assert "5 waiting, the longest for 2 min 5 s" in text
    assert f"#41 <t:{int(wave.started_at.timestamp())}:R>, 4 matches of 9 waiting, in 0.12 s" in text
    assert "6 being shown, 7 not yet read; 2 not yet published" in text
    assert "**Failed deliveries**: 3" in text
    assert "gateway connected (0 drops), listener **stopped**" in text  # no listener task: it is not running


def test_status_of_an_empty_ladder_and_an_unreachable_stream() -> None:
    status = LadderStatus(waiting=0, oldest_wait_s=0, last_wave=None, outbox_unpublished=0, delivery_failures=0)
    text = status_text(status, None, None)
    assert "0 waiting." in text and "none yet" in text and "cannot be reached" in text and "**Bot**" not in text


def test_stream_figures_come_from_the_bots_group_only() -> None:
    groups = [
        {b"name": b"other", b"pending": 9, b"lag": 9},
        {b"name": b"bot", b"pending": 2, b"lag": None},
    ]
    assert stream_status(groups, "bot") == StreamStatus(2, None, True)
    assert stream_status(groups, "missing") == StreamStatus(0, None, False)
    assert stream_status(groups, "bot", {"length": 3, "entries-added": 11}).added == 11


def test_durations_read_as_a_person_would_say_them() -> None:
    assert [duration(s) for s in (4.9, 61, 3725)] == ["4 s", "1 min 1 s", "1 h 2 min"]


async def test_gateway_drops_are_counted_once_each() -> None:
    health = BotHealth()
    await health.on_connect()
    await health.on_disconnect()
    await health.on_disconnect()  # discord.py may tell twice
    assert not health.gateway_connected and health.gateway_drops == 1
    await health.on_resumed()
    assert health.gateway_connected


async def test_a_sharded_process_is_connected_only_while_every_shard_it_holds_is() -> None:
    health = BotHealth(own_shards=(2, 3))
    await health.on_shard_connect(2)
    assert not health.gateway_connected  # shard 3's guilds get no answers yet
    await health.on_shard_connect(3)
    assert health.gateway_connected and health.gateway_drops == 0
    await health.on_shard_disconnect(3)
    await health.on_shard_disconnect(2)
    assert not health.gateway_connected and health.gateway_drops == 1
    await health.on_shard_resumed(3)
    await health.on_shard_resumed(2)
    assert health.gateway_connected
