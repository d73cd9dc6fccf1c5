"""A short chaos run: every kind of fault injected at least once while players play, and no harm done.

It runs `python -m sandbox chaos` as a process with a state folder of its own: the run starts, kills and
restarts its own embedded PostgreSQL and Valkey, never the servers the other tests use.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys

from db.settings import PROJECT_DIR
from sandbox.chaos import HARM
from sandbox.faults import KINDS


async def test_a_short_chaos_run_does_no_harm() -> None:
    # Under the project, not pytest's tmp_path: PostgreSQL runs there as an unprivileged user, and another pytest
    # session on the machine may clean up (and change the modes of) older tmp_path folders mid-run.
    state = PROJECT_DIR / ".state" / "test" / f"chaos-{os.getpid()}"
    shutil.rmtree(state, ignore_errors=True)
    report = state / "chaos.json"
    env = {**os.environ, "STATE_DIR": str(state / "state")}
    # Awaited, not run blocking: the other e2e tests' stand-in lives in this event loop and must keep
    # answering their bot meanwhile.
    run = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sandbox", "chaos", "--players", "40", "--duration", "120", "--seed", "7",
        "--report", str(report),
        cwd=PROJECT_DIR, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(run.communicate(), timeout=280)
    stdout, stderr = out.decode(), err.decode()
    figures = json.loads(report.read_text()) if report.exists() else {}
    detail = json.dumps({k: v for k, v in figures.items() if k != "definitions"}, indent=1)[:4000]
    assert run.returncode == 0, stdout[-3000:] + stderr[-3000:] + detail
    assert all(figures["faults_injected"].get(kind, 0) >= 1 for kind in KINDS), figures["faults_injected"]
    assert {key: figures[key] for key in HARM} == dict.fromkeys(HARM, 0), detail
    assert figures["ratings_consistent"] is True
    # The players did play through it: matches found, confirmed and completed, before and after the faults.
    assert figures["matches"] >= 20 and figures["matches_by_state"].get("completed", 0) >= 10
    assert "Chaos summary" in stdout
    shutil.rmtree(state, ignore_errors=True)
