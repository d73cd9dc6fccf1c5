"""`python -m sandbox`: the ladder on one machine, with no services installed.

demo              simulated players click through the real bot (against the Discord stand-in), worker and beat
chaos             the same, with workers, the bot, Redis and PostgreSQL killed and restarted under the players
run               the Procfile's processes under honcho (make run)
migrate           alembic upgrade head on the configured or embedded database
servers start|stop|status
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import sys
from pathlib import Path

from db.settings import PROJECT_DIR, get_settings
from sandbox.servers import ServerUrls, ensure_servers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="run the ladder with simulated players")
    demo.add_argument("--players", type=_positive_int, default=200, help="simulated players (default 200)")
    demo.add_argument("--duration", type=_positive_float, default=60.0, help="seconds players keep joining")
    demo.add_argument("--wave-interval", type=_positive_float, default=5.0, help="seconds between waves (default 5)")
    demo.add_argument("--cancel-share", type=float, default=0.1, help="share of players who cancel (default 0.1)")
    demo.add_argument("--confirm-window", type=_positive_float, default=15.0,
                      help="seconds players have to confirm a match (default 15)")  # fmt: skip
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--report", type=Path, help="write the report as JSON to this file")
    demo.add_argument("--ladder", type=Path, help="a ladder file (default: the configured one)")
    demo.add_argument("--keep-servers", action="store_true", help="leave the embedded servers running")
    demo.add_argument("--no-rate-limits", action="store_true", help="the stand-in without Discord's rate limits")
    demo.add_argument("--latency-ms", type=float, default=60.0,
                      help="network delay each way between the bot and the stand-in (default 60)")  # fmt: skip
    demo.add_argument("--bots", type=_positive_int, default=2,
                      help="bot processes, one shard and one server of players each (default 2)")  # fmt: skip

    chaos = commands.add_parser("chaos", help="the ladder under injected faults; a report of any harm done")
    chaos.add_argument("--players", type=_positive_int, default=1000, help="simulated players (default 1000)")
    chaos.add_argument("--duration", type=_positive_float, default=600.0, help="seconds players play (default 600)")
    chaos.add_argument("--seed", type=int, default=1, help="draws the players, their moves and the faults")
    chaos.add_argument("--faults", type=_positive_int, help="faults to inject (default: one a minute, at least 5)")
    chaos.add_argument("--report", type=Path, help="write the report as JSON to this file")

    commands.add_parser("run", help="the Procfile's processes under honcho")
    commands.add_parser("migrate", help="alembic upgrade head")
    servers = commands.add_parser("servers", help="the embedded PostgreSQL and Valkey")
    servers.add_argument("action", choices=["start", "stop", "status"])

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "demo":
        from sandbox.demo import DemoOptions, run_demo

        report = run_demo(
            DemoOptions(
                players=args.players,
                duration=args.duration,
                wave_interval=args.wave_interval,
                cancel_share=args.cancel_share,
                confirm_window=args.confirm_window,
                seed=args.seed,
                report=args.report,
                ladder=args.ladder,
                keep_servers=args.keep_servers,
                rate_limits=not args.no_rate_limits,
                latency_ms=args.latency_ms,
                bots=args.bots,
            )
        )
        if not report["completed"]:
            return 1
        harm = ("double_matched", "lost_notifications", "duplicate_notifications", "interactions_failed", "stuck",
                "results_not_shown", "results_overwritten", "spec_violations", "untranslated_seen")  # fmt: skip
        complete = report["cards_complete"] == report["matches"]
        return 0 if all(report[key] == 0 for key in harm) and report["ratings_consistent"] and complete else 1
    if args.command == "chaos":
        from sandbox.chaos import ChaosOptions, harmless, run_chaos

        options = ChaosOptions(players=args.players, duration=args.duration, seed=args.seed, report=args.report,
                               faults=args.faults)  # fmt: skip
        return 0 if harmless(run_chaos(options)) else 1
    if args.command == "servers":
        return _servers(args.action)
    if args.command == "migrate":
        from db.migrate import upgrade

        upgrade(_urls().database_url)
        print("database migrated to head")
        return 0
    return _run()


def _urls() -> ServerUrls:
    settings = get_settings()
    return ensure_servers(settings.state_dir, settings.database_url, settings.redis_url)


def _servers(action: str) -> int:
    from sandbox.servers import embedded_running, stop_servers

    state = get_settings().state_dir
    if action == "stop":
        stopped = stop_servers(state)
        print("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
    elif action == "status":
        print("embedded servers: " + ("running" if embedded_running(state) else "not running"))
    else:
        urls = _urls()
        print(f"PostgreSQL: {_without_password(urls.database_url)}\nRedis:      {urls.redis_url}")
    return 0


def _run() -> int:
    """The Procfile under honcho: release first, then the worker, beat and Flower, and the bot when
    DISCORD_TOKEN is set (without it there is nothing for the bot to log in as)."""
    from db.migrate import upgrade

    urls = _urls()
    upgrade(urls.database_url)
    settings = get_settings()
    # Flower listens on this machine only; a deploy host sets FLOWER_ADDRESS (or nothing: all interfaces).
    env = {"DATABASE_URL": urls.database_url, "REDIS_URL": urls.redis_url, "FLOWER_ADDRESS": "127.0.0.1"}
    # A person reads these lines in a terminal; a deploy host keeps the default, JSON, for its log platform.
    env["LOG_FORMAT"] = os.environ.get("LOG_FORMAT") or "text"
    if not settings.flower_basic_auth.get_secret_value():
        credentials = settings.state_dir / "flower-credentials"
        if not credentials.exists():
            credentials.write_text(f"admin:{secrets.token_urlsafe(12)}\n")
            credentials.chmod(0o600)
        env["FLOWER_BASIC_AUTH"] = credentials.read_text().strip()
        print(f"Flower asks for the user and password in {credentials}")
    processes = ["worker", "replays", "beat", "flower"]
    if settings.discord_token.get_secret_value():
        processes.insert(0, "bot")
    else:
        print("DISCORD_TOKEN is not set: running without the bot (docs/DISCORD.md says how to create one).")
    os.environ.update(env)
    # The Procfile names `celery` and `python`: the ones of this environment, as on a deploy host.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    os.execvp(
        sys.executable, [sys.executable, "-m", "honcho", "-f", str(PROJECT_DIR / "Procfile"), "start", *processes]
    )
    return 0  # not reached: honcho has taken over the process


def _without_password(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return url


def _positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be a positive whole number")
    return number


def _positive_float(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be a positive number")
    return number


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (KeyboardInterrupt, asyncio.CancelledError):  # Ctrl-C or SIGTERM: the run stopped what it started
        print("\nStopped.")
        sys.exit(130)
