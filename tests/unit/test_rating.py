"""Elo as the ladder applies it, and the rank bands."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.ladder import Ladder
from db.players import rank_of
from db.rating import DRAW, PLAYER1, PLAYER2, Elo, PlayedMatch, replay

ELO = Elo(k_factor=40, divisor=500)
ratings = st.floats(min_value=0, max_value=4000, allow_nan=False)


def test_the_seed_communitys_numbers() -> None:
    assert ELO.changes(1500, 1500, PLAYER1) == (20, -20)
    assert ELO.changes(1500, 1500, DRAW) == (0, 0)
    # 500 points apart (one divisor): the favourite is expected to score 10/11.
    win, loss = ELO.changes(2000, 1500, PLAYER1)
    assert win == pytest.approx(40 / 11) and loss == pytest.approx(-40 / 11)


@given(ratings, ratings, st.sampled_from([PLAYER1, PLAYER2, DRAW]))
def test_what_one_gains_the_other_loses_and_the_winner_never_loses(r1: float, r2: float, result: str) -> None:
    c1, c2 = ELO.changes(r1, r2, result)
    assert c1 + c2 == pytest.approx(0, abs=1e-9)
    assert abs(c1) <= ELO.k_factor
    if result == PLAYER1:
        assert c1 > 0
    if result == PLAYER2:
        assert c2 > 0


@given(ratings, ratings)
def test_the_underdog_gains_more_for_a_win(r1: float, r2: float) -> None:
    if r2 - r1 >= 1:
        assert ELO.changes(r1, r2, PLAYER1)[0] > ELO.changes(r2, r1, PLAYER1)[0]


def test_replay_counts_each_result_once_per_side() -> None:
    history = [
        PlayedMatch((1, "bw_zerg"), (2, "sc2_terran"), PLAYER1),
        PlayedMatch((2, "sc2_terran"), (1, "bw_zerg"), DRAW),
        PlayedMatch((1, "bw_zerg"), (3, "sc2_zerg"), PLAYER2),
    ]
    records = replay(history, ELO, {(3, "sc2_zerg"): 1700}, start=1500)
    one = records[(1, "bw_zerg")]
    assert (one.games, one.wins, one.losses, one.draws) == (3, 1, 1, 1)
    assert records[(3, "sc2_zerg")].rating > 1700


def test_rank_bands_follow_the_ladder_file(ladder: Ladder) -> None:
    # The seed's bands: S 1%, A 7%, B-E 21% each, F 8%.
    names = [rank_of(position, 100, ladder) for position in range(1, 101)]
    assert names.count("S") == 1 and names.count("A") == 7 and names.count("F") == 8
    assert all(names.count(b) == 21 for b in "BCDE")
    assert rank_of(1, 1, ladder) == "C", "one player alone is in the middle band"
    assert names[0] == "S" and names[-1] == "F"
