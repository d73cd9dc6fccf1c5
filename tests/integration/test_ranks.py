"""The ranks a wave puts on its match cards agree with the ranks /profile shows, player by player."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, sessionmaker

from db.ladder import Ladder
from db.players import profile
from db.ranks import ranks_of


@pytest.mark.parametrize("active", [1, 2, 7, 60, 333])
async def test_the_waves_ranks_are_profiles_ranks(
    engine: Engine,
    sessions: sessionmaker[Session],
    asessions: async_sessionmaker[AsyncSession],
    ladder: Ladder,
    active: int,
) -> None:
    draw = random.Random(active)
    base = 9_000_000 + active * 1000
    players = list(range(base, base + active + 3))
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO players (id) VALUES (:p)"), [{"p": p} for p in players])
        rows = [
            # Three players have not played for a long time: unranked, and not counted among the active.
            {"p": p, "r": round(draw.gauss(1500, 200)), "days": 2 if i < active else 90}
            for i, p in enumerate(players)
        ]
        conn.execute(
            text(
                "INSERT INTO ratings (player_id, race, rating, games, wins, last_played_at)"
                " VALUES (:p, 'bw_zerg', :r, 1, 1, now() - make_interval(days => :days))"
            ),
            rows,
        )
    with sessions() as session:
        ranked = ranks_of(session, ladder, [(r["p"], "bw_zerg", r["r"]) for r in rows if r["days"] == 2])
    async with asessions() as session:
        for r in rows:
            shown = await profile(session, r["p"], ladder)
            assert shown is not None
            expected = shown.standings[0].rank
            assert ranked.get((r["p"], "bw_zerg")) == expected, (r, expected)
    assert len(ranked) == active
