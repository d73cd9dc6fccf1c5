"""What a run (the demo, the chaos run) starts, and its stop in one order whatever happened: the players and
the run's own tasks first, then the bot, beat and workers (each finishing what it holds while the stand-in still
answers them), then the connections, then the servers. A failure is said in one line; its traceback goes to a
file, never to the terminal."""

from __future__ import annotations

import asyncio
import subprocess
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from sandbox import processes
from sandbox.discord_standin import StandIn
from sandbox.servers import stop_servers


@dataclass
class Started:
    tasks: list[asyncio.Task[object]] = field(default_factory=list)
    # In the order they stop: the bot first (its last deliveries still reach the stand-in), then the rest.
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    # Stops processes the run keeps elsewhere (the chaos run's stack), after the tasks, before the connections.
    stop_stack: Callable[[], Awaitable[None]] | None = None
    engine: AsyncEngine | None = None
    standin: StandIn | None = None
    servers: Path | None = None  # the state folder of embedded servers this run started

    def task(self, coroutine: Awaitable[object], name: str) -> asyncio.Task[object]:
        started = asyncio.ensure_future(coroutine)
        started.set_name(name)
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


async def stop_tasks(tasks: list[asyncio.Task[object]]) -> None:
    """Cancels the tasks still running and waits until each has stopped (none left to be cancelled later, by
    the loop's shutdown, in the middle of a query on a server that is gone by then)."""
    for running in tasks:
        running.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def what_failed(error: BaseException) -> str:
    """The failure in one line: the first real error inside any group of them."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    text = " ".join(str(error).split()) or "(no message)"
    return f"{type(error).__name__}: {text[:300]}"


def write_traceback(error: BaseException, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(traceback.format_exception(error)))
