"""Waves on a real Celery worker against real PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
from itertools import pairwise
from typing import Any

from sqlalchemy import Engine, text

from bot.queue_service import AlreadyMatched, Cancelled, QueueService
from db.events import MATCH_FOUND
from db.ladder import Ladder
from db.waves import WAVE_LOCK_KEY
from tests.integration.conftest import Worker
from tests.integration.helpers import assert_no_double_matches, fill_queue, stream_events, waiting_pairs_that_fit


def run_wave(app: Any, worker: Worker) -> dict[str, Any]:
    result: dict[str, Any] = app.send_task("ladder.matchmaking_wave", queue=worker.queue).get(timeout=60)
    return result


async def test_hundred_players_one_wave(
    queue_service: QueueService, engine: Engine, celery_app: Any, worker: Worker, redis_client: Any, stream: str,
    ladder: Ladder,
) -> None:  # fmt: skip
    await fill_queue(queue_service, engine, 100)
    result = run_wave(celery_app, worker)
    assert not result["skipped"] and result["claimed"] == 100 and result["matched_pairs"] >= 40

    assert_no_double_matches(engine)
    with engine.connect() as conn:
        states = dict(conn.execute(text("SELECT state, count(*) FROM queue_entries GROUP BY state")).all())
        matches = conn.execute(
            text("SELECT m.id, m.player1_id, m.player2_id, m.player1_race, m.player2_race, m.map FROM matches m")
        ).all()
        unmatched_waves = set(
            conn.execute(text("SELECT waves_waited FROM queue_entries WHERE state = 'waiting'")).scalars()
        )
    assert states.get("matched", 0) == 2 * len(matches) == 2 * result["matched_pairs"]
    assert states.get("matched", 0) + states.get("waiting", 0) == 100
    assert unmatched_waves <= {1}, "a player the wave did not match has the wave counted"
    for m in matches:
        assert {m.player1_race.split("_")[0], m.player2_race.split("_")[0]} == {"bw", "sc2"}
    # Nobody left waiting could have been matched with someone else left waiting.
    assert waiting_pairs_that_fit(engine, ladder) == []

    events = stream_events(redis_client, stream)
    assert sorted(e.payload["match_id"] for e in events) == sorted(m.id for m in matches)
    assert all(e.type == MATCH_FOUND for e in events)
    for e in events:
        players = e.payload["players"]
        assert set(e.player_ids) == {p["player_id"] for p in players}
        assert e.payload["server"] and e.payload["map"] in ladder.maps.pool
        assert all(p["race_name"] and p["rating"] for p in players)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar() == 0


async def test_a_wave_that_finds_another_running_skips(
    queue_service: QueueService, engine: Engine, celery_app: Any, worker: Worker
) -> None:
    await fill_queue(queue_service, engine, 20)
    with engine.connect() as holder:
        holder.execute(text("BEGIN"))
        holder.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WAVE_LOCK_KEY})
        result = run_wave(celery_app, worker)
        holder.execute(text("ROLLBACK"))
    assert result["skipped"] is True
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM matches")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM waves")).scalar() == 0
    assert run_wave(celery_app, worker)["skipped"] is False


async def test_two_waves_at_the_same_moment_never_overlap(
    queue_service: QueueService, engine: Engine, celery_app: Any, worker: Worker
) -> None:
    skipped = 0
    for round_ in range(4):
        await fill_queue(queue_service, engine, 300, seed=round_, first_id=1000 * (round_ + 1))
        first = celery_app.send_task("ladder.matchmaking_wave", queue=worker.queue)
        second = celery_app.send_task("ladder.matchmaking_wave", queue=worker.queue)
        results = [first.get(timeout=60), second.get(timeout=60)]
        skipped += sum(r["skipped"] for r in results)
        assert_no_double_matches(engine)
    with engine.connect() as conn:
        waves = conn.execute(text("SELECT started_at, committed_at FROM waves ORDER BY started_at")).all()
    # Whether the second wave skipped or came after the first, no two waves ever ran at once.
    for earlier, later in pairwise(waves):
        assert earlier.committed_at <= later.started_at
    assert skipped + len(waves) == 8


async def test_cancel_racing_a_wave_is_cancelled_xor_matched(
    queue_service: QueueService, engine: Engine, celery_app: Any, worker: Worker
) -> None:
    seen: dict[str, int] = {"cancelled": 0, "matched": 0}
    for round_ in range(5):
        first = 10_000 * (round_ + 1)
        await fill_queue(queue_service, engine, 200, seed=round_, first_id=first)
        wave = celery_app.send_task("ladder.matchmaking_wave", queue=worker.queue)
        # Cancels spread over the wave's lifetime: some land before it claims, some while it holds rows.
        answers = {}
        for player in range(first, first + 200, 2):
            answers[player] = await queue_service.cancel(player)
            await asyncio.sleep(0.002)
        wave.get(timeout=60)
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT player_id, state, match_id FROM queue_entries WHERE player_id = ANY(:ids)"),
                {"ids": list(answers)},
            ).all()
        for row in rows:
            answer = answers[row.player_id]
            if isinstance(answer, Cancelled):
                assert row.state == "cancelled", f"told cancelled, but {row.state}"
                seen["cancelled"] += 1
            else:
                seen["matched"] += 1
                assert isinstance(answer, AlreadyMatched), f"player {row.player_id}: {answer}"
                assert row.state == "matched" and row.match_id == answer.match_id
    assert_no_double_matches(engine)
    print(f"cancel race outcomes: {seen}")
    # The race was real: some cancels won, some lost to the wave.
    assert seen["cancelled"] > 0 and seen["matched"] > 0
