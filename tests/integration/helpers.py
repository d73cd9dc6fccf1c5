"""Shared steps of the integration tests: fill the queue, read the stream, check the invariants."""

from __future__ import annotations

import random
from typing import Any

import redis
from sqlalchemy import Engine, text

from bot.queue_service import QueueService
from db.events import Event

BW = ["bw_terran", "bw_zerg", "bw_protoss"]
SC2 = ["sc2_terran", "sc2_zerg", "sc2_protoss"]


async def fill_queue(service: QueueService, engine: Engine, players: int, seed: int = 1, first_id: int = 1) -> None:
    """`players` join with a race of one side or of both, then get ratings spread around 1500."""
    rng = random.Random(seed)
    for player in range(first_id, first_id + players):
        kind = rng.random()
        races = ([rng.choice(BW)] if kind < 0.6 else []) + ([rng.choice(SC2)] if kind >= 0.4 else [])
        await service.join(player, races, rng.sample(["Pylon", "Death Valley", "Khione", "Radeon"], rng.randint(0, 2)))
    with engine.begin() as conn:
        conn.execute(text("SELECT setseed(:s)"), {"s": (seed % 1000) / 1000})
        conn.execute(text("UPDATE ratings SET rating = round((1500 + 250 * (random() - 0.5) * 2)::numeric, 1)"))


def stream_events(client: redis.Redis, stream: str) -> list[Event]:
    return [Event.from_fields(fields) for _, fields in client.xrange(stream)]


def assert_no_double_matches(engine: Engine) -> None:
    with engine.connect() as conn:
        doubled = conn.execute(
            text(
                "SELECT player, count(*) FROM (SELECT player1_id AS player FROM matches"
                " UNION ALL SELECT player2_id FROM matches) AS m GROUP BY player HAVING count(*) > 1"
            )
        ).all()
        entries = conn.execute(
            text(
                "SELECT count(*) FROM queue_entries e JOIN matches m ON m.id = e.match_id"
                " WHERE e.player_id NOT IN (m.player1_id, m.player2_id)"
            )
        ).scalar()
    assert doubled == [], f"players in two matches: {doubled}"
    assert entries == 0, "an entry points at a match its player is not in"


def waiting_pairs_that_fit(engine: Engine, window_base: float, window_growth: float) -> list[Any]:
    """Pairs of still-waiting players the last wave could have matched (with its windows)."""
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT a.player_id, b.player_id FROM queue_entries a JOIN queue_entries b"
                " ON a.player_id < b.player_id"
                " JOIN ratings ra ON ra.player_id = a.player_id AND ra.race = ANY(a.races)"
                " JOIN ratings rb ON rb.player_id = b.player_id AND rb.race = ANY(b.races)"
                " WHERE a.state = 'waiting' AND b.state = 'waiting'"
                " AND split_part(ra.race, '_', 1) <> split_part(rb.race, '_', 1)"
                " AND abs(ra.rating - rb.rating) <= :base + :growth * (greatest(a.waves_waited, b.waves_waited) - 1)"
            ),
            {"base": window_base, "growth": window_growth},
        ).all()
