"""The demo: the real bot process against the Discord stand-in, with a real worker and beat, and simulated
players who click through /queue, Join and sometimes Cancel. Prints progress live and writes a JSON report
counted from what each player's stand-in view shows."""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bot.languages import NATIVE_NAMES, PSEUDO
from db.engines import async_engine, async_session_factory
from db.ladder import Ladder, load_ladder
from db.migrate import upgrade
from db.reconcile import rating_drift
from db.settings import get_settings
from db.states import UNFINISHED_MATCH_STATES
from sandbox import processes
from sandbox.discord_standin import Message, StandIn, as_discord
from sandbox.double_matches import double_matched
from sandbox.match_cards import card_complete, instructions_shown, ladder_data
from sandbox.match_play import admin_settles_disputes, play_match
from sandbox.player_view import RESULT, Shows, harmed_views, look, match_of, shows
from sandbox.players import PlayerStepFailed, Profile, cancel, matches_found_in, press_on_match, queue_up
from sandbox.population import PROGRESS, SimulatedPlayer, seed_players, wait_for_bots
from sandbox.reading import names_pattern, untranslated
from sandbox.run_life import Started, stop_on_sigterm, stop_tasks, unless_one_exits, what_failed, write_traceback
from sandbox.servers import embedded_running, ensure_servers, fresh_database
from workers.rating_history import rating_mismatches

DEMO_DATABASE = "ladder_demo"
UNFINISHED = list(UNFINISHED_MATCH_STATES)
DEMO_BOT_TOKEN = "demo-bot-token"
# The demo's admin, who settles disputes from the admins' channel.
ADMIN_ID = 999_999
# Of the players whose opponent called a match off, the share who go back to the queue (the others leave).
REQUEUE_SHARE = 0.5
# The languages of the players' Discord clients, by share: every language the bot speaks, and the test-only
# pseudo-language, whose players count every text they read that never went through the catalogs.
CLIENT_LOCALES = (("en-US", 0.3), ("es-ES", 0.1), ("es-419", 0.1), ("ko", 0.1), ("ru", 0.1), ("zh-CN", 0.1),
                  (PSEUDO, 0.2))  # fmt: skip


@dataclass(frozen=True)
class DemoOptions:
    players: int = 200
    duration: float = 60.0
    wave_interval: float = 5.0
    cancel_share: float = 0.1
    # Seconds players have to confirm a match (the ladder file's minutes would outlast a demo).
    confirm_window: float = 15.0
    seed: int = 1
    report: Path | None = None
    ladder: Path | None = None
    keep_servers: bool = False
    # Discord's rate limits and a network's delay between the bot and the stand-in.
    rate_limits: bool = True
    latency_ms: float = 60.0
    # Bot processes, each holding one shard; the stand-in has as many servers, one per shard, and the players are
    # spread over them.
    bots: int = 2


@dataclass
class Tally:
    joined: int = 0
    join_refused: int = 0
    cancelled: int = 0
    cancel_lost_to_wave: int = 0
    requeued: int = 0
    searching_message: dict[int, int] = field(default_factory=dict)  # player -> message id
    answer_s: list[float] = field(default_factory=list)


def run_demo(options: DemoOptions) -> dict[str, Any]:
    """The report; `completed` is false when the run failed (its `failure` says how, in one line)."""
    return asyncio.run(_demo(options))


async def _demo(options: DemoOptions) -> dict[str, Any]:
    stop_on_sigterm()
    settings = get_settings()
    logs = settings.state_dir / "demo"
    logs.mkdir(parents=True, exist_ok=True)
    failure_log = logs / "demo-failure.log"
    failure_log.unlink(missing_ok=True)
    started = Started()
    tally = Tally()
    try:
        report = await _run(options, logs, started, tally)
    except Exception as error:
        write_traceback(error, failure_log)
        report = {**_partial_report(options, tally), "completed": False, "failure": what_failed(error)}
    finally:
        await started.stop()
    _print_summary(report)
    if not report["completed"]:
        print(f"\nThe demo failed: {report['failure']} (the whole error is in {failure_log})")
    if options.report:
        options.report.write_text(json.dumps(report, indent=2) + "\n")
        print(f"Report written to {options.report}")
    return report


async def _run(options: DemoOptions, logs: Path, started: Started, tally: Tally) -> dict[str, Any]:
    settings = get_settings()
    state = settings.state_dir
    was_running = embedded_running(state)
    uses_embedded = not (settings.database_url and settings.redis_url)
    if uses_embedded and not was_running and not options.keep_servers:
        started.servers = state  # before they start: one that fails half-way is stopped too
    urls = await asyncio.to_thread(ensure_servers, state, settings.database_url, settings.redis_url)
    database_url = await asyncio.to_thread(fresh_database, urls.database_url, DEMO_DATABASE)
    await asyncio.to_thread(upgrade, database_url)
    ladder = load_ladder(options.ladder or settings.ladder_config)
    token = uuid.uuid4().hex[:8]
    standin = started.standin = StandIn(DEMO_BOT_TOKEN, **as_discord(options.rate_limits, options.latency_ms / 1000))
    await standin.start()
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": urls.redis_url,
        "EVENT_STREAM": f"demo:{token}:events",
        "CELERY_QUEUE": f"demo-{token}",
        "REPLAY_QUEUE": f"demo-{token}-replays",
        "WAVE_INTERVAL_S": str(options.wave_interval),
        "DISCORD_TOKEN": DEMO_BOT_TOKEN,
        "DISCORD_API_BASE": standin.api_base,
        "DISCORD_GUILD_ID": "",
        "CONFIRM_WINDOW_S": str(options.confirm_window),
        "DEADLINE_SWEEP_S": "1",
        # Disputes go to the stand-in's guild channel, where the demo's admin settles them.
        "ADMIN_CHANNEL_ID": str(standin.store.identity.channel_id),
        "ADMIN_GUILD_ID": str(standin.store.identity.guild_id),
        "PSEUDO_LANGUAGE": "true",
        **({"LADDER_CONFIG": str(options.ladder)} if options.ladder else {}),
    }
    # One server per shard: the home server, then each next one on the next shard.
    guilds = [standin.store.identity.guild_id] + [standin.add_guild(f"Server {n}") for n in range(2, options.bots + 1)]
    bots = _bot_processes(options.bots, logs, token)
    print(f"Servers and the Discord stand-in ready. Logs of the bots, workers and beat: {logs}/")
    watched = {
        **{name: (processes.start_bot({**env, **bot_env}, log), log) for name, bot_env, log in bots},
        "beat": (processes.start_beat(env, logs / "beat.log"), logs / "beat.log"),
        # A second beat, as a deployment runs one for safety: it stands by for the schedule lock.
        "standby beat": (processes.start_beat(env, logs / "beat-standby.log"), logs / "beat-standby.log"),
        "worker": (processes.start_worker(env, logs / "worker.log"), logs / "worker.log"),
        "replays": (processes.start_replay_reader(env, logs / "replays.log"), logs / "replays.log"),
    }
    started.processes += [process for process, _ in watched.values()]
    started.engine = async_engine(database_url)
    await wait_for_bots(standin, [watched[name] for name, _, _ in bots])
    stats = [Path(bot_env["BOT_STATS_FILE"]) for _, bot_env, _ in bots]
    work = _play_out(options, ladder, standin, async_session_factory(started.engine), started, tally, guilds, stats)
    return await unless_one_exits(work, watched)


def _bot_processes(count: int, logs: Path, token: str) -> list[tuple[str, dict[str, str], Path]]:
    """Each bot process's name, environment and log: one unsharded bot, or one shard each."""
    if count == 1:
        return [("bot", {"BOT_STATS_FILE": str(logs / f"bot-stats-{token}.jsonl")}, logs / "bot.log")]
    return [
        (f"bot {shard}",
         {"SHARD_COUNT": str(count), "SHARD_IDS": str(shard),
          "BOT_STATS_FILE": str(logs / f"bot-stats-{token}-{shard}.jsonl")},
         logs / f"bot-{shard}.log")
        for shard in range(count)
    ]  # fmt: skip


async def _play_out(
    options: DemoOptions,
    ladder: Ladder,
    standin: StandIn,
    sessions: Any,
    started: Started,
    tally: Tally,
    guilds: list[int],
    bot_stats: list[Path],
) -> dict[str, Any]:
    """The players play, the matches end, and the report is counted from what the players' views show."""
    rng = random.Random(options.seed)
    players, initial = await seed_players(sessions, ladder, options.players, rng)
    locales = _speak(standin, players, options.seed, guilds)
    progress = started.task(_show_progress(sessions, standin, tally, time.monotonic()), "progress")
    standin.make_admin(ADMIN_ID)
    admin_done = asyncio.Event()
    admin = started.task(admin_settles_disputes(standin, ADMIN_ID, admin_done), "admin")
    await _play(standin, sessions, ladder, players, options, rng, tally)
    await _wait_until_settled(sessions, options.wave_interval + options.confirm_window + 30)
    admin_done.set()
    await admin
    await stop_tasks([progress])
    profiles = {p.id: Profile.of(p.id, p.region) for p in players}
    report = await _report(sessions, standin, tally, options, ladder, initial, bot_stats, profiles)
    return {**report, **_languages_report(standin, ladder, players, locales), "completed": True}


def _speak(standin: StandIn, players: list[SimulatedPlayer], seed: int, guilds: list[int]) -> dict[int, str]:
    """Gives each player's Discord client a language (its own draw: the rest of the run is as without) and a
    server, in turn."""
    draw = random.Random(f"{seed}:locales")
    codes, shares = zip(*CLIENT_LOCALES, strict=True)
    locales = {p.id: draw.choices(codes, shares)[0] for p in players}
    for n, (player_id, locale) in enumerate(locales.items()):
        standin.add_user(player_id, f"Player {player_id}", locale=locale, guild_id=guilds[n % len(guilds)])
    return locales


def _languages_report(
    standin: StandIn, ladder: Ladder, players: list[SimulatedPlayer], locales: dict[int, str]
) -> dict[str, Any]:
    """How many players read each language, and the messages a pseudo-language player read with a text in them
    that never went through the catalogs (it must be none)."""
    # Names are shown as they are, and so is each language's own name where a player picks one.
    shown_as_is = [name for p in players for name in (f"Player {p.id}", *Profile.of(p.id, p.region).names())]
    names = names_pattern([*shown_as_is, *NATIVE_NAMES.values(), *ladder_data(ladder)])
    untranslated_seen, examples = 0, []
    for player_id, locale in locales.items():
        if locale != PSEUDO:
            continue
        # The messages the bot sent them alone (the admins' channel is English, and not theirs).
        for message in standin.messages_seen_by(player_id):
            if message.visible_to != player_id:
                continue
            found = untranslated(message, names)
            if found:
                untranslated_seen += 1
                examples += found[:1]
    by_language: dict[str, int] = {}
    for locale in locales.values():
        by_language[locale] = by_language.get(locale, 0) + 1
    return {
        "players_by_language": dict(sorted(by_language.items())),
        "untranslated_seen": untranslated_seen,
        "untranslated_examples": examples[:10],
    }


def _partial_report(options: DemoOptions, tally: Tally) -> dict[str, Any]:
    """What a run that failed part-way can still say: the players' own counts."""
    return {
        "players": options.players,
        "joined": tally.joined,
        "join_refused": tally.join_refused,
        "cancelled": tally.cancelled,
        "cancel_lost_to_wave": tally.cancel_lost_to_wave,
        "requeued": tally.requeued,
    }


async def _play(
    standin: StandIn,
    sessions: Any,
    ladder: Ladder,
    players: list[SimulatedPlayer],
    options: DemoOptions,
    rng: random.Random,
    tally: Tally,
) -> None:
    async def one(player: SimulatedPlayer, join_at: float, in_dm: bool, cancel_after: float | None) -> None:
        await asyncio.sleep(join_at)
        started = time.monotonic()
        try:
            searching = await queue_up(standin, ladder, player.id, player.races, player.vetoes, in_dm=in_dm,
                                       profile=Profile.of(player.id, player.region))  # fmt: skip
        except PlayerStepFailed:
            tally.join_refused += 1
            return
        tally.answer_s.append(time.monotonic() - started)
        tally.joined += 1
        tally.searching_message[player.id] = searching.id
        try:
            await _after_joining(standin, sessions, player, searching, cancel_after, options, tally)
        except PlayerStepFailed:
            return  # the bot let a press go unanswered: the report counts it in interactions_failed

    joining_window = options.duration * 0.8
    # A player that fails stops the others, and the run says what failed.
    async with asyncio.TaskGroup() as group:
        for p in players:
            join_at, in_dm = rng.uniform(0, joining_window), rng.random() < 0.2
            cancel_after = rng.uniform(1, options.wave_interval * 2) if rng.random() < options.cancel_share else None
            group.create_task(one(p, join_at, in_dm, cancel_after))
    remaining = options.duration - joining_window
    if remaining > 0:
        await asyncio.sleep(remaining)


async def _after_joining(
    standin: StandIn,
    sessions: Any,
    player: SimulatedPlayer,
    searching: Message,
    cancel_after: float | None,
    options: DemoOptions,
    tally: Tally,
) -> None:
    """Queued: perhaps leave after a while; play each match found; offered the queue back, decide again."""
    decides = random.Random(f"{options.seed}:decides:{player.id}")
    if cancel_after is not None:
        await asyncio.sleep(cancel_after)
        if shows(look(standin, searching)) is Shows.SEARCHING:  # no match yet: they leave
            after = await cancel(standin, player.id, searching)
            if shows(after) is Shows.NOT_IN_QUEUE:
                tally.cancelled += 1
                return
            tally.cancel_lost_to_wave += 1
        # Whatever became of their search (a match, one already called off), they play on from what they see.
    played: set[int] = set()
    patience = options.duration + options.wave_interval + 15

    def new_match(message: Message) -> bool:
        return bool(matches_found_in(message).keys() - played)

    while True:
        try:
            found = await standin.wait_for_message(player.id, new_match, patience)
        except TimeoutError:
            return  # nobody for them this time
        match_id = max(matches_found_in(found).keys() - played)
        played.add(match_id)
        async with sessions() as session:
            pair = (
                await session.execute(text("SELECT player1_id, player2_id FROM matches WHERE id = :m"), {"m": match_id})
            ).one()
        opponent = pair.player2_id if pair.player1_id == player.id else pair.player1_id
        final = await play_match(
            standin, player.id, opponent, match_id, found, options.seed, options.confirm_window + 10
        )
        if shows(final) is not Shows.BACK_TO_QUEUE or decides.random() < REQUEUE_SHARE:
            return
        back = await press_on_match(standin, player.id, final, "requeue", match_id)
        if shows(back) is not Shows.SEARCHING:
            return
        tally.requeued += 1


async def _wait_until_settled(sessions: Any, timeout: float) -> None:
    """Players are done: every match should end (played, aborted, run out or resolved) within the deadlines."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        async with sessions() as session:
            unfinished = (
                await session.execute(text("SELECT count(*) FROM matches WHERE state = ANY(:s)"), {"s": UNFINISHED})
            ).scalar()
        if not unfinished:
            return
        await asyncio.sleep(1.0)


async def _show_progress(sessions: Any, standin: StandIn, tally: Tally, started: float) -> None:
    while True:
        await asyncio.sleep(2)
        async with sessions() as session:
            row = (await session.execute(PROGRESS)).one()
        notified = sum(1 for p in tally.searching_message if _seen_matches(standin.messages_seen_by(p)))
        print(
            f"  {time.monotonic() - started:5.0f}s  joined {tally.joined:5d}  waiting {row.waiting:5d}"
            f"  waves {row.waves:3d}  matches {row.matches:5d}  players notified {notified:5d}",
            flush=True,
        )


def _seen_matches(messages: list[Message]) -> dict[int, list[float]]:
    """Each match the player's view shows, with when each message showing it first did."""
    seen: dict[int, list[float]] = {}
    for message in messages:
        for match, at in matches_found_in(message).items():
            seen.setdefault(match, []).append(at)
    return seen


async def _report(
    sessions: Any,
    standin: StandIn,
    tally: Tally,
    options: DemoOptions,
    ladder: Ladder,
    initial: dict[tuple[int, str], float],
    bot_stats: list[Path],
    profiles: dict[int, Profile],
) -> dict[str, Any]:
    async with sessions() as session:
        lifecycle = (
            await session.execute(
                text(
                    "SELECT count(*) FILTER (WHERE confirmed_at IS NOT NULL) AS confirmed,"
                    " count(*) FILTER (WHERE end_reason = 'aborted') AS aborted,"
                    " count(*) FILTER (WHERE end_reason = 'timeout') AS timed_out,"
                    " count(*) FILTER (WHERE state = 'completed') AS completed,"
                    " count(*) FILTER (WHERE end_reason IN ('reports_differ', 'one_report', 'no_report')) AS disputed,"
                    " count(*) FILTER (WHERE resolved_by IS NOT NULL) AS resolved,"
                    " count(*) FILTER (WHERE state = ANY(:s)) AS unfinished"
                    " FROM matches"
                ),
                {"s": UNFINISHED},
            )
        ).one()
        completed = (
            await session.execute(text("SELECT id, player1_id, player2_id FROM matches WHERE state = 'completed'"))
        ).all()
        mismatches = await session.run_sync(lambda s: rating_mismatches(s, ladder, initial))
        # The production check (the daily beat task's) must agree: it reads the admins' settings, not `initial`.
        drift = await session.run_sync(lambda s: rating_drift(s, ladder.rating.start))
        matched = (
            await session.execute(
                text(
                    "SELECT m.id, m.player1_id, m.player2_id, EXTRACT(EPOCH FROM w.committed_at)::float8 AS committed"
                    " FROM matches m JOIN waves w ON w.id = m.wave_id ORDER BY m.id"
                )
            )
        ).all()
        waits = (
            (
                await session.execute(
                    text(
                        "SELECT EXTRACT(EPOCH FROM ended_at - joined_at)::float8 FROM queue_entries"
                        " WHERE state = 'matched'"
                    )
                )
            )
            .scalars()
            .all()
        )
        states = dict((await session.execute(text("SELECT state, count(*) FROM queue_entries GROUP BY state"))).all())
        waves = (await session.execute(text("SELECT count(*) FROM waves"))).scalar() or 0
        doubled = await double_matched(session)
    # Each player's messages, read once (every read copies them all).
    seen_by = {p: standin.messages_seen_by(p) for m in matched for p in (m.player1_id, m.player2_id)}
    appearances: dict[int, int] = {}
    notified, lost, duplicates = 0, 0, 0
    latencies: list[float] = []
    for m in matched:
        for p in (m.player1_id, m.player2_id):
            appearances[p] = appearances.get(p, 0) + 1
            shown = _seen_matches(seen_by[p]).get(m.id, [])
            if not shown:
                lost += 1
                continue
            notified += 1
            duplicates += len(shown) - 1
            if m.committed:
                latencies.append((min(shown) - m.committed) * 1000)
    results_missing, results_overwritten = [], []
    for m in completed:
        for p in (m.player1_id, m.player2_id):
            showed = [msg for msg in seen_by[p] if m.id in matches_found_in(msg, RESULT)]
            if not showed:
                results_missing.append((m.id, p))
            elif not any(shows(msg) is Shows.COMPLETED and match_of(msg) == m.id for msg in showed):
                # The result was shown, then covered by another state of the match: a completed match has no
                # later one, so an older event was shown over its result.
                results_overwritten.append((m.id, p))
    instructions = instructions_shown(ladder)
    cards_complete = sum(
        card_complete(m.id, {p: seen_by[p] for p in (m.player1_id, m.player2_id)},
                      {p: profiles[p] for p in (m.player1_id, m.player2_id) if p in profiles}, instructions)
        for m in matched
    )  # fmt: skip
    # Each bot's figures, a line a second; the first covers its start-up.
    lines = [[json.loads(line) for line in path.read_text().splitlines()] for path in bot_stats]
    stalls = [line["largest_stall_ms"] for bot in lines for line in bot[1:]]
    return {
        **_partial_report(options, tally),
        "matches": len(matched),
        "players_matched": len(appearances),
        "players_notified": notified,
        # Matches whose found card showed each player both in-game identities and the ladder's instructions.
        "cards_complete": cards_complete,
        "double_matched": doubled,
        "lost_notifications": lost,
        "duplicate_notifications": duplicates,
        "interactions_failed": len(standin.failed_interactions),
        # 429s the bot received (it waits and retries each), and the answers Discord counts toward an IP ban.
        "rate_limited": standin.rate_limited,
        "invalid_requests": standin.invalid_requests,
        "invalid_requests_peak_per_10_min": standin.invalid_peak_per_10_min,
        # Requests the bot sent and answers the stand-in gave that Discord's OpenAPI description refuses.
        "spec_violations": len(standin.violations),
        "spec_violation_examples": sorted({str(v) for v in standin.violations})[:10],
        "confirmed": lifecycle.confirmed,
        "aborted": lifecycle.aborted,
        "timed_out": lifecycle.timed_out,
        "matches_completed": lifecycle.completed,
        "disputed": lifecycle.disputed,
        "resolved": lifecycle.resolved,
        # Matches left waiting on someone past every deadline, and completed matches a player never saw end.
        "stuck": lifecycle.unfinished,
        "results_not_shown": len(results_missing),
        "results_not_shown_views": harmed_views(standin, results_missing),
        "results_overwritten": len(results_overwritten),
        "results_overwritten_views": harmed_views(standin, results_overwritten),
        "ratings_consistent": not mismatches and not drift,
        "ratings_drift": len(drift),
        "expired": states.get("expired", 0),
        "still_waiting": states.get("waiting", 0),
        "waves": waves,
        "wait_p50_s": _percentile(waits, 50),
        "wait_p95_s": _percentile(waits, 95),
        # From /queue to the searching view: the command, the race picks and Join.
        "queue_up_p99_ms": _percentile([a * 1000 for a in tally.answer_s], 99),
        "notify_latency_p50_ms": _percentile(latencies, 50),
        "notify_latency_p99_ms": _percentile(latencies, 99),
        "bot_largest_stall_ms": max(stalls, default=None),
        # What each bot process did: the stream's events it handled and the players it showed them to, by path.
        "bots": [
            {
                "shards": bot[-1]["shards"],
                "events_handled": bot[-1]["events_handled"],
                "deliveries": bot[-1]["deliveries_by_path"],
            }
            for bot in lines
            if bot
        ],
    }


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return round(ordered[rank], 3)


def _print_summary(report: dict[str, Any]) -> None:
    print("\nDemo summary")
    for key, value in report.items():
        print(f"  {key:32s} {value}")
