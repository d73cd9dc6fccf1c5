"""The beat's timings (a standby takes over within one wave interval) and the chaos run's count of wave gaps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sandbox.wave_gaps import gap_across, wait_after, wave_gaps, wave_ticks
from workers.beat_scheduler import schedule_timings

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("interval", [5.0, 10.0, 45.0, 60.0, 300.0, 3600.0])
def test_a_standby_takes_the_lock_within_one_wave_interval(interval: float) -> None:
    loop_s, lock_s = schedule_timings(interval)
    assert isinstance(lock_s, int) and lock_s >= 2
    # The lock expires at most `lock_s` after the last extension, and the standby tries again every loop.
    assert lock_s + loop_s <= interval
    # The active beat extends its lock at least three times before it could expire.
    assert loop_s * 3 <= lock_s


def test_the_seed_communitys_interval() -> None:
    assert schedule_timings(45.0) == (5.0, 27)


def test_a_very_short_interval_keeps_a_whole_second_lock() -> None:
    loop_s, lock_s = schedule_timings(1.0)
    assert lock_s == 2 and loop_s <= 0.2


def _at(*seconds: float) -> list[datetime]:
    return [T0 + timedelta(seconds=s) for s in seconds]


def test_wave_gaps_count_waves_missed_and_run_twice() -> None:
    gaps = wave_gaps(_at(0, 5, 10, 21, 23, 28), interval_s=5.0)
    assert gaps.longest_gap_s == 11.0
    assert gaps.missed == 1  # 10 → 21: two intervals, one wave missed
    assert gaps.run_twice == 1  # 21 → 23
    jittered = wave_gaps(_at(0, 5.4, 10.1, 14.9), interval_s=5.0)
    assert (jittered.missed, jittered.run_twice) == (0, 0) and jittered.longest_gap_s == pytest.approx(5.4)


def test_the_gap_across_a_moment() -> None:
    starts = _at(0, 5, 12, 17)
    assert gap_across(starts, T0 + timedelta(seconds=6)) == 7.0
    assert gap_across(starts, T0 + timedelta(seconds=20)) is None


def test_a_takeover_is_timed_from_the_kill_not_from_an_outage_before_it() -> None:
    # Redis lost after the tick at 10 s held the ticks back; the beat killed at 19 s, a standby ticked at 23 s.
    ticks = _at(0, 5, 10, 23, 28)
    kill = T0 + timedelta(seconds=19)
    assert gap_across(ticks, kill) == 13.0
    assert wait_after(ticks, kill) == 4.0
    assert wait_after(ticks, T0 + timedelta(seconds=30)) is None


def test_wave_ticks_are_read_from_the_beats_json_logs() -> None:
    lines = [
        '{"ts": "2026-01-01T00:00:05.000+00:00", "level": "INFO", "logger": "celery.beat", "msg": "Scheduler: '
        'Sending due task matchmaking-wave (ladder.matchmaking_wave)"}',
        '{"ts": "2026-01-01T00:00:01.000+00:00", "level": "INFO", "logger": "celery.beat", "msg": "Scheduler: '
        'Sending due task relay-outbox (ladder.relay_outbox)"}',
        "celery beat v5 is starting. Sending due task matchmaking-wave (a banner line, not JSON)",
        '{"ts": "2026-01-01T00:00:00.000+00:00", "level": "INFO", "logger": "celery.beat", "msg": "Scheduler: '
        'Sending due task matchmaking-wave (ladder.matchmaking_wave)"}',
    ]
    assert wave_ticks(lines) == _at(0, 5)
