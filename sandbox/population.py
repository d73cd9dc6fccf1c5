"""The simulated players of the demo and the chaos run: who they are and what they play, set up in the database
before they start clicking; and the wait for the bot they click through."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text

from db.ladder import Ladder
from sandbox.discord_standin import StandIn


async def wait_for_bots(
    standin: StandIn, bots: list[tuple[Any, Path]], timeout: float = 60, identified_before: int = 0
) -> None:
    """Until the bot processes have connected to the stand-in (again, after `identified_before` connections), so
    every server's interactions reach one, and the commands are synced."""
    deadline = time.monotonic() + timeout
    while not (standin.identify_count > identified_before and standin.commands and standin.connected):
        for bot, log in bots:
            if bot.poll() is not None:
                raise RuntimeError(f"the bot exited; see {log}")
        if time.monotonic() > deadline:
            logs = ", ".join(str(log) for _, log in bots)
            raise RuntimeError(f"the bot did not connect to the stand-in within {timeout:.0f}s; see {logs}")
        await asyncio.sleep(0.1)


@dataclass(frozen=True)
class SimulatedPlayer:
    id: int
    races: list[str]
    vetoes: list[str]
    region: str


async def seed_players(
    sessions: Any, ladder: Ladder, count: int, rng: random.Random
) -> tuple[list[SimulatedPlayer], dict[tuple[int, str], float]]:
    """Players new to the ladder (each sets up on their first /queue, in the region drawn here), and a rating
    per race they play spread around the start rating (returned
    too, as the history's starting point)."""
    players = []
    rows: list[dict[str, object]] = []
    ratings: list[dict[str, object]] = []
    initial: dict[tuple[int, str], float] = {}
    for pid in range(1, count + 1):
        if ladder.has_sides:
            first, second = (ladder.races_of_side(s.code) for s in ladder.sides)
            kind = rng.random()
            races = ([rng.choice(first).code] if kind < 0.6 else []) + (
                [rng.choice(second).code] if kind >= 0.4 else []
            )
        else:
            races = [rng.choice(ladder.races).code]
        vetoes = rng.sample(ladder.maps.pool, rng.randint(0, ladder.maps.vetoes))
        players.append(SimulatedPlayer(pid, races, vetoes, rng.choice(ladder.regions).code))
        rows.append({"id": pid})
        for race in races:
            initial[(pid, race)] = round(rng.gauss(ladder.rating.start, 300), 1)
            ratings.append({"p": pid, "race": race, "rating": initial[(pid, race)]})
    async with sessions.begin() as session:
        await session.execute(text("INSERT INTO players (id) VALUES (:id)"), rows)
        await session.execute(
            text("INSERT INTO ratings (player_id, race, rating) VALUES (:p, :race, :rating)"), ratings
        )
        # Each starting rating as an admin would give it, audited: the daily check of the ratings against the
        # match history starts from it.
        await session.execute(
            text(
                "INSERT INTO audit_log (actor_id, action, player_id, details) VALUES (0, 'rating_set', :p,"
                " jsonb_build_object('race', CAST(:race AS text), 'old', NULL, 'new', CAST(:rating AS float8)))"
            ),
            ratings,
        )
    return players, initial


# What both runs print as they go: players waiting, waves run and matches made so far.
PROGRESS = text(
    "SELECT (SELECT count(*) FROM queue_entries WHERE state = 'waiting') AS waiting,"
    " (SELECT count(*) FROM waves) AS waves, (SELECT count(*) FROM matches) AS matches"
)
