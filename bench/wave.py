"""Pairing speed and quality, and a whole wave on real PostgreSQL and Redis. Writes bench/results/wave.json.

    python -m bench.wave [--repeat 5]

Pools are drawn with fixed seeds: ratings around 1500 with a spread of 300 per race, on the StarCraft
ladder 40% Brood War only, 40% StarCraft II only, 20% both; 0-10 waves waited; random vetoes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
import redis

from db.engines import session_factory, sync_engine
from db.ladder import LADDERS_DIR, load_ladder
from db.migrate import upgrade
from db.settings import get_settings
from sandbox.servers import drop_database, embedded_running, ensure_servers, fresh_database, stop_servers
from workers.pairing import PairingRules, RaceRating, Seeker, _positions, candidate_pairs, choose_pairs, pair_seekers
from workers.wave import pairing_rules, run_wave

RESULTS = Path(__file__).resolve().parent / "results"


def draw_pool(n: int, seed: int, sides: bool) -> list[Seeker]:
    rng = random.Random(seed)
    pool = []
    for k in range(n):
        kind = rng.random()
        if sides:
            races = []
            if kind < 0.6:
                races.append(RaceRating(rng.choice(["bw_terran", "bw_zerg", "bw_protoss"]), "bw", rng.gauss(1500, 300)))
            if kind >= 0.4:
                races.append(
                    RaceRating(rng.choice(["sc2_terran", "sc2_zerg", "sc2_protoss"]), "sc2", rng.gauss(1500, 300))
                )
        else:
            races = [RaceRating("aoe2", None, rng.gauss(1500, 300))]
        pool.append(
            Seeker(
                entry_id=k,
                player_id=k + 1,
                races=tuple(races),
                vetoes=frozenset(rng.sample(["Arkanoid", "Khione", "Pylon", "Radeon"], rng.randint(0, 2))),
                waves_waited=rng.randint(0, 10),
            )
        )
    return pool


def pairing_figures(repeat: int) -> dict[str, Any]:
    ladders = {
        "starcraft": load_ladder(LADDERS_DIR / "starcraft.toml"),
        "plain": load_ladder(LADDERS_DIR / "plain.toml"),
    }
    out: dict[str, Any] = {}
    for name, ladder in ladders.items():
        rules = pairing_rules(ladder)
        for n in (1_000, 10_000):
            times = []
            for seed in range(repeat):
                pool = draw_pool(n, seed, ladder.has_sides)
                began = time.perf_counter()
                pairs = pair_seekers(pool, rules, random.Random(seed))
                times.append((time.perf_counter() - began) * 1000)
            out[f"{name}_{n}"] = {
                "median_ms": round(statistics.median(times), 1),
                "runs_ms": [round(t, 1) for t in times],
                "matched_fraction": round(2 * len(pairs) / n, 4),
            }
        out[f"{name}_quality"] = quality(rules, ladder.has_sides)
    return out


def quality(rules: PairingRules, sides: bool) -> list[dict[str, Any]]:
    """Against the exact optimum on the same candidate pairs (one exact solve of the whole pool)."""
    rows = []
    for n in (200, 1_000, 2_000):
        for seed in (100, 101):
            pool = draw_pool(n, seed, sides)
            candidates = candidate_pairs(pool, rules)
            exact = choose_pairs(n, candidates, block=10**9)
            ours = choose_pairs(n, candidates, position=_positions(n, candidates, pool))
            w_exact = float(sum(candidates.weight[k] for k in exact))
            w_ours = float(sum(candidates.weight[k] for k in ours))
            rows.append(
                {
                    "pool": n,
                    "seed": seed,
                    "pairs_exact": len(exact),
                    "pairs_ours": len(ours),
                    "weight_short_pct": round(100 * (w_exact - w_ours) / abs(w_exact), 3),
                }
            )
    return rows


def whole_wave(repeat: int, players: int = 10_000) -> dict[str, Any]:
    settings = get_settings()
    state = settings.state_dir
    was_running = embedded_running(state)
    urls = ensure_servers(state, settings.database_url, settings.redis_url)
    name = "ladder_bench"
    url = fresh_database(urls.database_url, name)
    upgrade(url)
    engine = sync_engine(url)
    sessions = session_factory(engine)
    client = redis.Redis.from_url(urls.redis_url)
    stream = f"bench:{uuid.uuid4().hex[:8]}:events"
    ladder = load_ladder(LADDERS_DIR / "starcraft.toml")
    runs = []
    try:
        for seed in range(repeat):
            _fill(url, players, seed)
            result = run_wave(sessions, client, stream, ladder)
            runs.append(result)
    finally:
        client.delete(stream)
        engine.dispose()
        drop_database(urls.database_url, name)
        if not (settings.database_url and settings.redis_url) and not was_running:
            stop_servers(state)
    return {
        "waiting": players,
        "commit_ms_median": round(statistics.median(r.commit_ms for r in runs), 1),
        "all_published_ms_median": round(statistics.median(r.total_ms for r in runs), 1),
        "pairing_ms_median": round(statistics.median(r.pairing_ms for r in runs), 1),
        "matches_median": statistics.median(r.matched_pairs for r in runs),
        "runs": [{"commit_ms": round(r.commit_ms, 1), "all_published_ms": round(r.total_ms, 1)} for r in runs],
    }


def _fill(url: str, players: int, seed: int) -> None:
    """`players` waiting entries written in bulk (the wave, not the joins, is what is measured here)."""
    pool = draw_pool(players, seed, sides=True)
    with psycopg.connect(url) as conn:
        conn.execute("TRUNCATE deliveries, outbox, queue_entries, matches, waves, ratings, players CASCADE")
        with conn.cursor().copy("COPY players (id, region) FROM STDIN") as copy:
            for s in pool:
                copy.write_row((s.player_id, random.Random(s.player_id).choice(["NAW", "NAE", "EU", "KR"])))
        with conn.cursor().copy("COPY ratings (player_id, race, rating) FROM STDIN") as copy:
            for s in pool:
                for r in s.races:
                    copy.write_row((s.player_id, r.race, round(r.rating, 1)))
        with conn.cursor().copy("COPY queue_entries (player_id, races, vetoes, waves_waited) FROM STDIN") as copy:
            for s in pool:
                copy.write_row((s.player_id, [r.race for r in s.races], sorted(s.vetoes), s.waves_waited))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    figures = {
        "machine": {"python": platform.python_version(), "cpu_count": os.cpu_count(), "platform": platform.platform()},
        "pairing": pairing_figures(args.repeat),
        "whole_wave": whole_wave(max(3, args.repeat // 2 + 1)),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "wave.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
