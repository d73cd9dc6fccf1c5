"""The chaos run's fault plan: every kind at least once, in the run's first three quarters, the same for a seed."""

from __future__ import annotations

import itertools

from sandbox.faults import BOT_STALLED, KINDS, ONE_BOT_KILLED, plan_faults


def test_a_short_run_gets_every_kind_of_fault_once_spread_over_its_first_three_quarters() -> None:
    plan = plan_faults(seed=7, duration_s=80, claim_idle_s=5)
    assert sorted(f.kind for f in plan) == sorted(KINDS)
    times = [f.at_s for f in plan]
    assert times == sorted(times) and times[0] >= 0.08 * 80 and times[-1] <= 0.75 * 80
    assert all(b - a >= 80 * 0.67 / len(KINDS) * 0.6 for a, b in itertools.pairwise(times))
    # A stall outlasts the listener's claim timeout, so another read of the stream could claim its entries.
    assert all(f.seconds > 5 for f in plan if f.kind == BOT_STALLED)


def test_a_long_run_gets_about_one_fault_a_minute_and_the_seed_decides_them() -> None:
    plan = plan_faults(seed=1, duration_s=600, claim_idle_s=5)
    assert len(plan) == 10 and all(1 <= sum(f.kind == k for f in plan) <= 2 for k in KINDS)
    assert plan == plan_faults(seed=1, duration_s=600, claim_idle_s=5)
    assert plan != plan_faults(seed=2, duration_s=600, claim_idle_s=5)


def test_the_bot_killed_alone_or_stalled_is_drawn_among_the_processes() -> None:
    plans = [plan_faults(seed=seed, duration_s=600, claim_idle_s=5, bots=2) for seed in range(20)]
    alone = [f.bot for plan in plans for f in plan if f.kind in (ONE_BOT_KILLED, BOT_STALLED)]
    assert set(alone) == {0, 1}
    assert all(f.bot == 0 for f in plan_faults(seed=3, duration_s=600, claim_idle_s=5, bots=1))
