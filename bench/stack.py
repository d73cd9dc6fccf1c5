"""The real bot process (or several, a shard and a server of players each) against the Discord stand-in, on
real PostgreSQL and Redis, for the benchmarks that need a player's whole path: join through the stand-in, a wave
run here, the match shown by the bot."""

from __future__ import annotations

import asyncio
import gc
import json
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from bench.pools import starcraft
from db.engines import session_factory, sync_engine
from db.migrate import upgrade
from db.settings import get_settings
from sandbox import processes
from sandbox.discord_standin import StandIn, as_discord
from sandbox.players import match_first_shown_at, queue_up
from sandbox.population import wait_for_bots
from sandbox.servers import ServerUrls, drop_database, embedded_running, ensure_servers, fresh_database, stop_servers
from workers.wave import WaveResult, run_wave

TOKEN = "bench-bot-token"


@contextmanager
def servers() -> Iterator[ServerUrls]:
    """The configured servers, or the embedded ones (stopped afterwards if this started them)."""
    settings = get_settings()
    was_running = embedded_running(settings.state_dir)
    urls = ensure_servers(settings.state_dir, settings.database_url, settings.redis_url)
    try:
        yield urls
    finally:
        if not (settings.database_url and settings.redis_url) and not was_running:
            stop_servers(settings.state_dir)


@contextmanager
def database(urls: ServerUrls, prefix: str) -> Iterator[str]:
    """A fresh database of its own, migrated, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:6]}"
    url = fresh_database(urls.database_url, name)
    try:
        upgrade(url)
        yield url
    finally:
        drop_database(urls.database_url, name)


class JoinsFailed(Exception):
    """Some players' Join was not answered (the stand-in holds the bot to Discord's 3 seconds)."""

    def __init__(self, joined: dict[int, int], failed: int, first: BaseException) -> None:
        super().__init__(f"{failed} joins failed, the first with {type(first).__name__}: {first}")
        self.joined = joined
        self.failed = failed


def freeze_harness() -> None:
    """Moves what this process holds (the stand-in's users and messages) out of the garbage collector's reach:
    otherwise its full collections stall the stand-in for most of a second once it holds thousands of
    messages, which would be charged to the bot it measures."""
    gc.collect()
    gc.freeze()


@dataclass
class BotStack:
    database_url: str
    stream: str
    standin: StandIn
    bots: list[subprocess.Popen[bytes]]
    engine: Engine
    sessions: sessionmaker[Session]
    client: redis.Redis
    stats_files: list[Path]
    logs: list[Path]
    envs: list[dict[str, str]]
    # The server each player joins in, in turn: one per bot process.
    guilds: list[int]

    @property
    def log(self) -> Path:
        return self.logs[0]

    async def restart_bot(self) -> None:
        """Stops the bots (SIGTERM, their live subscriptions end with them) and starts them again, until ready."""
        await asyncio.gather(*(asyncio.to_thread(processes.stop, bot) for bot in self.bots))
        identified = self.standin.identify_count
        self.bots = [processes.start_bot(env, log) for env, log in zip(self.envs, self.logs, strict=True)]
        await self.until_ready(identified + len(self.bots) - 1)

    async def until_ready(self, identified_before: int = 0) -> None:
        """Until every bot has identified (once more than before), every server is held and the commands synced."""
        bots = list(zip(self.bots, self.logs, strict=True))
        await wait_for_bots(self.standin, bots, timeout=120, identified_before=identified_before)

    def wave(self) -> WaveResult:
        return run_wave(self.sessions, self.client, self.stream, starcraft())

    def committed_at(self, wave_id: int | None) -> float:
        with self.engine.connect() as conn:
            value = conn.execute(
                text("SELECT EXTRACT(EPOCH FROM committed_at)::float8 FROM waves WHERE id = :w"), {"w": wave_id}
            ).scalar()
        if value is None:
            raise RuntimeError(f"wave {wave_id} has no commit time")
        return float(value)

    def stats(self) -> list[dict[str, Any]]:
        """The bots' stats lines so far (one a second each), in the order of their time."""
        lines = [
            json.loads(line)
            for path in self.stats_files
            if path.exists()
            for line in path.read_text().splitlines()
            if line.strip()
        ]
        return sorted(lines, key=lambda line: float(line["at"]))

    def rss_mb(self) -> float:
        """The first bot process's resident memory (VmRSS), in MB."""
        for line in Path(f"/proc/{self.bots[0].pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS for the bot process")

    async def join_all(self, players: list[int], parallel: int = 50) -> dict[int, int]:
        """Every player queues through the stand-in (alternating sides, so all can pair): their searching
        message ids. Raises JoinsFailed, after the others finished, if any player's Join went unanswered."""
        messages: dict[int, int] = {}
        slots = asyncio.Semaphore(parallel)

        async def one(index: int, player: int) -> None:
            async with slots:
                race = "bw_terran" if index % 2 == 0 else "sc2_terran"
                self.standin.add_user(player, guild_id=self.guilds[(index // 2) % len(self.guilds)])
                messages[player] = (await queue_up(self.standin, starcraft(), player, [race])).id

        outcomes = await asyncio.gather(*(one(i, p) for i, p in enumerate(players)), return_exceptions=True)
        failures = [o for o in outcomes if isinstance(o, BaseException)]
        if failures:
            raise JoinsFailed(messages, len(failures), failures[0])
        freeze_harness()
        return messages

    def log_position(self) -> int:
        """Where the stand-in's log of message changes stands now: `shown_at` may start looking from here."""
        return len(self.standin.store.message_log)

    async def shown_at(
        self, messages: dict[int, int], timeout: float, every_s: float = 0.05, since: int = 0
    ) -> dict[int, float]:
        """When each player first saw their match, in their searching message or a direct message (the
        stand-in's clock, stamped as the message arrived). One incremental scan of the stand-in's log of message
        changes from `since`: each look reads only the changes since the last one, so 20,000 players cost the
        stand-in's process (which this one is) next to nothing, and the figures are the bot's, not the
        harness's."""
        store = self.standin.store
        player_of = {message_id: player for player, message_id in messages.items()}
        players = set(messages)
        shown: dict[int, float] = {}
        looked = since
        deadline = time.monotonic() + timeout
        while True:
            changed, looked = store.message_log[looked:], len(store.message_log)
            for message_id in changed:
                message = store.messages[message_id]
                # Their searching message, or a new one only they see (a direct message).
                player = player_of.get(message_id, message.visible_to)
                if player is None or player in shown or player not in players:
                    continue
                at = match_first_shown_at(message)
                if at is not None:
                    shown[player] = at
            if len(shown) == len(messages):
                return shown
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(messages) - len(shown)} of {len(messages)} players never saw their match")
            await asyncio.sleep(every_s)


@asynccontextmanager
async def bot_stack(
    prefix: str, *, discords_rules: bool = False, record_bodies: bool = False, bots: int = 1
) -> AsyncIterator[BotStack]:
    """`discords_rules`: the stand-in applies Discord's rate limits and a network's latency (60 ms each way).
    `record_bodies`: it keeps every request body the bot sent. `bots`: bot processes, each holding one shard and
    the stand-in's server on it (players join in each in turn)."""
    with servers() as urls, database(urls, prefix) as database_url:
        state = get_settings().state_dir
        logs = state / "bench"
        logs.mkdir(parents=True, exist_ok=True)
        token = uuid.uuid4().hex[:6]
        stream = f"bench:{token}:events"
        standin = StandIn(TOKEN, record_bodies=record_bodies, **(as_discord() if discords_rules else {}))
        guilds = [standin.store.identity.guild_id] + [standin.add_guild(f"Server {n}") for n in range(2, bots + 1)]
        await standin.start()
        env = {
            "DATABASE_URL": database_url,
            "REDIS_URL": urls.redis_url,
            "EVENT_STREAM": stream,
            "DISCORD_TOKEN": TOKEN,
            "DISCORD_API_BASE": standin.api_base,
        }
        stats_files = [logs / f"bot-stats-{token}-{n}.jsonl" for n in range(bots)]
        bot_logs = [logs / f"bot-{prefix}-{n}.log" for n in range(bots)]
        shards = [{"SHARD_COUNT": str(bots), "SHARD_IDS": str(n)} if bots > 1 else {} for n in range(bots)]
        envs = [{**env, **sharding, "BOT_STATS_FILE": str(f)} for sharding, f in zip(shards, stats_files, strict=True)]
        started = [processes.start_bot(e, log) for e, log in zip(envs, bot_logs, strict=True)]
        engine = sync_engine(database_url)
        client = redis.Redis.from_url(urls.redis_url)
        stack = BotStack(
            database_url, stream, standin, started, engine, session_factory(engine), client, stats_files, bot_logs,
            envs, guilds,
        )  # fmt: skip
        try:
            await stack.until_ready()
            yield stack
        finally:
            # The stand-in answers the bots' last calls meanwhile.
            await asyncio.gather(*(asyncio.to_thread(processes.stop, bot) for bot in stack.bots))
            await standin.stop()
            client.delete(stream)
            client.close()
            engine.dispose()
