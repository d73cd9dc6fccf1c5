"""Which faults a chaos run injects, and when: a plan drawn from the seed (pure), and its execution."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter
from dataclasses import dataclass

from sandbox.chaos_stack import BOTS, ChaosStack

log = logging.getLogger(__name__)

WORKER_KILLED_MID_WAVE = "worker_killed_mid_wave"
# Every bot process at once: nobody answers the players for a moment.
BOT_KILLED = "bot_killed"
# One of the bot processes: the other goes on delivering every event, and its guild's players are answered.
ONE_BOT_KILLED = "one_bot_killed"
REDIS_LOST = "redis_lost"
POSTGRES_RESTARTED = "postgres_restarted"
BOT_STALLED = "bot_stalled"
BEAT_KILLED = "beat_killed"
NO_WAVE_TO_KILL = "no_wave_to_kill"
KINDS = (
    WORKER_KILLED_MID_WAVE, BOT_KILLED, ONE_BOT_KILLED, REDIS_LOST, POSTGRES_RESTARTED, BOT_STALLED, BEAT_KILLED
)  # fmt: skip


@dataclass(frozen=True)
class Fault:
    at_s: float  # seconds after the players start
    kind: str
    point: str = "wave_before_commit"
    seconds: float = 0.0  # how long the bot or the beat stays down, or the bot stalled
    bot: int = 0  # the bot process killed alone or stalled


def plan_faults(
    seed: int, duration_s: float, claim_idle_s: float, count: int | None = None, bots: int = BOTS
) -> list[Fault]:
    """At least one fault of each kind, spread over the first three quarters of the run (the rest is for
    the ladder to recover in plain sight), in an order and at moments drawn from the seed."""
    rng = random.Random(f"faults:{seed}")
    n = max(len(KINDS), count if count is not None else round(duration_s / 60))
    kinds = [KINDS[i % len(KINDS)] for i in range(n)]
    rng.shuffle(kinds)
    first, last = 0.08 * duration_s, 0.75 * duration_s
    slot = (last - first) / n
    faults = []
    for i, kind in enumerate(kinds):
        faults.append(
            Fault(
                at_s=first + i * slot + rng.uniform(0, slot * 0.4),
                kind=kind,
                point=rng.choice(("wave_before_commit", "wave_after_commit")),
                # A stall outlasts the listener's claim timeout; a killed bot stays down a moment.
                seconds=claim_idle_s + rng.uniform(1, 4) if kind == BOT_STALLED else rng.uniform(0.5, 3),
                bot=rng.randrange(bots),
            )
        )
    return faults


async def inject(stack: ChaosStack, faults: list[Fault], started: float, wave_interval_s: float) -> Counter[str]:
    """Injects each fault at its moment; returns how many of each kind were injected."""
    done: Counter[str] = Counter()
    for fault in faults:
        await asyncio.sleep(max(0.0, started + fault.at_s - time.monotonic()))
        at = time.monotonic() - started
        try:
            what = await _inject(stack, fault, wave_interval_s)
        except Exception as exc:  # a fault that could not be injected must not end the run
            log.exception("could not inject %s", fault.kind)
            done[f"{fault.kind}_failed"] += 1
            print(f"  fault at {at:5.0f}s: {fault.kind} could not be injected ({exc!r})", flush=True)
            continue
        done[fault.kind if what is not None else NO_WAVE_TO_KILL] += 1
        print(f"  fault at {at:5.0f}s: {what or f'no wave reached {fault.point} in time'}", flush=True)
    return done


async def _inject(stack: ChaosStack, fault: Fault, wave_interval_s: float) -> str | None:
    """Injects one fault; says what was done (None: the workers were armed and no wave came in time)."""
    if fault.kind == WORKER_KILLED_MID_WAVE:
        died = await stack.kill_worker_mid_wave(fault.point, within_s=8 * wave_interval_s)
        if not died:
            return None
        return f"worker{died[0]} killed at {fault.point}" + (" (and another)" if len(died) > 1 else "")
    if fault.kind == BOT_KILLED:
        await stack.kill_bots(list(range(len(stack.bots))), fault.seconds)
        return f"every bot process killed, restarted after {fault.seconds:.1f} s"
    if fault.kind == ONE_BOT_KILLED:
        await stack.kill_bots([fault.bot], fault.seconds)
        return f"bot{fault.bot} (of {len(stack.bots)}) killed, restarted after {fault.seconds:.1f} s"
    if fault.kind == BEAT_KILLED:
        beat = await stack.kill_active_beat(fault.seconds, within_s=4 * wave_interval_s)
        if beat is None:
            raise RuntimeError("no beat held the schedule lock")
        return f"beat{beat} (the one scheduling) killed, started again after {fault.seconds:.1f} s"
    if fault.kind == REDIS_LOST:
        await stack.lose_redis()
        return "Valkey restarted empty"
    if fault.kind == POSTGRES_RESTARTED:
        await stack.restart_postgres()
        return "PostgreSQL restarted"
    await stack.stall_bot(fault.bot, fault.seconds)
    return f"bot{fault.bot} stalled {fault.seconds:.1f} s"
