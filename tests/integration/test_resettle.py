"""An ended match settled again: the ratings afterwards are what replaying the whole history with the new result
gives (later matches of everyone touched recomputed), counters follow, and the production check agrees."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from db.admin import Note, resolve, set_rating
from db.ladder import Ladder
from db.match_results import complete
from db.rating import Elo
from db.reconcile import rating_drift
from workers.rating_history import rating_mismatches

ADMIN = 99
RACES = ("bw_zerg", "bw_terran")


def _play(session: Session, ladder: Ladder, one: tuple[int, str], two: tuple[int, str], result: str) -> int:
    """A match found with the players' ratings as they stand, then completed with `result`, as the ladder does."""
    start = ladder.rating.start

    def rating(key: tuple[int, str]) -> float:
        found = session.execute(text("SELECT rating FROM ratings WHERE player_id = :p AND race = :r"),
                                {"p": key[0], "r": key[1]}).scalar()  # fmt: skip
        return float(found) if found is not None else start

    match_id = session.execute(
        text(
            "INSERT INTO matches (player1_id, player2_id, player1_race, player2_race, player1_rating, player2_rating,"
            " server, state) VALUES (:a, :b, :ra, :rb, :va, :vb, 'x', 'confirmed') RETURNING id"
        ),
        {"a": one[0], "b": two[0], "ra": one[1], "rb": two[1], "va": rating(one), "vb": rating(two)},
    ).scalar_one()
    assert complete(session, match_id, result, ("confirmed",), ladder, Elo.of(ladder)) is not None
    return int(match_id)


def _ladder_of_matches(sessions: sessionmaker[Session], ladder: Ladder, seed: int) -> list[int]:
    rng = random.Random(seed)
    players = list(range(1, 9))
    played = []
    with sessions.begin() as session:
        session.execute(text("INSERT INTO players (id) SELECT unnest(CAST(:p AS bigint[]))"), {"p": players})
        for _ in range(40):
            a, b = rng.sample(players, 2)
            one, two = (a, rng.choice(RACES)), (b, rng.choice(RACES))
            played.append(_play(session, ladder, one, two, rng.choice(["player1", "player2", "draw"])))
    return played


def _consistent(sessions: sessionmaker[Session], ladder: Ladder) -> None:
    with sessions() as session:
        assert rating_mismatches(session, ladder, {}) == []
        assert rating_drift(session, ladder.rating.start) == []


@pytest.mark.parametrize("seed", [1, 2])
async def test_an_early_match_settled_again_moves_every_later_rating_as_a_replay_would(
    engine: Engine, sessions: sessionmaker[Session], ladder: Ladder, seed: int
) -> None:
    played = _ladder_of_matches(sessions, ladder, seed)
    _consistent(sessions, ladder)
    early = played[3]
    with sessions() as session:
        was = session.execute(text("SELECT result FROM matches WHERE id = :m"), {"m": early}).scalar_one()
    other = "player2" if was == "player1" else "player1"
    with sessions.begin() as session:
        done = resolve(session, ADMIN, early, other, ladder, Elo.of(ladder), "wrong report", any_state=True)
    assert done.changed and done.note is Note.RESOLVED
    assert int(done.params["recomputed"]) > 0, "the seed gives the early match's players later matches"
    assert done.moves and all(old != new for _, _, old, new in done.moves)
    _consistent(sessions, ladder)

    # Settled the same way again: nothing to do. Invalidated: its game gone from both counters.
    with sessions.begin() as session:
        again = resolve(session, ADMIN, early, other, ladder, Elo.of(ladder), "again", any_state=True)
        assert (again.changed, again.note) == (False, Note.ALREADY_SETTLED)
        games = session.execute(text("SELECT sum(games) FROM ratings")).scalar_one()
        assert resolve(session, ADMIN, early, "invalidate", ladder, Elo.of(ladder), "cheat", any_state=True).changed
        assert session.execute(text("SELECT sum(games) FROM ratings")).scalar_one() == games - 2
    _consistent(sessions, ladder)

    # And given a result once more, from invalidated: counted again.
    with sessions.begin() as session:
        assert resolve(session, ADMIN, early, "draw", ladder, Elo.of(ladder), "draw after all", any_state=True).changed
        assert session.execute(text("SELECT sum(games) FROM ratings")).scalar_one() == games
    _consistent(sessions, ladder)


async def test_an_admins_rating_setting_in_between_stands(
    engine: Engine, sessions: sessionmaker[Session], ladder: Ladder
) -> None:
    played = _ladder_of_matches(sessions, ladder, seed=3)
    with sessions.begin() as session:
        first = session.execute(text("SELECT player1_id, player1_race FROM matches WHERE id = :m"),
                                {"m": played[0]}).one()  # fmt: skip
        assert set_rating(session, ADMIN, first.player1_id, first.player1_race, 1700, ladder, "reset").changed
    with sessions.begin() as session:
        was = session.execute(text("SELECT result FROM matches WHERE id = :m"), {"m": played[0]}).scalar_one()
        other = "player2" if was != "player2" else "player1"
        assert resolve(session, ADMIN, played[0], other, ladder, Elo.of(ladder), "fix", any_state=True).changed
    with sessions() as session:
        # The production check anchors on the admin's setting, which stands; the first match no longer moves it.
        assert rating_drift(session, ladder.rating.start) == []
        rating = session.execute(text("SELECT rating FROM ratings WHERE player_id = :p AND race = :r"),
                                 {"p": first.player1_id, "r": first.player1_race}).scalar_one()  # fmt: skip
        later = session.execute(
            text(
                "SELECT COALESCE(sum(CASE WHEN player1_id = :p AND player1_race = :r THEN player1_rating_change"
                " ELSE player2_rating_change END), 0) FROM matches WHERE state = 'completed' AND ended_at >"
                " (SELECT max(at) FROM audit_log WHERE action = 'rating_set') AND ((player1_id = :p AND"
                " player1_race = :r) OR (player2_id = :p AND player2_race = :r))"
            ),
            {"p": first.player1_id, "r": first.player1_race},
        ).scalar_one()
    assert rating == pytest.approx(1700 + later)


async def test_a_dispute_button_settles_only_a_dispute(
    engine: Engine, sessions: sessionmaker[Session], ladder: Ladder
) -> None:
    played = _ladder_of_matches(sessions, ladder, seed=4)
    with sessions.begin() as session:
        done = resolve(session, ADMIN, played[-1], "draw", ladder, Elo.of(ladder), "button")
    assert (done.changed, done.note) == (False, Note.NOT_DISPUTED)
    _consistent(sessions, ladder)
