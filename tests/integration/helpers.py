"""Shared steps of the integration tests: fill the queue, read the stream, check the invariants."""

from __future__ import annotations

import random
from itertools import combinations

import redis
from sqlalchemy import Engine, text

from bot.queue_service import QueueService
from db.events import Event
from db.ladder import Ladder
from workers.pairing import RaceRating, Seeker, windows_of
from workers.wave import pairing_rules

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


def waiting_pairs_that_fit(engine: Engine, ladder: Ladder) -> list[tuple[int, int]]:
    """Pairs of still-waiting players the last wave could have matched, under the windows it paired with: each
    player's window in that pool (the ladder's cap by density included), from the waves waited before it."""
    with engine.connect() as conn:
        entries = conn.execute(text("SELECT player_id, races, waves_waited, state FROM queue_entries")).all()
        ratings = dict(
            ((p, r), float(v)) for p, r, v in conn.execute(text("SELECT player_id, race, rating FROM ratings")).all()
        )
    seekers = [
        Seeker(
            entry_id=e.player_id,
            player_id=e.player_id,
            races=tuple(RaceRating(r, ladder.race_by_code[r].side, ratings[(e.player_id, r)]) for r in e.races),
            waves_waited=e.waves_waited - (e.state == "waiting"),
        )
        for e in entries
    ]
    window = dict(zip([s.player_id for s in seekers], windows_of(seekers, pairing_rules(ladder)).tolist(), strict=True))
    waiting = [s for s, e in zip(seekers, entries, strict=True) if e.state == "waiting"]
    return [
        (a.player_id, b.player_id)
        for a, b in combinations(waiting, 2)
        if any(
            ra.side != rb.side and abs(ra.rating - rb.rating) <= max(window[a.player_id], window[b.player_id])
            for ra in a.races
            for rb in b.races
        )
    ]
