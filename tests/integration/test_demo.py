"""`make demo` end to end, small: the bot, worker and beat as child processes, players clicking through the
stand-in, a report counted from what each player's view shows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from db.settings import PROJECT_DIR


def test_demo_matches_and_notifies_everyone_once(ladder_env: dict[str, str], tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    env = {**os.environ, **ladder_env, "STATE_DIR": str(tmp_path / "state")}
    done = subprocess.run(
        [sys.executable, "-m", "sandbox", "demo", "--players", "40", "--duration", "8", "--wave-interval", "2",
         "--report", str(report)],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    figures = json.loads(report.read_text())
    assert figures["players"] == 40 and figures["joined"] == 40
    assert figures["matches"] >= 10
    assert figures["players_notified"] == 2 * figures["matches"]
    assert figures["double_matched"] == 0 and figures["lost_notifications"] == 0
    assert figures["duplicate_notifications"] == 0 and figures["interactions_failed"] == 0
    assert figures["notify_latency_p50_ms"] is not None and figures["wait_p95_s"] is not None
    # The players play their matches to the end: results shown to both, ratings equal to a replay of history.
    assert figures["completed"] is True
    assert figures["matches_completed"] >= 5 and figures["confirmed"] >= figures["matches_completed"]
    assert figures["stuck"] == 0 and figures["results_not_shown"] == 0 and figures["ratings_consistent"] is True
    # Every match ended: played (a dispute is settled as a result), called off, or run out.
    assert figures["matches_completed"] + figures["aborted"] + figures["timed_out"] == figures["matches"]
    assert "Demo summary" in done.stdout and "players notified" in done.stdout
