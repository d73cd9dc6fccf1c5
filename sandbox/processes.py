"""Starts and stops the ladder's Celery processes as child processes (the demo and the tests' helpers)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from db.settings import PROJECT_DIR


def start_worker(
    env: dict[str, str], log: Path, concurrency: int = 2, name: str = "worker", queues: list[str] | None = None
) -> subprocess.Popen[bytes]:
    chosen = ["-Q", ",".join(queues)] if queues else []
    return _start(
        [
            "-m", "celery", "-A", "workers", "worker", "-E", "-P", "prefork", "-c", str(concurrency),
            "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "-l", "INFO", *chosen,
        ],
        env,
        log,
    )  # fmt: skip


def start_replay_reader(env: dict[str, str], log: Path, concurrency: int = 1) -> subprocess.Popen[bytes]:
    """A worker on the replay queue alone, as the Procfile's `replays` line runs it."""
    queue = env.get("REPLAY_QUEUE") or os.environ.get("REPLAY_QUEUE") or "replays"
    return start_worker(env, log, concurrency=concurrency, name="replays", queues=[queue])


def start_beat(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`celery beat` as the Procfile runs it: RedBeat's scheduler (celeryconfig.py), its schedule and lock in
    Redis, so any number may run and one schedules."""
    return _start(["-m", "celery", "-A", "workers", "beat", "-l", "INFO"], env, log)


def stop(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """SIGTERM (Celery's warm shutdown: finish the task at hand), then SIGKILL if it will not go."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, *args],
            env={**os.environ, **env},
            cwd=PROJECT_DIR,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def start_bot(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return _start(["-m", "bot"], env, log)


def start_flower(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`python -m workers.flower`, as the Procfile runs it (PORT and FLOWER_BASIC_AUTH from `env`)."""
    return _start(["-m", "workers.flower"], env, log)
