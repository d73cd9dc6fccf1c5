"""The match after the wave, on real PostgreSQL: confirm, abort, report, deadlines, rating, requeue."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any

import pytest
import redis
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from bot.catalogs import source_words
from bot.drawing.refusals import refusal_text
from bot.queue_service import QueueService
from db import matches
from db.events import (
    MATCH_ABORTED,
    MATCH_COMPLETED,
    MATCH_CONFIRMED,
    MATCH_DISPUTED,
    MATCH_REMINDER,
    MATCH_REPORTED,
)
from db.ladder import Ladder
from db.match_deadlines import sweep_deadlines
from db.rating import Elo
from db.refusals import Refusal, Why
from workers.rating_history import rating_mismatches
from workers.wave import run_wave

ENGLISH = source_words()


async def matched_pair(
    queue_service: QueueService, sessions: sessionmaker[Session], redis_client: redis.Redis, stream: str,
    ladder: Ladder, a: int = 1, b: int = 2,
) -> int:  # fmt: skip
    """Two players queue on opposite sides at the same rating; a wave matches them. Returns the match id."""
    await queue_service.join(a, ["bw_zerg"])
    await queue_service.join(b, ["sc2_terran"])
    with sessions.begin() as s:  # long waits: any rating gap fits the window
        s.execute(text("UPDATE queue_entries SET waves_waited = 40 WHERE player_id IN (:a, :b)"), {"a": a, "b": b})
    run_wave(sessions, redis_client, stream, ladder)
    with sessions() as s:
        match_id = s.execute(
            text("SELECT id FROM matches WHERE player1_id IN (:a, :b) AND state = 'awaiting_confirmation'"),
            {"a": a, "b": b},
        ).scalar()
    assert match_id is not None, "the wave matched the two"
    return int(match_id)


def move(sessions: sessionmaker[Session], fn: Callable[..., matches.Move], *args: Any) -> matches.Move:
    with sessions.begin() as s:
        return fn(s, *args)


def events_of(engine: Engine, match_id: int) -> list[tuple[str, list[int]]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT type, player_ids FROM outbox WHERE (payload->>'match_id')::bigint = :m ORDER BY id"),
            {"m": match_id},
        ).all()
    return [(r.type, list(r.player_ids)) for r in rows]


def match_state(engine: Engine, match_id: int) -> Any:
    with engine.connect() as conn:
        return conn.execute(text("SELECT * FROM matches WHERE id = :m"), {"m": match_id}).one()


@pytest.fixture
def pair(
    queue_service: QueueService, sessions: sessionmaker[Session], redis_client: redis.Redis, stream: str,
    ladder: Ladder,
) -> Callable[..., Any]:  # fmt: skip
    async def make(a: int = 1, b: int = 2) -> int:
        return await matched_pair(queue_service, sessions, redis_client, stream, ladder, a, b)

    return make


async def test_the_whole_journey_moves_both_ratings_by_elo(
    pair: Any, sessions: sessionmaker[Session], engine: Engine, ladder: Ladder
) -> None:
    match_id = await pair()
    first = move(sessions, matches.confirm, match_id, 1, ladder, None)
    assert first.changed and first.events == () and first.match["state"] == "awaiting_confirmation"
    second = move(sessions, matches.confirm, match_id, 2, ladder, {"token": "t2"})
    assert [e.type for e in second.events] == [MATCH_CONFIRMED]
    assert second.events[0].payload["message_refs"]["2"] == {"token": "t2"}, "the fresh ref of the last press"

    elo = Elo.of(ladder)
    reported = move(sessions, matches.report, match_id, 1, "win", ladder, elo, None)
    # The opponent, who has not reported, is told; the reporter sees their report in their own answer.
    assert [(e.type, e.player_ids) for e in reported.events] == [(MATCH_REPORTED, (2,))]
    assert reported.events[0].payload["players"][0]["report"] == "win"
    done = move(sessions, matches.report, match_id, 2, "loss", ladder, elo, None)
    assert [e.type for e in done.events] == [MATCH_COMPLETED]
    # Equal ratings, K = 40: the winner gains half of K, the loser loses it.
    assert done.events[0].payload["new_ratings"] == {"1": 1520, "2": 1480}
    with engine.connect() as conn:
        rows = {r.player_id: r for r in conn.execute(text("SELECT * FROM ratings"))}
    assert (rows[1].rating, rows[1].wins, rows[1].games) == (1520, 1, 1)
    assert (rows[2].rating, rows[2].losses, rows[2].games) == (1480, 1, 1)
    m = match_state(engine, match_id)
    assert (m.state, m.result, m.player1_rating_change, m.player2_rating_change) == ("completed", "player1", 20, -20)
    assert events_of(engine, match_id) == [
        ("match_found", [1, 2]), (MATCH_CONFIRMED, [1, 2]), (MATCH_REPORTED, [2]), (MATCH_COMPLETED, [1, 2])
    ]  # fmt: skip


async def test_confirms_at_the_same_instant_confirm_once(pair: Any, sessions: sessionmaker[Session], engine: Engine,
                                                         ladder: Ladder) -> None:  # fmt: skip
    def press(player: int, match_id: int, barrier: threading.Barrier, outcomes: list[matches.Move]) -> None:
        with sessions.begin() as s:
            s.execute(text("SELECT 1"))
            barrier.wait()
            outcomes.append(matches.confirm(s, match_id, player, ladder, None))

    for round_ in range(5):
        match_id = await pair(10 * round_ + 1, 10 * round_ + 2)
        barrier = threading.Barrier(2)
        outcomes: list[matches.Move] = []
        threads = [
            threading.Thread(target=press, args=(p, match_id, barrier, outcomes))
            for p in (10 * round_ + 1, 10 * round_ + 2)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(o.changed for o in outcomes)
        assert sum(len(o.events) for o in outcomes) == 1
        assert [t for t, _ in events_of(engine, match_id)].count(MATCH_CONFIRMED) == 1
        assert match_state(engine, match_id).state == "confirmed"


async def test_a_report_pressed_twice_counts_once_and_disagreement_is_disputed(
    pair: Any, sessions: sessionmaker[Session], engine: Engine, ladder: Ladder
) -> None:
    match_id = await pair()
    elo = Elo.of(ladder)
    for p in (1, 2):
        move(sessions, matches.confirm, match_id, p, ladder, None)
    assert move(sessions, matches.report, match_id, 1, "win", ladder, elo, None).changed
    again = move(sessions, matches.report, match_id, 1, "loss", ladder, elo, None)
    assert again.refused == Refusal(Why.ALREADY_REPORTED, {"report": "win"})
    assert refusal_text(ENGLISH, again.refused) == "You have already reported a win."
    disputed = move(sessions, matches.report, match_id, 2, "win", ladder, elo, None)
    assert [e.type for e in disputed.events] == [MATCH_DISPUTED]
    m = match_state(engine, match_id)
    assert (m.state, m.end_reason, m.player1_report, m.player2_report) == ("disputed", "reports_differ", "win", "win")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT sum(games) FROM ratings")).scalar() == 0, "no rating moves on a dispute"


async def test_someone_else_and_a_stale_press_change_nothing(
    pair: Any, sessions: sessionmaker[Session], engine: Engine, ladder: Ladder
) -> None:
    match_id = await pair()
    stranger = move(sessions, matches.confirm, match_id, 99, ladder, None)
    assert stranger.refused == Refusal(Why.MATCH_NOT_YOURS)
    missing = move(sessions, matches.abort, 10**12, 1, ladder, None)
    assert missing.refused == Refusal(Why.MATCH_NOT_FOUND)
    elo = Elo.of(ladder)
    early = move(sessions, matches.report, match_id, 1, "win", ladder, elo, None)
    assert early.refused is not None and "waiting for both players to confirm" in refusal_text(ENGLISH, early.refused)
    assert events_of(engine, match_id) == [("match_found", [1, 2])]


async def test_abort_gives_a_cooldown_and_offers_the_other_player_the_queue(
    pair: Any, sessions: sessionmaker[Session], engine: Engine, ladder: Ladder, queue_service: QueueService
) -> None:
    from bot.queue_errors import CannotRequeue, OnCooldown

    match_id = await pair()
    with engine.begin() as conn:  # player 2 had waited three waves before the match
        conn.execute(text("UPDATE queue_entries SET waves_waited = 3 WHERE player_id = 2"))
    aborted = move(sessions, matches.abort, match_id, 1, ladder, None)
    [event] = aborted.events
    assert event.type == MATCH_ABORTED and event.payload["requeue"] == [2] and event.payload["aborted_by"] == 1
    with pytest.raises(OnCooldown):
        await queue_service.join(1, ["bw_zerg"])
    with pytest.raises(CannotRequeue):
        await queue_service.requeue(match_id, 1)  # the one who aborted is not offered it
    joined = await queue_service.requeue(match_id, 2)
    assert joined.choice.races == ("sc2_terran",)
    with engine.connect() as conn:
        waves = conn.execute(text("SELECT waves_waited FROM queue_entries WHERE id = :e"), {"e": joined.entry_id})
        assert waves.scalar() == 3
    await queue_service.cancel(2)
    with pytest.raises(CannotRequeue):
        await queue_service.requeue(match_id, 2)  # once only


async def test_deadlines_remind_time_out_and_settle(
    pair: Any, sessions: sessionmaker[Session], engine: Engine, ladder: Ladder
) -> None:
    elo = Elo.of(ladder)
    reminded = await pair(1, 2)
    timed_out = await pair(3, 4)
    single = await pair(5, 6)
    nobody = await pair(7, 8)
    for m, p in ((timed_out, 3), (single, 5), (single, 6), (nobody, 7), (nobody, 8)):
        move(sessions, matches.confirm, m, p, ladder, None)
    move(sessions, matches.report, single, 6, "draw", ladder, elo, None)
    with engine.begin() as conn:
        conn.execute(text("UPDATE matches SET confirm_by = now() + interval '20 seconds' WHERE id = :m"),
                     {"m": reminded})  # fmt: skip
        conn.execute(text("UPDATE matches SET confirm_by = now() - interval '1 second' WHERE id = :m"),
                     {"m": timed_out})  # fmt: skip
        conn.execute(text("UPDATE matches SET report_by = now() - interval '1 second' WHERE id = ANY(:m)"),
                     {"m": [single, nobody]})  # fmt: skip
    with sessions.begin() as s:
        swept = sweep_deadlines(s, ladder, elo)
    assert (swept.reminded, swept.timed_out, swept.settled, swept.disputed) == (1, 1, 1, 1)
    assert events_of(engine, reminded)[-1] == (MATCH_REMINDER, [1, 2])
    assert events_of(engine, timed_out)[-1] == (MATCH_ABORTED, [3, 4])
    with engine.connect() as conn:
        cooled = set(conn.execute(text("SELECT id FROM players WHERE cooldown_until > now()")).scalars())
    assert cooled == {4}, "only the player who did not confirm is cooled down"
    assert match_state(engine, single).result == "draw"
    assert match_state(engine, nobody).end_reason == "no_report"
    with sessions.begin() as s:  # a second sweep finds nothing more to do
        again = sweep_deadlines(s, ladder, elo)
    assert (again.reminded, again.timed_out, again.settled, again.disputed) == (0, 0, 0, 0)


async def test_counters_and_ratings_equal_a_rebuild_from_the_match_history(
    pair: Any, sessions: sessionmaker[Session], engine: Engine, ladder: Ladder
) -> None:
    rng = random.Random(7)
    elo = Elo.of(ladder)
    for _ in range(12):
        a, b = rng.sample(range(1, 7), 2)
        match_id = await pair(a, b)
        for p in (a, b):
            move(sessions, matches.confirm, match_id, p, ladder, None)
        report = rng.choice(["win", "loss", "draw"])
        opposite = {"win": "loss", "loss": "win", "draw": "draw"}[report]
        move(sessions, matches.report, match_id, a, report, ladder, elo, None)
        move(sessions, matches.report, match_id, b, opposite, ladder, elo, None)
    assert_ratings_rebuild(engine, ladder)


def assert_ratings_rebuild(engine: Engine, ladder: Ladder) -> None:
    """Replays every completed match, in order, through the rating function from the start rating."""
    with Session(engine) as session:
        assert rating_mismatches(session, ladder, {}) == []
    with engine.begin() as conn:  # and the check can fail: one drifted counter is found
        conn.execute(text("UPDATE ratings SET games = games + 1, wins = wins + 1 WHERE player_id = 1"))
    with Session(engine) as session:
        assert len(rating_mismatches(session, ladder, {})) >= 1


async def test_the_expected_wait_comes_from_recent_matches_near_the_rating(
    pair: Any, engine: Engine, queue_service: QueueService
) -> None:
    assert (await queue_service.snapshot(1500)).estimated_wait_s is None
    for n in range(3):
        await pair(2 * n + 1, 2 * n + 2)
    with engine.begin() as conn:  # each waited two minutes before their match
        conn.execute(text("UPDATE queue_entries SET joined_at = ended_at - interval '120 seconds'"))
    near = await queue_service.snapshot(1550)
    assert near.estimate_basis == 6 and near.estimated_wait_s == 120
    far = await queue_service.snapshot(2400)
    assert far.estimate_basis == 0 and far.estimated_wait_s is None


async def test_a_ladder_that_takes_results_from_replays_refuses_reports(
    pair: Any, sessions: sessionmaker[Session], engine: Engine, ladder: Ladder
) -> None:
    by_replay = ladder.model_copy(update={"replays": ladder.replays.model_copy(update={"mode": "required"})})
    match_id = await pair()
    elo = Elo.of(by_replay)
    for p in (1, 2):
        move(sessions, matches.confirm, match_id, p, by_replay, None)
    refused = move(sessions, matches.report, match_id, 1, "win", by_replay, elo, None)
    assert refused.refused == Refusal(Why.REPLAY_REQUIRED) and not refused.changed
    assert refused.match is not None and refused.match.get("replays") == "required"
    assert (
        refusal_text(ENGLISH, refused.refused) == "This ladder takes results from replays: upload yours with /replay."
    )
    m = match_state(engine, match_id)
    assert (m.state, m.player1_report) == ("confirmed", None)
    # The same ladder taking reports: the same press counts.
    assert move(sessions, matches.report, match_id, 1, "win", ladder, elo, None).changed
