"""QueueService against a real PostgreSQL: joins, every guard, cancel, snapshot, and hostile input."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from bot.catalogs import source_words
from bot.drawing.refusals import refusal_text
from bot.queue_errors import AlreadyQueued, Banned, InUnfinishedMatch, InvalidPlayer, QueueError, TooManyVetoes
from bot.queue_service import AlreadyMatched, Cancelled, NotQueued, QueueService
from db import waves
from tests.ladder_tables import dump, truncate_all

ENGLISH = source_words()


async def test_join_creates_player_ratings_entry_and_choice(queue_service: QueueService, engine: Engine) -> None:
    joined = await queue_service.join(
        42, ["sc2_zerg", "bw_terran"], ["Pylon"], display_name="Flash", message_ref={"channel_id": 9}
    )
    assert joined.choice.races == ("bw_terran", "sc2_zerg")
    assert joined.ratings == {"bw_terran": 1500.0, "sc2_zerg": 1500.0}
    with engine.connect() as conn:
        entry = conn.execute(text("SELECT player_id, races, vetoes, state, message_ref FROM queue_entries")).one()
        name = conn.execute(text("SELECT display_name FROM players WHERE id = 42")).scalar()
    assert tuple(entry) == (42, ["bw_terran", "sc2_zerg"], ["Pylon"], "waiting", {"channel_id": 9})
    assert name == "Flash"
    last = await queue_service.last_choice(42)
    assert last is not None and last.races == ("bw_terran", "sc2_zerg") and last.vetoes == ("Pylon",)


async def test_existing_rating_is_kept(queue_service: QueueService, engine: Engine) -> None:
    await queue_service.join(7, ["bw_zerg"])
    await queue_service.cancel(7)
    with engine.begin() as conn:
        conn.execute(text("UPDATE ratings SET rating = 1712 WHERE player_id = 7"))
    joined = await queue_service.join(7, ["bw_zerg"])
    assert joined.ratings == {"bw_zerg": 1712.0}


async def test_already_queued_writes_nothing(queue_service: QueueService, engine: Engine) -> None:
    await queue_service.join(1, ["bw_zerg"])
    before = dump(engine)
    with pytest.raises(AlreadyQueued) as refused:
        await queue_service.join(1, ["sc2_terran"], ["Pylon"])
    assert refusal_text(ENGLISH, refused.value.refusal) == "You are already in the queue."
    assert dump(engine) == before


async def test_banned_player_is_refused(queue_service: QueueService, engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO players (id, banned, ban_reason) VALUES (5, true, 'smurfing')"))
    before = dump(engine)
    with pytest.raises(Banned) as refused:
        await queue_service.join(5, ["bw_zerg"])
    assert refusal_text(ENGLISH, refused.value.refusal) == "You are banned from this ladder. Reason: smurfing"
    assert dump(engine) == before


async def test_player_in_an_unfinished_match_is_refused(queue_service: QueueService, engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO players (id) VALUES (1), (2)"))
        conn.execute(
            text(
                "INSERT INTO matches (id, player1_id, player2_id, player1_race, player2_race, player1_rating,"
                " player2_rating, server) VALUES (77, 1, 2, 'bw_zerg', 'sc2_zerg', 1500, 1500, 'Europe')"
            )
        )
    before = dump(engine)
    with pytest.raises(InUnfinishedMatch) as refused:
        await queue_service.join(2, ["bw_zerg"])
    assert "match #77" in refusal_text(ENGLISH, refused.value.refusal)
    assert dump(engine) == before


async def test_cancel_answers_cancelled_then_not_queued(queue_service: QueueService, engine: Engine) -> None:
    joined = await queue_service.join(3, ["bw_protoss"])
    assert await queue_service.cancel(3) == Cancelled(joined.entry_id)
    assert await queue_service.cancel(3) == NotQueued()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT state FROM queue_entries")).scalar() == "cancelled"


async def test_cancel_after_a_match_says_already_matched(queue_service: QueueService, engine: Engine) -> None:
    joined = await queue_service.join(1, ["bw_zerg"])
    await queue_service.join(2, ["sc2_zerg"])
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO matches (id, player1_id, player2_id, player1_race, player2_race, player1_rating,"
                " player2_rating, server) VALUES (5, 1, 2, 'bw_zerg', 'sc2_zerg', 1500, 1500, 'Europe')"
            )
        )
        conn.execute(text("UPDATE queue_entries SET state = 'matched', match_id = 5"))
    assert await queue_service.cancel(1) == AlreadyMatched(joined.entry_id, 5)


async def test_snapshot_counts_waiting_players(queue_service: QueueService, engine: Engine) -> None:
    empty = await queue_service.snapshot()
    assert (empty.waiting, empty.longest_wait_s, empty.next_wave_at) == (0, 0.0, None)
    for player in (1, 2, 3):
        await queue_service.join(player, ["bw_zerg"])
    await queue_service.cancel(2)
    with engine.begin() as conn:
        conn.execute(text("UPDATE queue_entries SET joined_at = now() - interval '90 seconds' WHERE player_id = 1"))
        conn.execute(text("INSERT INTO waves (started_at) VALUES (now() - interval '10 seconds')"))
    snap = await queue_service.snapshot()
    assert snap.waiting == 2
    assert 89 <= snap.longest_wait_s <= 120
    assert snap.last_wave_at is not None and snap.next_wave_at is not None
    assert (snap.next_wave_at - snap.last_wave_at).total_seconds() == 45


async def test_too_many_vetoes_writes_nothing(queue_service: QueueService, engine: Engine) -> None:
    before = dump(engine)
    with pytest.raises(TooManyVetoes):
        await queue_service.join(1, ["bw_zerg"], ["Death Valley", "Khione", "Pylon", "Radeon", "Sylphid"])
    assert dump(engine) == before


@pytest.mark.parametrize("player_id", [0, -1, 2**63, True, "12", None, 1.5])
async def test_a_player_id_that_is_not_one_is_refused(queue_service: QueueService, player_id: Any) -> None:
    with pytest.raises(InvalidPlayer):
        await queue_service.join(player_id, ["bw_zerg"])
    with pytest.raises(InvalidPlayer):
        await queue_service.cancel(player_id)


junk = st.one_of(
    st.text(max_size=300),
    st.builds(lambda ch, n: ch * n, st.characters(), st.integers(5_000, 100_000)),
    st.integers(),
    st.none(),
    st.sampled_from(["bw_zerg", "sc2_terran", "Pylon", "Death Valley", "\x00", "bw_zerg\x00"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    player_id=st.one_of(st.integers(-(2**70), 2**70), st.sampled_from([1, 2, 3])),
    races=st.lists(junk, max_size=4),
    vetoes=st.lists(junk, max_size=8),
    name=st.one_of(st.none(), st.text(max_size=500)),
)
async def test_bad_input_gets_a_domain_error_and_changes_nothing(
    queue_service: QueueService, engine: Engine, player_id: Any, races: list[Any], vetoes: list[Any], name: Any
) -> None:
    await _reset_with_one_waiting(queue_service, engine)
    before = dump(engine)
    try:
        await queue_service.join(player_id, races, vetoes, display_name=name)
    except QueueError:
        assert dump(engine) == before
    else:
        assert dump(engine) != before  # an accepted join did write its entry
    cancelled = await queue_service.cancel(player_id) if isinstance(player_id, int) and 0 < player_id < 2**63 else None
    assert cancelled is None or isinstance(cancelled, (Cancelled, NotQueued))


async def _reset_with_one_waiting(queue_service: QueueService, engine: Engine) -> None:
    with engine.begin() as conn:
        truncate_all(conn)
    await queue_service.join(1, ["bw_zerg"], ["Pylon"])


async def test_a_join_while_a_wave_holds_the_player_waits_and_then_sees_the_match(
    queue_service: QueueService, sessions: sessionmaker[Session]
) -> None:
    await queue_service.join(1, ["bw_zerg"])
    await queue_service.join(2, ["sc2_zerg"])
    with sessions.begin() as wave:  # a wave between its claim and its commit, with the wave's own queries
        claimed = waves.claim_waiting(wave)
        assert [c.player_id for c in claimed] == [1, 2]
        wave_id, _ = waves.start_wave(wave)
        row = {"p1": 1, "p2": 2, "r1": "bw_zerg", "r2": "sc2_zerg", "rt1": 1500, "rt2": 1500, "map": "Pylon",
               "server": "USE"}  # fmt: skip
        [match_id] = waves.insert_matches(wave, wave_id, [row], datetime.now(UTC) + timedelta(seconds=90))
        waves.mark_matched(wave, [c.entry_id for c in claimed], [match_id, match_id])
        second_join = asyncio.create_task(queue_service.join(1, ["bw_zerg"]))
        await asyncio.sleep(0.5)
        assert not second_join.done(), "the join must wait for the wave that holds the player"
    with pytest.raises(InUnfinishedMatch):
        await second_join
    assert await queue_service.cancel(1) == AlreadyMatched(claimed[0].entry_id, match_id)
