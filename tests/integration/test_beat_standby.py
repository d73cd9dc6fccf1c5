"""Two beats: exactly one schedules the waves, and the other takes over within one wave interval of the active
one being killed (SIGKILL: its lock is never released, it expires)."""

from __future__ import annotations

import subprocess
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, text

from sandbox.processes import start_beat, stop
from sandbox.wave_gaps import wave_gaps
from tests.integration.conftest import Worker

INTERVAL_S = 4.0
HOLDS_LOCK = "Acquired lock"


def _wave_starts(engine: Engine) -> list[datetime]:
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT started_at FROM waves ORDER BY started_at")).scalars())


def _wait_for_waves(engine: Engine, count: int, timeout: float, logs: list[Path]) -> list[datetime]:
    deadline = time.monotonic() + timeout
    while len(starts := _wave_starts(engine)) < count:
        assert time.monotonic() < deadline, "\n".join(log.read_text()[-1500:] for log in logs)
        time.sleep(0.2)
    return starts


def _holders(logs: list[Path]) -> list[int]:
    return [i for i, log in enumerate(logs) if HOLDS_LOCK in log.read_text()]


def test_one_of_two_beats_schedules_and_the_other_takes_over(
    ladder_env: dict[str, str], engine: Engine, worker: Worker, tmp_path: Path
) -> None:
    env = {**ladder_env, "WAVE_INTERVAL_S": str(INTERVAL_S)}
    logs = [tmp_path / "beat0.log", tmp_path / "beat1.log"]
    beats: list[subprocess.Popen[bytes]] = []
    try:
        beats = [start_beat(env, log) for log in logs]
        before = _wait_for_waves(engine, 4, 90, logs)
        assert len(_holders(logs)) == 1, "exactly one beat holds the schedule lock"
        # One scheduler: no two waves within half an interval.
        assert wave_gaps(before, INTERVAL_S).run_twice == 0, before

        active = _holders(logs)[0]
        beats[active].kill()
        beats[active].wait()
        killed_at = len(_wave_starts(engine))
        after = _wait_for_waves(engine, killed_at + 4, 90, logs)
        assert _holders(logs) == [0, 1], "the standby took the lock"
        gaps = wave_gaps(after, INTERVAL_S)
        # The killed beat's last wave to the standby's first: at most the interval plus the lock's expiry and the
        # standby's poll (together under one interval), with a second of slack for a loaded machine.
        assert gaps.longest_gap_s <= 2 * INTERVAL_S + 1.5, after
        assert gaps.run_twice == 0, after
    finally:
        for beat in beats:
            stop(beat)
