"""`make demo` end to end, small: the bot, worker and beat as child processes, players clicking through the
stand-in, a report counted from what each player's view shows."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

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
    assert figures["cards_complete"] == figures["matches"]  # both identities and the instructions on every card
    assert figures["double_matched"] == 0 and figures["lost_notifications"] == 0
    assert figures["duplicate_notifications"] == 0 and figures["interactions_failed"] == 0
    assert figures["notify_latency_p50_ms"] is not None and figures["wait_p95_s"] is not None
    # The players play their matches to the end: results shown to both, ratings equal to a replay of history.
    assert figures["completed"] is True
    assert figures["matches_completed"] >= 5 and figures["confirmed"] >= figures["matches_completed"]
    assert figures["stuck"] == 0 and figures["results_not_shown"] == 0 and figures["results_overwritten"] == 0
    assert figures["ratings_consistent"] is True
    # Players of every language, and of the pseudo-language, which shows any text that escaped the catalogs.
    assert figures["players_by_language"].get("en-XA", 0) >= 3 and len(figures["players_by_language"]) >= 5
    assert figures["untranslated_seen"] == 0, figures["untranslated_examples"]
    # Every match ended: played (a dispute is settled as a result), called off, or run out.
    assert figures["matches_completed"] + figures["aborted"] + figures["timed_out"] == figures["matches"]
    assert "Demo summary" in done.stdout and "players notified" in done.stdout
    # The bot ran as two processes, a shard and a server of players each, and both delivered the stream's events.
    assert [bot["shards"] for bot in figures["bots"]] == [[0], [1]]
    assert all(bot["events_handled"] > 0 for bot in figures["bots"]), figures["bots"]


def _lines_a_clean_run_never_prints(output: str) -> list[str]:
    return [line for line in output.splitlines() if any(word in line for word in ("Traceback", "WARNING", "ERROR"))]


def _newcomers_environment(state: Path) -> dict[str, str]:
    """A shell with nothing of the test run's configuration in it: the demo starts its own servers in `state`."""
    from db.settings import Settings

    ours = {name.upper() for name in Settings.model_fields}
    return {**{k: v for k, v in os.environ.items() if k not in ours}, "STATE_DIR": str(state)}


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_the_default_demo_runs_clean_with_five_seeds(tmp_path: Path) -> None:
    """`make demo` as a newcomer runs it, five times in a row, each with its own seed: every run exits 0, prints no
    warning, error or traceback, and reports a completed run with no harm."""
    env = _newcomers_environment(tmp_path / "state")
    for seed in (11, 12, 13, 14, 15):
        report = tmp_path / f"report-{seed}.json"
        done = subprocess.run(
            [sys.executable, "-m", "sandbox", "demo", "--seed", str(seed), "--report", str(report)],
            cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        output = done.stdout + done.stderr
        assert done.returncode == 0, f"seed {seed}:\n{output[-3000:]}"
        assert _lines_a_clean_run_never_prints(output) == [], f"seed {seed}"
        figures = json.loads(report.read_text())
        assert figures["completed"] is True and figures["players"] == 200, f"seed {seed}"
        assert figures["lost_notifications"] == 0 and figures["double_matched"] == 0, f"seed {seed}"


def test_a_demo_whose_bot_dies_says_so_in_one_line_and_stops_everything(
    ladder_env: dict[str, str], tmp_path: Path
) -> None:
    """One of the bot processes is killed while the players play: the demo names the failure in one line, writes
    the report it has, marked not completed, exits non-zero, and leaves none of the processes it started running."""
    import psutil

    report = tmp_path / "report.json"
    state = tmp_path / "state"
    env = {**os.environ, **ladder_env, "STATE_DIR": str(state)}
    demo = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "demo", "--players", "20", "--duration", "30", "--wave-interval", "2",
         "--report", str(report)],
        cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert demo.stdout is not None
    output = []
    for line in demo.stdout:  # until some players have joined
        output.append(line)
        if re.search(r"joined +[1-9]", line):
            break
    bots = [p for p in psutil.Process(demo.pid).children() if p.cmdline()[-2:] == ["-m", "bot"]]
    assert len(bots) == 2, output
    bots[0].kill()
    rest, _ = demo.communicate(timeout=180)
    printed = "".join(output) + rest
    assert demo.returncode != 0
    assert "Traceback" not in printed
    said = [line for line in printed.splitlines() if line.startswith("The demo failed:")]
    assert len(said) == 1 and re.search(r"the bot \d exited \(code -9\)", said[0]), printed[-2000:]
    figures = json.loads(report.read_text())
    assert figures["completed"] is False and re.search(r"the bot \d exited", figures["failure"])
    assert figures["joined"] > 0
    assert "Traceback" in (state / "demo" / "demo-failure.log").read_text()

    def started_by_the_demo(process: psutil.Process) -> bool:
        try:
            return process.environ().get("STATE_DIR") == str(state)
        except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
            return False

    assert [p.cmdline() for p in psutil.process_iter() if started_by_the_demo(p)] == []
