"""The processes of a chaos run, each one restartable: two workers, two beats (one schedules, the other stands
by for RedBeat's lock), the bot as two processes (a shard each), and the embedded PostgreSQL and Valkey of the
run's own state folder."""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psutil

from sandbox import processes
from sandbox.discord_standin import StandIn
from sandbox.population import wait_for_bots
from sandbox.servers import restart_postgres, restart_valkey
from sandbox.wave_gaps import wave_ticks

WORKERS = 2
BEATS = 2
BOTS = 2
# What a beat logs as it takes the schedule lock, and as it gives it up (workers/beat_scheduler.py).
BEAT_HOLDS = "Acquired lock"
BEAT_LETS_GO = ("standing by for the schedule lock", "lost the schedule lock")


@dataclass
class ChaosStack:
    env: dict[str, str]
    state: Path
    logs: Path
    standin: StandIn
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    beats: list[subprocess.Popen[bytes]] = field(default_factory=list)
    # Where each beat's log began when it was last started: what it logged since says whether it schedules.
    beat_log_starts: list[int] = field(default_factory=list)
    # When the scheduling beat was killed: the report measures the gap between waves across each moment.
    beat_kills: list[datetime] = field(default_factory=list)
    bots: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def failpoint_file(self, worker: int) -> Path:
        return self.state / f"failpoint-worker{worker}"

    async def start(self) -> None:
        for i in range(WORKERS):
            self.workers.append(self._start_worker(i))
        for i in range(BEATS):
            self.beats.append(self._start_beat(i))
        self.bots = [self._start_bot(i) for i in range(BOTS)]
        await self._wait_for_bots(identified_before=0)

    def _beat_log(self, i: int) -> Path:
        return self.logs / f"beat{i}.log"

    def _start_beat(self, i: int) -> subprocess.Popen[bytes]:
        log = self._beat_log(i)
        start = log.stat().st_size if log.exists() else 0
        if i < len(self.beat_log_starts):
            self.beat_log_starts[i] = start
        else:
            self.beat_log_starts.append(start)
        return processes.start_beat(self.env, log)

    def active_beat(self) -> int | None:
        """The beat that holds the schedule lock, from what each running beat logged since it started."""
        for i, beat in enumerate(self.beats):
            if beat.poll() is not None:
                continue
            with open(self._beat_log(i), "rb") as log:
                log.seek(self.beat_log_starts[i])
                since = log.read().decode(errors="replace")
            held = since.rfind(BEAT_HOLDS)
            if held >= 0 and held > max(since.rfind(s) for s in BEAT_LETS_GO):
                return i
        return None

    def wave_ticks(self) -> list[datetime]:
        """When any beat sent a wave's tick, from their logs."""
        return wave_ticks([line for i in range(BEATS) for line in self._beat_log(i).read_text().splitlines()])

    def _start_worker(self, i: int) -> subprocess.Popen[bytes]:
        self.failpoint_file(i).unlink(missing_ok=True)
        env = {**self.env, "LADDER_FAILPOINT_FILE": str(self.failpoint_file(i))}
        return processes.start_worker(env, self.logs / f"worker{i}.log", name=f"worker{i}")

    def _bot_log(self, i: int) -> Path:
        return self.logs / f"bot{i}.log"

    def _start_bot(self, i: int) -> subprocess.Popen[bytes]:
        """Bot process `i` holds shard `i`, with a consumer name of its own (the same after a restart)."""
        env = {**self.env, "SHARD_COUNT": str(BOTS), "SHARD_IDS": str(i),
               "BOT_STATS_FILE": str(self.logs / f"bot-stats{i}.jsonl")}  # fmt: skip
        return processes.start_bot(env, self._bot_log(i))

    async def _wait_for_bots(self, identified_before: int) -> None:
        bots = [(bot, self._bot_log(i)) for i, bot in enumerate(self.bots)]
        await wait_for_bots(self.standin, bots, timeout=90, identified_before=identified_before)

    async def stop(self) -> None:
        procs = [*self.bots, *self.beats, *self.workers]
        for p in procs:
            _resume(p)  # a stalled bot cannot stop
        await asyncio.gather(*(asyncio.to_thread(processes.stop, p) for p in procs))

    # The faults

    async def kill_worker_mid_wave(self, point: str, within_s: float) -> list[int]:
        """Arms every worker to die at `point` of its next wave (whichever runs one first; a wave that finds
        another running skips before any point), waits for one to die there, then SIGKILLs the rest of that
        worker and starts it again. Returns the workers that died at the point (none: no wave in time)."""
        for i in range(len(self.workers)):
            self.failpoint_file(i).write_text(point)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within_s
        while all(self.failpoint_file(i).exists() for i in range(len(self.workers))) and loop.time() < deadline:
            await asyncio.sleep(0.05)
        died = [i for i in range(len(self.workers)) if not self.failpoint_file(i).exists()]
        for i in range(len(self.workers)):
            self.failpoint_file(i).unlink(missing_ok=True)
        for i in died:
            await asyncio.to_thread(_kill_tree, self.workers[i])
            self.workers[i] = self._start_worker(i)
        return died

    async def kill_active_beat(self, down_s: float, within_s: float) -> int | None:
        """SIGKILLs the beat that schedules (its lock is never released: it expires, and a standby takes it:
        the other beat, or this one started again `down_s` later). None: no beat held the lock within `within_s`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within_s
        while (active := self.active_beat()) is None and loop.time() < deadline:
            await asyncio.sleep(0.2)
        if active is None:
            return None
        await asyncio.to_thread(_kill_tree, self.beats[active])
        self.beat_kills.append(datetime.now(UTC))
        await asyncio.sleep(down_s)
        self.beats[active] = self._start_beat(active)
        return active

    async def kill_bots(self, which: list[int], down_s: float) -> None:
        """SIGKILLs these bot processes, and starts them again `down_s` later."""
        identified = self.standin.identify_count
        await asyncio.gather(*(asyncio.to_thread(_kill_tree, self.bots[i]) for i in which))
        await asyncio.sleep(down_s)
        for i in which:
            self.bots[i] = self._start_bot(i)
        await self._wait_for_bots(identified_before=identified + len(which) - 1)

    async def stall_bot(self, i: int, stall_s: float) -> None:
        self.bots[i].send_signal(signal.SIGSTOP)
        try:
            await asyncio.sleep(stall_s)
        finally:
            self.bots[i].send_signal(signal.SIGCONT)

    async def lose_redis(self, bot_paused_s: float = 2.0) -> None:
        """Valkey restarted empty, while the bots are paused a moment: the events published meanwhile are lost
        before anyone read them, as they would be in flight on a busy ladder."""
        for bot in self.bots:
            bot.send_signal(signal.SIGSTOP)
        try:
            await asyncio.sleep(bot_paused_s)
            await asyncio.to_thread(restart_valkey, self.state / "valkey")
        finally:
            for bot in self.bots:
                bot.send_signal(signal.SIGCONT)

    def events_recovered(self) -> int:
        """What the relay says it published again after a loss (from the workers' logs: for information)."""
        found = 0
        for log in self.logs.glob("worker*.log"):
            found += sum(int(m) for m in re.findall(r"the event stream lost (\d+) undelivered", log.read_text()))
        return found

    async def restart_postgres(self) -> None:
        await asyncio.to_thread(restart_postgres, self.state / "postgres")


def _kill_tree(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a process and its children (a prefork worker's pool would otherwise outlive it)."""
    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    for p in [*children]:
        with contextlib.suppress(psutil.NoSuchProcess):
            p.kill()
    if process.poll() is None:
        process.kill()
    process.wait()


def _resume(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGCONT)
