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
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import psycopg
import redis
import rustworkx as rx

from db.engines import session_factory, sync_engine
from db.ladder import LADDERS_DIR, load_ladder
from db.migrate import upgrade
from db.settings import get_settings
from sandbox.servers import drop_database, embedded_running, ensure_servers, fresh_database, stop_servers
from workers.pairing import GAP_UNIT, PairingRules, RaceRating, Seeker, pair_seekers, warm_up
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
    # The compiled kernels, compiled or loaded from numba's cache before anything is timed (a worker does it
    # at start); the cold cost is measured in a fresh process by `cold_start_ms`.
    warm_up()
    out["cold_start_ms"] = cold_start_ms()
    for name, ladder in ladders.items():
        rules = pairing_rules(ladder)
        for n in (1_000, 10_000, 100_000):
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


def cold_start_ms() -> dict[str, float]:
    """A fresh process's import of the pairing and its warm-up (numba loading its on-disk cache, or compiling
    when there is none yet)."""
    code = (
        "import time; t = time.perf_counter(); import workers.pairing as p; i = time.perf_counter(); "
        "p.warm_up(); print(i - t, time.perf_counter() - i)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    imported, warmed = (float(x) for x in done.stdout.split())
    return {"import_ms": round(1000 * imported, 1), "warm_up_ms": round(1000 * warmed, 1)}


def quality(rules: PairingRules, sides: bool) -> list[dict[str, Any]]:
    """Against the exact optimum over every eligible pair of the pool (not only the candidate pairs): rustworkx's
    maximum-cardinality maximum-weight matching. Weights compared are the pairs' own (no constant per-pair
    reward): waves waited, squared gaps, rematches."""
    rows = []
    for n in (200, 1_000, 2_000):
        for seed in (100, 101):
            pool = draw_pool(n, seed, sides)
            pairs_exact, w_exact = exact_optimum(pool, rules)
            ours = pair_seekers(pool, rules, random.Random(seed))
            w_ours = sum(p.weight for p in ours)
            rows.append(
                {
                    "pool": n,
                    "seed": seed,
                    "pairs_exact": pairs_exact,
                    "pairs_ours": len(ours),
                    "weight_short_pct": round(100 * (w_exact - w_ours) / abs(w_exact), 3),
                }
            )
    return rows


def exact_optimum(pool: list[Seeker], rules: PairingRules) -> tuple[int, float]:
    """Pairs and total weight of the exact optimum over the full eligible graph (every pair of the pool)."""
    n = len(pool)
    waited = np.array([s.waves_waited for s in pool], dtype=np.float64)
    window = rules.window_base + rules.window_growth * waited
    player = np.array([s.player_id for s in pool])
    last = np.array([-1 if s.last_opponent_id is None else s.last_opponent_id for s in pool])
    sides: tuple[str | None, str | None] = (None, None) if rules.sides is None else rules.sides

    def rating_on(side: str | None) -> npt.NDArray[np.float64]:
        rating = np.full(n, np.nan)
        for k, s in enumerate(pool):
            for r in s.races:
                if r.side == side:
                    rating[k] = r.rating
        return rating

    a, b = rating_on(sides[0]), rating_on(sides[1])
    best = np.full((n, n), -np.inf)
    limit = np.maximum(window[:, None], window[None, :])
    for x, y in [(a, b), (b, a)] if rules.sides is not None else [(a, a)]:
        gap = np.abs(x[:, None] - y[None, :])
        weight = rules.wait_weight * (waited[:, None] + waited[None, :]) - rules.gap_weight * (gap / GAP_UNIT) ** 2
        best = np.where((gap <= limit) & (weight > best), weight, best)
    best -= rules.rematch_penalty * ((last[:, None] == player[None, :]) | (last[None, :] == player[:, None]))
    i, j = np.triu_indices(n, 1)
    weight = best[i, j]
    keep = np.isfinite(weight)
    i, j, weight = i[keep], j[keep], weight[keep]
    if len(i) == 0:
        return 0, 0.0
    # rustworkx wants integer weights: millionths, shifted positive (a shift changes no maximum-cardinality
    # matching's rank among the others).
    scaled = (np.round((weight - weight.min()) * 1e6) + 1).astype(np.int64).tolist()
    graph = rx.PyGraph(multigraph=False)
    graph.add_nodes_from(range(n))
    graph.add_edges_from([(int(p), int(q), k) for k, (p, q) in enumerate(zip(i.tolist(), j.tolist(), strict=True))])
    matching = rx.max_weight_matching(graph, max_cardinality=True, weight_fn=lambda k: scaled[k])
    chosen = [graph.get_edge_data(p, q) for p, q in matching]
    return len(chosen), float(weight[chosen].sum())


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
