"""The issue's goals, each judged from the results: pass, fail, or not measured."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Goal:
    name: str
    target: str
    measured: str
    verdict: str  # "pass", "fail" or "not measured"


def judge(r: dict[str, Any]) -> list[Goal]:
    return [
        _at_most("pairing 10,000 (median)", (r.get("pairing_ms") or {}).get("10000"), 50, "ms"),
        _at_most("pairing 100,000 (median)", (r.get("pairing_ms") or {}).get("100000"), 1000, "ms"),
        _quality(r),
        *_simulation(r.get("simulation")),
        _at_most("whole wave 10,000 (to every event published)", (r.get("wave_seconds") or {}).get("10000"), 1.5, "s"),
        _at_most("notification, single match p50", r.get("notify_p50_ms"), 10, "ms"),
        _at_most("notification, single match p99", r.get("notify_p99_ms"), 50, "ms"),
        _at_least("notification bursts (the slowest)", r.get("notify_burst_min_per_s"), 1000, "events/s"),
        _loop_stall(r),
        _at_most("drawing in any language, against English", r.get("drawing_ratio_max"), 1.1, "times English"),
        _wave_with_replays(r),
        *_replay_uploads(r),
        _at_most(
            "bot memory growth, 100 → 10,000 cycles",
            r.get("rss_growth_mb"),
            10,
            "MB",
            require=r.get("rss_cycles") == 10_000,
        ),
    ]


def _at_most(name: str, value: float | None, limit: float, unit: str, *, require: bool = True) -> Goal:
    if value is None or not require:
        return Goal(name, f"≤ {limit:g} {unit}", "—" if value is None else f"{value:g} {unit}", "not measured")
    return Goal(name, f"≤ {limit:g} {unit}", f"{value:g} {unit}", "pass" if value <= limit else "fail")


def _at_least(name: str, value: float | None, limit: float, unit: str) -> Goal:
    if value is None:
        return Goal(name, f"≥ {limit:g} {unit}", "—", "not measured")
    return Goal(name, f"≥ {limit:g} {unit}", f"{value:g} {unit}", "pass" if value >= limit else "fail")


def _loop_stall(r: dict[str, Any]) -> Goal:
    name, burst = "loop stall during a 10,000-event burst", r.get("loop_stall_burst")
    goal = _at_most(name, r.get("loop_stall_max_ms"), 50, "ms", require=burst == 10_000)
    if burst == 10_000 or r.get("loop_stall_max_ms") is None:
        return goal
    measured = f"{r['loop_stall_max_ms']:g} ms in a {burst:,}-event burst"
    if r.get("loop_stall_while_joining_ms") is not None:
        measured += f"; the 10,000 burst not reached ({r['loop_stall_while_joining_ms']:g} ms while its players joined)"
    return Goal(name, goal.target, measured, goal.verdict)


def _wave_with_replays(r: dict[str, Any]) -> Goal:
    """Replays are read on their own queue and processes: a wave must not slow down while they are."""
    name, target = "wave 1,000 while 200 replays are read (median)", "≤ 1.1 times idle, or idle + 5 ms"
    idle, loaded = r.get("replay_wave_idle_ms"), r.get("replay_wave_loaded_ms")
    if idle is None or loaded is None:
        return Goal(name, target, "—", "not measured")
    measured = f"{loaded:g} ms vs {idle:g} ms idle ({loaded / idle:.2f} times)"
    return Goal(name, target, measured, "pass" if loaded <= max(idle * 1.1, idle + 5) else "fail")


def _replay_uploads(r: dict[str, Any]) -> list[Goal]:
    """200 players uploading at once: the bot's loop held to the notification burst's goal, every player answered."""
    players = r.get("replay_uploads_players")
    stall = _at_most(
        "loop stall during 200 replay uploads", r.get("replay_uploads_loop_stall_ms"), 50, "ms", require=players == 200
    )
    name, failed = "replay uploads: interactions failed", r.get("replay_uploads_failed")
    if failed is None:
        return [stall, Goal(name, "0", "—", "not measured")]
    return [stall, Goal(name, "0", f"{failed} of {players}", "pass" if failed == 0 else "fail")]


def _quality(r: dict[str, Any]) -> Goal:
    name, target = "quality on pools ≤ 2,000 vs exact", "same pairs, weight short ≤ 0.5%"
    short, equal = r.get("quality_shortfall_max_pct"), r.get("quality_matched_equal")
    if short is None or equal is None:
        return Goal(name, target, "—", "not measured")
    measured = f"{'same' if equal else 'fewer'} pairs; short ≤ {short:g}%"
    return Goal(name, target, measured, "pass" if equal and short <= 0.5 else "fail")


def _simulation(sim: dict[str, Any] | None) -> list[Goal]:
    target = "ours ≤ greedy on wait p95 and gap mean, < on one"
    if not sim:
        return [Goal("simulation vs greedy", target, "—", "not measured")]
    goals = []
    for rate, by in sim.items():
        ours, greedy = by.get("ours"), by.get("greedy")
        name = f"simulation {rate}/min vs greedy"
        if not ours or not greedy:
            goals.append(Goal(name, target, "—", "not measured"))
            continue
        w, g = (ours["wait_p95_s"], greedy["wait_p95_s"]), (ours["gap_mean"], greedy["gap_mean"])
        measured = f"wait p95 {w[0]:g} vs {w[1]:g} s; gap {g[0]:g} vs {g[1]:g}"
        ok = w[0] <= w[1] and g[0] <= g[1] and (w[0] < w[1] or g[0] < g[1])
        goals.append(Goal(name, target, measured, "pass" if ok else "fail"))
    return goals
