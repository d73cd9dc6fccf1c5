"""/profile's record of the last 7, 30 and 90 days, per race, from the player's completed matches only."""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.ladder import Ladder
from db.players import Record, profile

ME, THEM = 1, 2


async def test_the_record_of_the_last_days_counts_each_match_in_every_window_it_falls_in(
    engine: Engine, asessions: async_sessionmaker[AsyncSession], ladder: Ladder
) -> None:
    # (days ago, my slot, my race, state, result): wins, a loss and a draw, spread over four months.
    played = [
        (1, 1, "bw_zerg", "completed", "player1"),  # a win this week
        (3, 2, "bw_zerg", "completed", "player1"),  # a loss this week, as player 2
        (20, 2, "bw_zerg", "completed", "draw"),  # a draw this month
        (60, 1, "bw_zerg", "completed", "player1"),  # a win this quarter
        (120, 1, "bw_zerg", "completed", "player2"),  # too old for any window
        (2, 1, "bw_zerg", "aborted", None),  # never played
        (5, 2, "sc2_terran", "completed", "player2"),  # a win with another race
    ]
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO players (id) VALUES (:a), (:b)"), {"a": ME, "b": THEM})
        for days, slot, race, state, result in played:
            one, two = (ME, THEM) if slot == 1 else (THEM, ME)
            conn.execute(
                text(
                    "INSERT INTO matches (player1_id, player2_id, player1_race, player2_race, player1_rating,"
                    " player2_rating, server, state, result, ended_at)"
                    " VALUES (:one, :two, :r1, :r2, 1500, 1500, 'x', :state, :result,"
                    " now() - make_interval(days => :days))"
                ),
                {"one": one, "two": two, "r1": race if slot == 1 else "sc2_zerg",
                 "r2": race if slot == 2 else "sc2_zerg", "state": state, "result": result, "days": days},
            )  # fmt: skip
        conn.execute(
            text(
                "INSERT INTO ratings (player_id, race, rating, games, wins, losses, draws, last_played_at) VALUES"
                " (:p, 'bw_zerg', 1510, 5, 2, 2, 1, now() - interval '1 day'),"
                " (:p, 'sc2_terran', 1520, 1, 1, 0, 0, now() - interval '5 days')"
            ),
            {"p": ME},
        )
    async with asessions() as session:
        shown = await profile(session, ME, ladder)
    assert shown is not None
    by_race = {s.race: s for s in shown.standings}
    zerg = by_race["bw_zerg"]
    assert zerg.lately == {7: Record(1, 1, 0), 30: Record(1, 1, 1), 90: Record(2, 1, 1)}
    assert zerg.win_rate == 2 / 5 and zerg.last_played_at is not None
    assert by_race["sc2_terran"].lately == {7: Record(1, 0, 0), 30: Record(1, 0, 0), 90: Record(1, 0, 0)}
