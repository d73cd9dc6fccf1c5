"""How regularly the waves ran, from when each started (the `waves` table): the longest gap between two, the
waves missed (a gap of n intervals misses n - 1) and the waves run twice (two within half an interval); and how
regularly beat sent their ticks (from the beats' logs), the scheduler's own part: the ticks missed and sent
twice, and how soon a tick came after each moment the scheduling beat was killed. A wave also goes missing for
reasons of its own (a worker killed mid-wave, PostgreSQL restarting), which the ticks leave out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

WAVE_STARTS = text("SELECT started_at FROM waves ORDER BY started_at")
# What beat logs as it sends a wave's tick (celery.beat).
WAVE_TICK = "Sending due task matchmaking-wave"
# A standby takes the lock within one interval of the active beat's death and sends a wave that fell due meanwhile
# at once, so a tick follows a kill within one interval; this much more is a loaded machine's (a slow start).
TAKEOVER_SLACK_S = 2.0

DEFINITIONS = {
    "longest_gap_between_waves_s": "the longest time between two waves' starts (a worker killed mid-wave, a "
    "restarted PostgreSQL and a lost Redis cost a wave too)",
    "waves_missed": "waves that did not run: a gap of n wave intervals counts n - 1",
    "waves_run_twice": "two waves started within half an interval of each other",
    "wave_ticks_missed": "ticks of the wave beat did not send: a gap of n intervals between two ticks counts n - 1",
    "wave_ticks_sent_twice": "two ticks of the wave sent within half an interval of each other (by any beat)",
    "longest_gap_across_a_beat_kill_s": "for each kill of the scheduling beat, the time from the last wave tick "
    "before it to the first after it; the longest",
    "longest_wait_for_a_tick_after_a_beat_kill_s": "for each kill of the scheduling beat, the time from the kill "
    "to the first wave tick after it; the longest",
    "beat_takeovers_late": "kills of the scheduling beat after which no beat sent a wave tick within one wave "
    f"interval (+ {TAKEOVER_SLACK_S:.0f} s): no standby took over within one interval. Counted from the kill, not "
    "from the last tick, which another fault just before (Redis lost) may have held back",
}


@dataclass(frozen=True)
class WaveGaps:
    longest_gap_s: float
    missed: int
    run_twice: int


def wave_gaps(starts: list[datetime], interval_s: float) -> WaveGaps:
    gaps = [(b - a).total_seconds() for a, b in pairwise(starts)]
    return WaveGaps(
        longest_gap_s=max(gaps, default=0.0),
        missed=sum(max(0, round(g / interval_s) - 1) for g in gaps),
        run_twice=sum(1 for g in gaps if g < interval_s / 2),
    )


def gap_across(starts: list[datetime], moment: datetime) -> float | None:
    """From the last wave before `moment` to the first after it (None: no wave on one side)."""
    before = [s for s in starts if s <= moment]
    after = [s for s in starts if s > moment]
    if not before or not after:
        return None
    return (after[0] - before[-1]).total_seconds()


def wait_after(starts: list[datetime], moment: datetime) -> float | None:
    """From `moment` to the first wave after it (None: none after)."""
    after = [s for s in starts if s > moment]
    return (after[0] - moment).total_seconds() if after else None


def wave_ticks(log_lines: list[str]) -> list[datetime]:
    """When a beat sent a wave's tick, from its log (JSON lines), in order."""
    ticks = []
    for line in log_lines:
        if WAVE_TICK in line and line.startswith("{"):
            ticks.append(datetime.fromisoformat(json.loads(line)["ts"]))
    return sorted(ticks)


async def wave_figures(
    sessions: async_sessionmaker[AsyncSession], interval_s: float, ticks: list[datetime], beat_kills: list[datetime]
) -> dict[str, Any]:
    async with sessions() as session:
        starts = list((await session.execute(WAVE_STARTS)).scalars())
    gaps = wave_gaps(starts, interval_s)
    sent = wave_gaps(ticks, interval_s)
    across = [gap_across(ticks, moment) for moment in beat_kills]
    waits = [wait_after(ticks, moment) for moment in beat_kills]
    return {
        "longest_gap_between_waves_s": round(gaps.longest_gap_s, 1),
        "waves_missed": gaps.missed,
        "waves_run_twice": gaps.run_twice,
        "wave_ticks_missed": sent.missed,
        "wave_ticks_sent_twice": sent.run_twice,
        "longest_gap_across_a_beat_kill_s": round(max((g or 0.0 for g in across), default=0.0), 1),
        "longest_wait_for_a_tick_after_a_beat_kill_s": round(max((w or 0.0 for w in waits), default=0.0), 1),
        "beat_takeovers_late": sum(1 for w in waits if w is None or w > interval_s + TAKEOVER_SLACK_S),
    }
