"""Checks the stored ratings against the match history: the counters and ratings a replay of every completed
match gives must be the ones stored. Used by the demo's report and the tests."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.ladder import Ladder
from db.rating import Elo, PlayedMatch, replay


def rating_mismatches(session: Session, ladder: Ladder, initial: dict[tuple[int, str], float]) -> list[str]:
    """What differs between the stored ratings and a replay of the history (empty: consistent)."""
    history = [
        PlayedMatch((r.player1_id, r.player1_race), (r.player2_id, r.player2_race), r.result)
        for r in session.execute(
            text(
                "SELECT player1_id, player2_id, player1_race, player2_race, result FROM matches"
                " WHERE state = 'completed' ORDER BY ended_at, id"
            )
        )
    ]
    rebuilt = replay(history, Elo.of(ladder), initial, ladder.rating.start)
    stored = {(r.player_id, r.race): r for r in session.execute(text("SELECT * FROM ratings WHERE games > 0"))}
    problems = [f"{key}: stored with games but in no completed match" for key in stored.keys() - rebuilt.keys()]
    for key, want in rebuilt.items():
        got = stored.get(key)
        if got is None:
            problems.append(f"{key}: played but has no games stored")
        elif (got.games, got.wins, got.losses, got.draws) != (want.games, want.wins, want.losses, want.draws):
            problems.append(f"{key}: counters {got.games}/{got.wins}/{got.losses}/{got.draws}, history says "
                            f"{want.games}/{want.wins}/{want.losses}/{want.draws}")  # fmt: skip
        elif abs(got.rating - want.rating) > 1e-6:
            problems.append(f"{key}: rating {got.rating}, history says {want.rating}")
    return problems
