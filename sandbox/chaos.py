"""The chaos run: the whole ladder against the Discord stand-in, with players who play game after game while
workers, the bot, Redis and PostgreSQL are killed, stalled and restarted under them. Its report counts, from
the database and from what each player's view shows, what the ladder promises never happens: a match that
does not reach both players once, a player in two matches, a result counted twice.

It always runs its own embedded servers (in the state folder's `chaos/`), whatever DATABASE_URL and REDIS_URL
say: it restarts them, and must never restart servers that other runs use.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import random
import re
import shutil
import time
import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from db.engines import async_engine, async_session_factory
from db.ladder import LADDERS_DIR, load_ladder
from db.migrate import upgrade
from db.settings import get_settings
from sandbox.chaos_players import ChaosTally, live
from sandbox.chaos_report import chaos_report
from sandbox.chaos_stack import BOTS, ChaosStack
from sandbox.discord_standin import StandIn, as_discord
from sandbox.faults import inject, plan_faults
from sandbox.match_play import admin_settles_disputes
from sandbox.population import PROGRESS, seed_players
from sandbox.run_life import Started, stop_on_sigterm, stop_tasks, what_failed, write_traceback
from sandbox.servers import ensure_servers, fresh_database, stop_servers
from sandbox.wave_gaps import wave_figures

CHAOS_DATABASE = "ladder_chaos"
BOT_TOKEN = "chaos-bot-token"
ADMIN_ID = 999_999
HARM = (
    "double_matched",
    "lost_notifications",
    "duplicate_notifications",
    "results_not_shown",
    "stuck",
    "spec_violations",
    "beat_takeovers_late",
)
# Short enough for matches to run their course within a run; the ladder file's other rules stay as they are.
RUN_RULES = {"report_window_s": 60, "abort_cooldown_s": 20, "no_show_cooldown_s": 20, "max_wait_s": 180}


@dataclass(frozen=True)
class ChaosOptions:
    players: int = 1000
    duration: float = 600.0
    seed: int = 1
    report: Path | None = None
    wave_interval: float = 5.0
    confirm_window: float = 15.0
    claim_idle_s: float = 5.0
    cancel_share: float = 0.1
    faults: int | None = None


def harmless(report: dict[str, Any]) -> bool:
    return bool(report["completed"]) and all(report[key] == 0 for key in HARM) and bool(report["ratings_consistent"])


def run_chaos(options: ChaosOptions) -> dict[str, Any]:
    state = (get_settings().state_dir / "chaos").resolve()
    state.mkdir(parents=True, exist_ok=True)
    with open(state / "run.lock", "w") as lock:
        try:
            # Two runs in one state folder would restart each other's servers.
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit(f"another chaos run is using {state}; wait for it or set STATE_DIR") from None
        return asyncio.run(_chaos(options, state))


async def _chaos(options: ChaosOptions, state: Path) -> dict[str, Any]:
    stop_on_sigterm()
    stop_servers(state)  # a run killed half-way may have left them
    urls = await asyncio.to_thread(ensure_servers, state)  # embedded, never the configured ones
    database_url = fresh_database(urls.database_url, CHAOS_DATABASE)
    await asyncio.to_thread(upgrade, database_url)
    logs = state / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    for old in [*logs.glob("*.log"), *logs.glob("*.jsonl")]:
        old.unlink()
    ladder_file = _run_ladder(state)
    ladder = load_ladder(ladder_file)
    token = uuid.uuid4().hex[:8]
    standin = StandIn(BOT_TOKEN, **as_discord())
    # A server per bot process, on its shard; the players are spread over them.
    guilds = [standin.store.identity.guild_id] + [standin.add_guild(f"Server {n}") for n in range(2, BOTS + 1)]
    await standin.start()
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": urls.redis_url,
        "EVENT_STREAM": f"chaos:{token}:events",
        "CELERY_QUEUE": f"chaos-{token}",
        "LADDER_CONFIG": str(ladder_file),
        "WAVE_INTERVAL_S": str(options.wave_interval),
        "CONFIRM_WINDOW_S": str(options.confirm_window),
        "DEADLINE_SWEEP_S": "1",
        "CONSUMER_CLAIM_IDLE_MS": str(int(options.claim_idle_s * 1000)),
        "DISCORD_TOKEN": BOT_TOKEN,
        "DISCORD_API_BASE": standin.api_base,
        "DISCORD_GUILD_ID": "",
        "ADMIN_CHANNEL_ID": str(standin.store.identity.channel_id),
        "ADMIN_GUILD_ID": str(standin.store.identity.guild_id),
    }
    print(f"Chaos run: {options.players} players for {options.duration:.0f} s, seed {options.seed}; logs in {logs}/")
    stack = ChaosStack(env, state, logs, standin)
    engine = async_engine(database_url)
    sessions = async_session_factory(engine)
    tally = ChaosTally()
    started = Started(stop_stack=stack.stop, engine=engine, standin=standin, servers=state)
    try:
        await stack.start()
        players, initial = await seed_players(sessions, ladder, options.players, random.Random(options.seed))
        for n, player in enumerate(players):
            standin.add_user(player.id, guild_id=guilds[n % len(guilds)])
        standin.make_admin(ADMIN_ID)
        admin_done = asyncio.Event()
        admin = started.task(admin_settles_disputes(standin, ADMIN_ID, admin_done), "admin")
        begun = time.monotonic()
        until = begun + options.duration
        plan = plan_faults(options.seed, options.duration, options.claim_idle_s, options.faults)
        injecting = started.task(inject(stack, plan, begun, options.wave_interval), "faults")

        async def opponent_of(match_id: int, player_id: int) -> int | None:
            for _ in range(30):  # the database may be restarting
                try:
                    async with sessions() as session:
                        row = (
                            await session.execute(
                                text("SELECT player1_id, player2_id FROM matches WHERE id = :m"), {"m": match_id}
                            )
                        ).one()
                    return int(row.player2_id if row.player1_id == player_id else row.player1_id)
                except SQLAlchemyError:
                    await asyncio.sleep(1.0)
            return None

        progress = started.task(_show_progress(sessions, tally, begun), "progress")
        # Players rest between games, longer the more of them there are: the ladder's load stays what one
        # machine running every process (and the players) can carry.
        rest_s = max(8.0, options.players / 5)
        async with asyncio.TaskGroup() as group:  # a player that fails stops the others
            for p in players:
                group.create_task(
                    live(standin, ladder, p, opponent_of, seed=options.seed, until=until,
                         wave_interval_s=options.wave_interval, confirm_window_s=options.confirm_window,
                         cancel_share=options.cancel_share, rest_s=rest_s, tally=tally)
                )  # fmt: skip
        faults = await injecting
        await _wait_until_settled(sessions, ladder.match.report_window_s + options.confirm_window + 90)
        admin_done.set()
        await admin
        await stop_tasks([progress])
        report = await chaos_report(sessions, standin, ladder, initial, [p.id for p in players], tally, faults)
        waves = await wave_figures(sessions, options.wave_interval, stack.wave_ticks(), stack.beat_kills)
        report = {"seed": options.seed, "duration_s": options.duration, **report, **waves,
                  "events_published_again_after_loss": stack.events_recovered(), "completed": True}  # fmt: skip
    except Exception as error:
        write_traceback(error, logs / "chaos-failure.log")
        report = {"seed": options.seed, "duration_s": options.duration, "completed": False,
                  "failure": what_failed(error)}  # fmt: skip
    finally:
        await started.stop()
    if not report["completed"]:
        print(f"\nThe chaos run failed: {report['failure']} (the whole error is in {logs / 'chaos-failure.log'})")
        if options.report:
            options.report.parent.mkdir(parents=True, exist_ok=True)
            options.report.write_text(json.dumps(report, indent=2) + "\n")
        return report
    print("\nChaos summary")
    for key, value in report.items():
        if key != "definitions":
            print(f"  {key:28s} {value}")
    print("  every count of harm is 0" if harmless(report) else "  HARM FOUND: see the counts above")
    if options.report:
        options.report.parent.mkdir(parents=True, exist_ok=True)
        options.report.write_text(json.dumps(report, indent=2) + "\n")
        print(f"Report written to {options.report}")
    return report


def _run_ladder(state: Path) -> Path:
    """The configured ladder file with the run's shorter windows and cooldowns."""
    source = get_settings().ladder_config or LADDERS_DIR / "starcraft.toml"
    body = Path(source).read_text()
    for key, value in RUN_RULES.items():
        body, n = re.subn(rf"(?m)^{key}\s*=.*$", f"{key} = {value}", body)
        if n != 1:
            raise ValueError(f"{source}: expected one {key} to shorten for the chaos run")
    path = state / "ladder.toml"
    path.write_text(body)
    # The files the ladder names (its rules), beside the copy as beside the original.
    rules = tomllib.loads(body).get("rules", {})
    for named in [rules.get("file"), *(rules.get("files") or {}).values()]:
        if isinstance(named, str):
            (path.parent / named).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(source).parent / named, path.parent / named)
    return path


async def _wait_until_settled(sessions: Any, timeout: float) -> None:
    """The players are done: every match should end and every event reach its players within the deadlines."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            async with sessions() as session:
                open_work = (
                    await session.execute(
                        text(
                            "SELECT (SELECT count(*) FROM matches WHERE state IN ('awaiting_confirmation',"
                            " 'confirmed', 'disputed')) + (SELECT count(*) FROM outbox o WHERE EXISTS"
                            " (SELECT 1 FROM unnest(o.player_ids) p(id) WHERE NOT EXISTS (SELECT 1 FROM deliveries d"
                            " WHERE d.event_id = o.id AND d.player_id = p.id AND d.path <> 'press_unanswered')"
                            " AND NOT EXISTS (SELECT 1 FROM"
                            " delivery_failures f WHERE f.event_id = o.id AND f.player_id = p.id)))"
                        )
                    )
                ).scalar_one()
            if not open_work:
                return
        except SQLAlchemyError:
            pass
        await asyncio.sleep(2.0)


async def _show_progress(sessions: Any, tally: ChaosTally, started: float) -> None:
    while True:
        await asyncio.sleep(10)
        try:
            async with sessions() as session:
                row = (await session.execute(PROGRESS)).one()
        except SQLAlchemyError:
            continue
        print(
            f"  {time.monotonic() - started:5.0f}s  joins {tally.joins:5d}  waiting {row.waiting:5d}  waves"
            f" {row.waves:4d}  matches {row.matches:5d}  steps unanswered {tally.steps_unanswered:4d}",
            flush=True,
        )
