"""A ladder file that chooses the seed community's greedy (`algorithm = "greedy"`): a real worker's wave makes
the greedy's pairs, not the optimal matching's."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from bot.queue_service import QueueService
from db import waves
from db.ladder import LADDERS_DIR, Ladder, load_ladder
from tests.integration.conftest import Worker
from tests.integration.helpers import assert_no_double_matches, fill_queue
from workers.pairing import Seeker, pair_seekers
from workers.wave import pairing_rules, seeker_of

PairSet = set[frozenset[int]]


def greedy_ladder_file(folder: Path) -> Path:
    shipped = (LADDERS_DIR / "starcraft.toml").read_text()
    assert '\nalgorithm = "optimal"\n' in shipped
    file = folder / "starcraft-greedy.toml"
    file.write_text(shipped.replace('\nalgorithm = "optimal"\n', '\nalgorithm = "greedy"\n'))
    (folder / "starcraft-rules").symlink_to(LADDERS_DIR / "starcraft-rules")
    return file


def waiting_seekers(engine: Engine, ladder: Ladder) -> list[Seeker]:
    """The waiting players as a wave sees them (its own reads, in a transaction rolled back)."""
    with Session(engine) as session:
        claimed = waves.claim_waiting(session)
        ratings, _ = waves.ratings_of(session, [c.player_id for c in claimed], ladder.ranks.active_days)
        seekers = [seeker_of(c, ladder, ratings, None) for c in claimed]
        session.rollback()
    return seekers


def pairs_of(ladder: Ladder, seekers: list[Seeker]) -> PairSet:
    return {
        frozenset((p.first.player_id, p.second.player_id))
        for p in pair_seekers(seekers, pairing_rules(ladder), random.Random(0))
    }


async def test_a_greedy_ladders_wave_makes_the_greedys_pairs(
    queue_service: QueueService, engine: Engine, celery_app: Any, spawn_worker: Any, ladder: Ladder, tmp_path: Path
) -> None:
    file = greedy_ladder_file(tmp_path)
    greedy = load_ladder(file)
    assert greedy.matchmaking.algorithm == "greedy"
    await fill_queue(queue_service, engine, 100, seed=5)
    seekers = waiting_seekers(engine, greedy)
    expected = pairs_of(greedy, seekers)
    # The two algorithms differ on this queue, so the wave's pairs tell which one ran.
    assert expected != pairs_of(ladder, seekers)

    worker: Worker = spawn_worker(LADDER_CONFIG=str(file))
    result = celery_app.send_task("ladder.matchmaking_wave", queue=worker.queue).get(timeout=60)

    assert not result["skipped"] and result["matched_pairs"] == len(expected)
    assert_no_double_matches(engine)
    with engine.connect() as conn:
        made = {frozenset(row) for row in conn.execute(text("SELECT player1_id, player2_id FROM matches"))}
    assert made == expected
