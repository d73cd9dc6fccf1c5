"""Notification figures: from a wave's commit to the Discord stand-in receiving the edit of each player's view.

The real bot process runs against the stand-in; players join through the stand-in (so each has a live
searching message); waves run in this process on real PostgreSQL and Redis. Two measurements:

- single matches at a steady 10 events a second: p50 / p99 latency from the wave's commit to each edit;
- a burst: one wave matching `--burst` pairs at once: time until the last player's view shows the match,
  events delivered per second, and the bot's largest event-loop stall meanwhile, the largest busy stall (the
  loop running the bot's own code) and the longest garbage collection (from its stats file).

`python -m bench.notify [--singles 100] [--burst 1000]` writes bench/results/notify.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from itertools import count
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy import text

from bench.machine import machine
from bench.stack import BotStack, JoinsFailed, bot_stack
from bot.delivery import SHOWS_AT_ONCE
from db.settings import PROJECT_DIR
from sandbox.discord_standin.models import ReceivedBody

RESULTS = Path(__file__).resolve().parent / "results" / "notify.json"
# A Join reads every waiting entry for its searching view, so it answers more slowly the more players wait;
# past about 10,000 waiting a Join misses Discord's 3 seconds. A big burst's players therefore join in chunks,
# and each chunk's entries are set aside (state 'cancelled' in this benchmark's own database) until every
# player has joined; all are waiting again before the wave. What is measured, the delivery, is unchanged:
# the bot still holds every player's subscription and live message.
SET_ASIDE_EVERY = 2000
# The joins are the set-up, not what is measured: the bot answers them one after another on its one core, so
# twenty at a time join as fast as fifty, and each stays within Discord's 3 seconds on a busy machine.
JOINS_AT_ONCE = 20
# Past an interaction token's 15 minutes.
TOKENS_EXPIRED_AFTER_S = 16 * 60


async def measure(
    singles: int, burst: int, expired: int = 0, *, burst_runs: int = 1, discords_rules: bool = False, bots: int = 1
) -> dict[str, Any]:
    """`burst_runs`: bursts of the same size, one after another, for the median and the spread. `expired`:
    players whose interaction tokens are past 15 minutes when their match is found (measured last: it moves
    the stand-in's clock on). `bots`: bot processes, a shard and a server of players each."""
    recording = burst_runs > 1
    async with bot_stack(
        "ladder_bench_notify", discords_rules=discords_rules, record_bodies=recording, bots=bots
    ) as stack:
        ids = count(700_000_000_000_000_001)
        figures: dict[str, Any] = {"machine": machine(), "discords_rules": discords_rules, "bot_processes": bots}
        if singles:
            figures["single_matches"] = await _singles(stack, singles, ids)
        if burst:
            figures["burst"] = await _bursts(stack, burst, ids, burst_runs)
        if expired:
            figures["expired_tokens"] = await _expired_tokens(stack, expired, ids)
        standin = stack.standin
        figures["rate_limited"] = standin.rate_limited
        figures["invalid_requests"] = standin.invalid_requests
        figures["invalid_requests_peak_per_10_min"] = standin.invalid_peak_per_10_min
    return figures


async def _singles(stack: BotStack, singles: int, ids: count[int]) -> dict[str, Any]:
    """Single matches, one wave each, paced at 10 a second."""
    latencies: list[float] = []
    for _ in range(singles):
        started = time.monotonic()
        pair = [next(ids), next(ids)]
        messages = await stack.join_all(pair)
        since = stack.log_position()
        result = await asyncio.to_thread(stack.wave)
        committed = stack.committed_at(result.wave_id)
        shown = await stack.shown_at(messages, 30, every_s=0.005, since=since)
        latencies.extend((at - committed) * 1000 for at in shown.values())
        await asyncio.sleep(max(0.0, 0.1 - (time.monotonic() - started)))
    latencies.sort()
    return {
        "matches": singles,
        "deliveries": len(latencies),
        "commit_to_edit_p50_ms": round(statistics.median(latencies), 2),
        "commit_to_edit_p99_ms": round(latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))], 2),
    }


async def _bursts(stack: BotStack, burst: int, ids: count[int], runs: int) -> dict[str, Any]:
    """The burst `runs` times: each figure is the median of the runs, with its spread (lowest, highest) beside.
    After each run, a bare HTTP client sends the bot's own edits of that run to the same stand-in again, as
    fast as it can: the most this machine and stand-in allow, so the bot's figure is also a share of it."""
    if runs == 1:
        return await _burst(stack, burst, ids)
    done: list[dict[str, Any]] = []
    for _ in range(runs):
        edits: list[ReceivedBody] = []
        one = await _burst(stack, burst, ids, edits)
        if not one["completed"]:
            return one
        bare = await _bare_client_edits_per_s(stack, edits)
        one["bare_client_edits_per_s"] = bare
        one["share_of_bare_client"] = round(one["deliveries_per_s"] / bare, 3) if edits else None
        done.append(one)
    figures: dict[str, Any] = {"events": burst, "completed": True, "runs": len(done)}
    for key in ("deliveries", "commit_to_last_edit_s", "events_per_s", "deliveries_per_s", "bot_largest_stall_ms",
                "bot_largest_busy_stall_ms", "bot_longest_gc_cpu_ms", "bare_client_edits_per_s",
                "share_of_bare_client", "bots_cpu_ms_per_event", "standin_cpu_ms_per_event"):  # fmt: skip
        values = [r[key] for r in done if r.get(key) is not None]
        figures[key] = statistics.median(values) if values else None
        figures[f"{key}_spread"] = [min(values), max(values)] if values else None
    figures["each_run"] = done
    return figures


async def _bare_client_edits_per_s(stack: BotStack, edits: list[ReceivedBody]) -> float:
    """The same edits, each to the same message through the same token, by `bench.bare_client` in a process of
    its own with as many in flight as the bot allows itself (its SHOWS_AT_ONCE): edits per second."""
    edits_file = stack.log.parent / "bare-client-edits.jsonl"
    edits_file.write_text("".join(json.dumps({"path": e.path, "text": e.text}) + "\n" for e in edits))
    bare = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.bare_client", stack.standin.api_base, str(edits_file), str(SHOWS_AT_ONCE),
        stdout=asyncio.subprocess.PIPE, cwd=PROJECT_DIR,
    )  # fmt: skip
    out, _ = await bare.communicate()
    edits_file.unlink()
    if bare.returncode != 0:
        raise RuntimeError(f"bench.bare_client exited with {bare.returncode}")
    return float(out.decode().strip())


async def _burst(
    stack: BotStack, burst: int, ids: count[int], edits: list[ReceivedBody] | None = None
) -> dict[str, Any]:
    """Every player waits, then one wave matches them all. `edits` receives the bot's edits of the players'
    messages after the wave (the stand-in records bodies)."""
    players = [next(ids) for _ in range(2 * burst)]
    joins_began, joins_began_at = time.monotonic(), time.time()
    messages: dict[int, int] = {}
    try:
        for lo in range(0, len(players), SET_ASIDE_EVERY):
            chunk = players[lo : lo + SET_ASIDE_EVERY]
            messages.update(await stack.join_all(chunk, parallel=JOINS_AT_ONCE))
            if len(players) > SET_ASIDE_EVERY:
                _set_aside(stack, chunk, "waiting", "cancelled")
    except JoinsFailed as failed:
        joining = _stalls(stack, joins_began_at, time.time())
        return {
            "events": burst,
            "completed": False,
            "reason": f"the players could not all join: after {len(messages) + len(failed.joined):,} joins, {failed}",
            "joins_through_standin_s": round(time.monotonic() - joins_began, 1),
            "bot_largest_stall_ms_while_joining": joining["bot_largest_stall_ms"],
            "bot_largest_busy_stall_ms_while_joining": joining["bot_largest_busy_stall_ms"],
        }
    if len(players) > SET_ASIDE_EVERY:
        _set_aside(stack, players, "cancelled", "waiting")
    joins_s = time.monotonic() - joins_began
    await asyncio.sleep(2)  # the stats file's windows before the burst are the joins', not the burst's
    burst_started, since, bodies_from = time.time(), stack.log_position(), len(stack.standin.bodies)
    cpu_before = _cpu_seconds(stack)
    result = await asyncio.to_thread(stack.wave)
    committed = stack.committed_at(result.wave_id)
    seen = list((await stack.shown_at(messages, 60 + burst / 10, every_s=0.05, since=since)).values())
    last = max(seen)
    bots_cpu, here_cpu = (after - before for after, before in zip(_cpu_seconds(stack), cpu_before, strict=True))
    await asyncio.sleep(1.5)  # one more stats line covers the end of the burst
    if edits is not None:
        edits += [b for b in stack.standin.bodies[bodies_from:] if b.method == "PATCH" and "/webhooks/" in b.path]
    return {
        "events": result.matched_pairs,
        "completed": True,
        "deliveries": len(seen),
        "joins_through_standin_s": round(joins_s, 1),
        "wave_commit_ms": round(result.commit_ms, 1),
        "commit_to_last_edit_s": round(last - committed, 3),
        "events_per_s": round(result.matched_pairs / (last - committed), 1),
        "deliveries_per_s": round(len(seen) / (last - committed), 1),
        # CPU time per event from the wave's start to the last edit: the bot processes', and this process's (the
        # stand-in serving the edits, the wave, the harness watching): what a rate needs in cores.
        "bots_cpu_ms_per_event": round(bots_cpu * 1000 / result.matched_pairs, 3),
        "standin_cpu_ms_per_event": round(here_cpu * 1000 / result.matched_pairs, 3),
        **_stalls(stack, burst_started, last),
    }


async def _expired_tokens(stack: BotStack, players_count: int, ids: count[int]) -> dict[str, Any]:
    """The bot was away for more than 15 minutes while every player waited, and a wave matches them all as it
    comes back: their searching messages (ephemeral) can no longer be edited, so each match reaches them by
    direct message, one DM channel opened per player."""
    players = [next(ids) for _ in range(players_count - players_count % 2)]
    messages = await stack.join_all(players, parallel=JOINS_AT_ONCE)
    await stack.restart_bot()
    # Sixteen minutes pass: on Discord's clock (the stand-in's), and in the tokens' age as the bot recorded it.
    stack.standin.clock.advance(TOKENS_EXPIRED_AFTER_S)
    with stack.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE queue_entries SET message_ref = jsonb_set(message_ref, '{issued_at}',"
                " to_jsonb((message_ref->>'issued_at')::float8 - :skip)) WHERE player_id = ANY(:players)"
            ),
            {"skip": TOKENS_EXPIRED_AFTER_S, "players": players},
        )
    invalid_before = stack.standin.invalid_requests
    limited_before = stack.standin.rate_limited
    since = stack.log_position()
    result = await asyncio.to_thread(stack.wave)
    committed = stack.committed_at(result.wave_id)
    shown = await stack.shown_at(messages, 120 + 3 * len(players), every_s=0.2, since=since)
    # The stand-in's clock is ahead of the wall clock by the skip.
    seen = sorted(at - TOKENS_EXPIRED_AFTER_S - committed for at in shown.values())
    with stack.engine.connect() as conn:
        paths: dict[str, int] = dict(
            conn.execute(
                text("SELECT path, count(*) FROM deliveries WHERE player_id = ANY(:p) GROUP BY path"),
                {"p": players},
            ).all()
        )
    return {
        "players": len(players),
        "matches": result.matched_pairs,
        "paths": paths,
        "first_saw_match_s": round(seen[0], 2),
        "median_saw_match_s": round(statistics.median(seen), 2),
        "last_saw_match_s": round(seen[-1], 2),
        "rate_limited": stack.standin.rate_limited - limited_before,
        "invalid_requests": stack.standin.invalid_requests - invalid_before,
    }


def _cpu_seconds(stack: BotStack) -> tuple[float, float]:
    """CPU seconds (user and system) used so far by the bot processes, and by this process."""
    bots = sum(sum(psutil.Process(bot.pid).cpu_times()[:2]) for bot in stack.bots)
    return bots, sum(psutil.Process().cpu_times()[:2])


def _stalls(stack: BotStack, began: float, ended: float) -> dict[str, float | None]:
    """The bot's largest event-loop stalls from `began` to `ended` (wall clock). Each stats line holds the
    largest of the second before it, so the window is the lines from `began` to the first one after `ended`.
    A stall is how late the loop ran a 20 ms timer, whatever held it up (the machine included); a busy stall
    is the part of it the loop spent running the bot's own code, the garbage collector included (its longest
    collection, in CPU time)."""
    lines = [line for line in stack.stats() if line["at"] >= began]
    after = next((n for n, line in enumerate(lines) if line["at"] > ended), len(lines) - 1)
    window = lines[: after + 1]
    return {
        name: max((line[key] for line in window if key in line), default=None)
        for name, key in (
            ("bot_largest_stall_ms", "largest_stall_ms"),
            ("bot_largest_busy_stall_ms", "largest_busy_stall_ms"),
            ("bot_longest_gc_cpu_ms", "largest_gc_cpu_ms"),
        )
    }


def _set_aside(stack: BotStack, players: list[int], state: str, to: str) -> None:
    with stack.engine.begin() as conn:
        conn.execute(
            text("UPDATE queue_entries SET state = :to WHERE state = :state AND player_id = ANY(:players)"),
            {"to": to, "state": state, "players": players},
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--singles", type=int, default=100)
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--burst-runs", type=int, default=1)
    parser.add_argument("--bots", type=int, default=1, help="bot processes, a shard each (default 1)")
    args = parser.parse_args()
    figures = asyncio.run(measure(args.singles, args.burst, burst_runs=args.burst_runs, bots=args.bots))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
