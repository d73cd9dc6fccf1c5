"""The whole ladder for the e2e tests: the stand-in in this process; the bot, a worker and beat as processes.

Package-scoped: the bot, worker and beat stop when the last e2e test is done, so the integration tests that
run after them share no stream reader and no wave schedule with them.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import signal
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from db.settings import PROJECT_DIR
from db.waves import WAVE_LOCK_KEY
from sandbox.discord_standin import Message, StandIn
from sandbox.processes import start_beat, start_bot, start_replay_reader, start_worker, stop
from tests.scrape import free_port

BOT_TOKEN = "e2e-bot-token.not-a-real-one"
E2E_STATE = PROJECT_DIR / ".state" / "test" / "e2e"
WAVE_INTERVAL_S = 2
STAFF_ROLE_ID = 424242424242424242
_user_ids = itertools.count(500_000_000_000_000_001)


def new_user() -> int:
    """Each test's players are its own: a match left unfinished by one test never blocks another's."""
    return next(_user_ids)


@pytest.fixture(scope="package")
async def standin() -> AsyncIterator[StandIn]:
    s = StandIn(BOT_TOKEN)
    await s.start()
    yield s
    await s.stop()


async def match_log_post(standin: StandIn, env: dict[str, str], match_id: int, title: str) -> Message:
    """The match log's post with this title about one match, once it is there."""
    channel = int(env["MATCH_LOG_CHANNEL_ID"])

    def posted() -> Message | None:
        for m in list(standin.store.messages.values()):
            embed = m.embeds[0] if m.channel_id == channel and m.embeds else {}
            if embed.get("title") == title and embed.get("footer", {}).get("text") == f"Match #{match_id}":
                return m.snapshot()
        return None

    return await standin.store.changes.wait_for(posted, timeout=15)


@pytest.fixture(scope="package")
def stack_env(ladder_env: dict[str, str], standin: StandIn) -> dict[str, str]:
    E2E_STATE.mkdir(parents=True, exist_ok=True)
    return {
        **ladder_env,
        "EVENT_STREAM": ladder_env["EVENT_STREAM"] + ":e2e",
        "CELERY_QUEUE": ladder_env["CELERY_QUEUE"] + "-e2e",
        "REPLAY_QUEUE": ladder_env["REPLAY_QUEUE"] + "-e2e",
        "DISCORD_TOKEN": BOT_TOKEN,
        "DISCORD_API_BASE": standin.api_base,
        # Global commands: a guild's own commands are not offered in DMs, and /queue must work there too.
        "DISCORD_GUILD_ID": "",
        "WAVE_INTERVAL_S": str(WAVE_INTERVAL_S),
        "BOT_STATS_FILE": str(E2E_STATE / "bot-stats.jsonl"),
        "DELIVERY_BACKOFF_S": "[0.2, 0.5]",
        "DEADLINE_SWEEP_S": "1",
        # /notify calls others once a player has waited 2 s, looked for every second.
        "NOTIFY_DELAY_S": "2",
        "NOTIFY_SWEEP_S": "1",
        # Every leaderboard read as the database stands, not as the bot last counted it.
        "LEADERBOARD_CACHE_S": "0",
        # Join and Cancel spam: six presses in hand, then one a minute, so the spam test counts exactly.
        "QUEUE_SPAM_BURST": "6",
        "QUEUE_SPAM_REFILL_S": "60",
        # Disputes and the admin log go to the stand-in's first guild channel.
        "ADMIN_CHANNEL_ID": str(standin.store.identity.channel_id),
        "ADMIN_GUILD_ID": str(standin.store.identity.guild_id),
        # Disputes ping the staff role; every match that ends is posted in a match log of its own.
        "STAFF_ROLE_ID": str(STAFF_ROLE_ID),
        "MATCH_LOG_CHANNEL_ID": str(standin.store.text_channel("match-log").id),
        # Served, so a test can scrape what the bot and the worker measured.
        "BOT_METRICS_PORT": str(free_port()),
        "WORKER_METRICS_PORT": str(free_port()),
    }


@pytest.fixture(scope="package")
def backend(stack_env: dict[str, str]) -> Iterator[None]:
    """A real worker and a real beat firing a wave every few seconds."""
    worker = start_worker(stack_env, E2E_STATE / "worker.log")
    # The metrics port is the wave worker's: a test scrapes its waves there.
    reader = start_replay_reader({**stack_env, "WORKER_METRICS_PORT": "0"}, E2E_STATE / "replays.log")
    beat = start_beat(stack_env, E2E_STATE / "beat.log")
    yield
    stop(beat)
    stop(reader)
    stop(worker)


class BotProcess:
    """`python -m bot` against the stand-in."""

    def __init__(self, env: dict[str, str], standin: StandIn, log: Path = E2E_STATE / "bot.log") -> None:
        self._env = env
        self._standin = standin
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        identified = self._standin.identify_count
        self.process = start_bot(self._env, self.log)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        while self._standin.identify_count == identified or not self._standin.commands:
            if self.process.poll() is not None:
                raise RuntimeError(f"the bot exited; see {self.log}:\n{self.log.read_text()[-3000:]}")
            if loop.time() > deadline:
                raise RuntimeError(f"the bot did not connect within 60 s; see {self.log}")
            await asyncio.sleep(0.1)
        # The listener starts in setup_hook, before the gateway connects: by now it reads the stream.

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    async def stop(self) -> None:
        """SIGTERM, waited for in a thread: the stand-in shares this event loop and answers the bot's last calls."""
        if self.process is not None:
            await asyncio.to_thread(stop, self.process)

    def stats(self) -> dict[str, Any]:
        path = Path(self._env["BOT_STATS_FILE"])
        lines = path.read_text().splitlines() if path.exists() else []
        return json.loads(lines[-1]) if lines else {}


@pytest.fixture(scope="package")
async def bot(stack_env: dict[str, str], standin: StandIn, backend: None) -> AsyncIterator[BotProcess]:
    process = BotProcess(stack_env, standin)
    await process.start()
    yield process
    await process.stop()


@pytest.fixture(autouse=True)
def held_to_discords_spec(standin: StandIn) -> Iterator[None]:
    """Every request the bot sent during the test, and every answer the stand-in gave, is one Discord's OpenAPI
    description allows."""
    before = len(standin.violations)
    yield
    found = sorted({str(v) for v in standin.violations[before:]})
    assert not found, f"{len(found)} ways to break Discord's API:\n" + "\n".join(found)


@pytest.fixture(autouse=True)
def nobody_left_waiting(engine: Engine) -> Iterator[None]:
    """A test's waiting players would be matched with the next test's."""
    yield
    with engine.begin() as conn:
        conn.execute(text("UPDATE queue_entries SET state = 'cancelled', ended_at = now() WHERE state = 'waiting'"))


@contextmanager
def waves_held(engine: Engine) -> Iterator[None]:
    """Holds the wave lock, so every wave beat starts meanwhile skips: players wait until it is let go."""
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": WAVE_LOCK_KEY})
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": WAVE_LOCK_KEY})


async def delivery_paths(engine: Engine, *players: int, expected: int | None = None) -> dict[int, str]:
    """How each player was reached, once the bot has recorded it (just after the player could see it)."""
    expected = len(players) if expected is None else expected
    for _ in range(50):
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT player_id, path FROM deliveries WHERE player_id = ANY(:p)"), {"p": list(players)}
            ).all()
        if len(rows) >= expected:
            break
        await asyncio.sleep(0.1)
    return {r.player_id: r.path for r in rows}
