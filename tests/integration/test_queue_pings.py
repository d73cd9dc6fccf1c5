"""/notify's calls to the queue, swept by a real worker: a join gone within the delay calls nobody; one that stays
calls each player who asked once per their own cooldown, and never says who is waiting."""

from __future__ import annotations

import json
from typing import Any

import redis
from sqlalchemy import Engine, text

from bot.queue_service import QueueService
from db.events import SOMEONE_WAITING
from tests.integration.conftest import Worker
from tests.integration.helpers import stream_events

# Players who asked: one with the ladder's cooldown (30 minutes), one with their own 5 minutes, one who did not.
LADDERS_COOLDOWN, OWN_COOLDOWN, NOT_ASKED = 101, 102, 103


def _asked(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO players (id, display_name, notify_on_join, notify_cooldown_s) VALUES"
                " (:a, 'Ann', true, NULL), (:b, 'Ben', true, 300), (:c, 'Cid', false, NULL)"
            ),
            {"a": LADDERS_COOLDOWN, "b": OWN_COOLDOWN, "c": NOT_ASKED},
        )


def _time_passes(engine: Engine, seconds: int) -> None:
    """As if `seconds` went by: every join and every call that long ago."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE queue_entries SET joined_at = joined_at - make_interval(secs => :s)"), {"s": seconds})
        conn.execute(text("UPDATE players SET notified_at = notified_at - make_interval(secs => :s)"), {"s": seconds})


async def test_a_join_gone_within_the_delay_calls_nobody_and_one_that_stays_calls_once_per_cooldown(
    queue_service: QueueService, engine: Engine, celery_app: Any, worker: Worker, redis_client: redis.Redis,
    stream: str,
) -> None:  # fmt: skip
    _asked(engine)

    def sweep() -> int:
        return int(celery_app.send_task("ladder.ping_waiting", queue=worker.queue).get(timeout=30))

    # Eve joins and leaves within the minute: nobody is called, then or later.
    await queue_service.join(1, ["bw_zerg"], display_name="Eve")
    assert sweep() == 0
    await queue_service.cancel(1)
    _time_passes(engine, 61)
    assert sweep() == 0

    # Zed joins and stays: nobody is called before the minute, both who asked once it has passed.
    await queue_service.join(2, ["sc2_protoss"], display_name="Zed")
    assert sweep() == 0
    _time_passes(engine, 61)
    assert sweep() == 2
    assert sweep() == 0  # within everyone's cooldown
    [call] = stream_events(redis_client, stream)
    assert call.type == SOMEONE_WAITING and sorted(call.player_ids) == [LADDERS_COOLDOWN, OWN_COOLDOWN]
    assert call.payload == {"waiting": 1, "races": ["sc2_protoss"], "languages": {}}
    assert "Zed" not in json.dumps(call.payload)  # never who is waiting

    # Five minutes on Zed still waits: the player with a 5-minute cooldown is called again, the other is not.
    _time_passes(engine, 301)
    assert sweep() == 1
    again = stream_events(redis_client, stream)[-1]
    assert again.player_ids == (OWN_COOLDOWN,)

    # A player in the queue is not called about the others; and once nobody waits, nobody is called.
    await queue_service.join(OWN_COOLDOWN, ["bw_terran"])
    _time_passes(engine, 1801)
    assert sweep() == 1 and stream_events(redis_client, stream)[-1].player_ids == (LADDERS_COOLDOWN,)
    for player in (2, OWN_COOLDOWN):
        await queue_service.cancel(player)
    _time_passes(engine, 1801)
    assert sweep() == 0
    with engine.connect() as conn:
        calls = conn.execute(text("SELECT count(*) FROM outbox WHERE type = 'someone_waiting'")).scalar()
    assert calls == 3
