"""SpamGuard: a burst of presses goes through, the next waits, time gives presses back, players are apart."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.actions.spam import slow_down_message
from bot.catalogs import source_words
from bot.spam_guard import SpamGuard


def test_a_burst_goes_through_then_the_next_press_waits_for_a_refill() -> None:
    guard = SpamGuard(burst=3, refill_s=2.0)
    assert [guard.wait_s(1, 0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert guard.wait_s(1, 0.0) == pytest.approx(2.0)
    assert guard.wait_s(1, 1.5) == pytest.approx(0.5)  # a refused press does not cost a press
    assert guard.wait_s(1, 2.0) == 0.0
    assert guard.wait_s(1, 2.0) == pytest.approx(2.0)


def test_one_players_spam_does_not_limit_another() -> None:
    guard = SpamGuard(burst=2, refill_s=5.0)
    for _ in range(10):
        guard.wait_s(1, 0.0)
    assert guard.wait_s(2, 0.0) == 0.0


def test_rested_players_are_forgotten() -> None:
    guard = SpamGuard(burst=2, refill_s=1.0)
    for player in range(2000):
        guard.wait_s(player, 0.0)
    guard.wait_s(0, 0.0)
    for n in range(1024):
        guard.wait_s(5000, 100.0 + n)
    assert guard.tracked() < 10


@given(st.lists(st.floats(min_value=0, max_value=0.5), min_size=1, max_size=60), st.integers(1, 8))
def test_never_more_presses_than_the_burst_plus_the_refills(gaps: list[float], burst: int) -> None:
    guard = SpamGuard(burst=burst, refill_s=1.0)
    now, allowed = 0.0, 0
    for gap in gaps:
        now += gap
        allowed += guard.wait_s(7, now) == 0.0
    assert allowed <= burst + int(now / 1.0)


def test_the_message_says_how_long_to_wait() -> None:
    assert "wait 1 second " in slow_down_message(source_words(), 0.2)
    assert "wait 3 seconds" in slow_down_message(source_words(), 2.4)
