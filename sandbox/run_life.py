"""What a run (the demo, the chaos run) starts, and its stop in one order whatever happened: the players and
the run's own tasks first, then the bot, beat and workers (each finishing what it holds while the stand-in still
answers them), then the connections, then the servers. A failure is said in one line; its traceback goes to a
file, never to the terminal."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import traceback
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine

from sandbox import processes
from sandbox.discord_standin import StandIn
from sandbox.servers import stop_servers

T = TypeVar("T")


@dataclass
class Started:
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    # In the order they stop: the bot first (its last deliveries still reach the stand-in), then the rest.
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    # Stops processes the run keeps elsewhere (the chaos run's stack), after the tasks, before the connections.
    stop_stack: Callable[[], Awaitable[None]] | None = None
    engine: AsyncEngine | None = None
    standin: StandIn | None = None
    servers: Path | None = None  # the state folder of embedded servers this run started

    def task(self, coroutine: Coroutine[Any, Any, T], name: str) -> asyncio.Task[T]:
        started = asyncio.create_task(coroutine, name=name)
        self.tasks.append(started)
        return started

    async def stop(self) -> None:
        await stop_tasks(self.tasks)
        if self.stop_stack is not None:
            await self.stop_stack()
        for process in self.processes:
            await asyncio.to_thread(processes.stop, process)
        if self.engine is not None:
            await self.engine.dispose()
        if self.standin is not None:
            await self.standin.stop()
        if self.servers is not None:
            await asyncio.to_thread(stop_servers, self.servers)


async def stop_tasks(tasks: list[asyncio.Task[Any]]) -> None:
    """Cancels the tasks still running and waits until each has stopped (none left to be cancelled later, by
    the loop's shutdown, in the middle of a query on a server that is gone by then)."""
    for running in tasks:
        running.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def stop_on_sigterm() -> None:
    """SIGTERM (a CI timeout, `kill`) stops the run as Ctrl-C does: the current task is cancelled, and its way
    out stops everything the run started, rather than leaving its servers and processes behind."""
    task = asyncio.current_task()
    if task is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)


class ProcessExited(RuntimeError):
    """A process the run depends on stopped in the middle of it."""


async def unless_one_exits(work: Coroutine[Any, Any, T], watched: dict[str, tuple[subprocess.Popen[bytes], Path]]) -> T:
    """The work's result; a watched process that exits first fails it, named with its log, rather than leaving the
    players pressing buttons nobody answers."""
    task = asyncio.create_task(work)

    def check() -> None:
        for name, (process, log) in watched.items():
            if process.poll() is not None:
                raise ProcessExited(f"the {name} exited (code {process.returncode}) during the run; see {log}")

    try:
        while not task.done():
            check()
            await asyncio.wait({task}, timeout=0.5)
        if task.exception() is not None:
            # The work failed: a process that died a moment before is the cause (its players lost their bot).
            for _ in range(10):
                check()
                await asyncio.sleep(0.1)
        return task.result()
    finally:
        await stop_tasks([task])


def what_failed(error: BaseException) -> str:
    """The failure in one line: the first real error inside any group of them."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    text = " ".join(str(error).split()) or "(no message)"
    return f"{type(error).__name__}: {text[:300]}"


def write_traceback(error: BaseException, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(traceback.format_exception(error)))
