"""A whole wave on real PostgreSQL and Redis: claim the waiting entries, pair, write the matches and their
outbox rows, commit, publish. Writes bench/results/wave.json.

    python -m bench.wave [--repeat 3] [--players 1000 10000]

The waiting entries are written in bulk from drawn pools (`bench.pools`, fixed seeds): the wave, not the
joins, is what is measured. Figures per pool size: medians of the time to commit, the time until every
event is published (the whole wave), and the pairing's own share.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psycopg
import redis

from bench.machine import machine
from bench.pools import draw_pool, starcraft
from bench.stack import database, servers
from db.engines import session_factory, sync_engine
from workers.wave import WaveResult, run_wave

RESULTS = Path(__file__).resolve().parent / "results"
SIZES = (1_000, 10_000)


def whole_wave(repeat: int = 3, sizes: Sequence[int] = SIZES) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    with servers() as urls, database(urls, "ladder_bench_wave") as url:
        engine = sync_engine(url)
        sessions = session_factory(engine)
        client = redis.Redis.from_url(urls.redis_url)
        stream = f"bench:{uuid.uuid4().hex[:8]}:events"
        try:
            for players in sizes:
                runs: list[WaveResult] = []
                for seed in range(repeat):
                    _fill(url, players, seed)
                    runs.append(run_wave(sessions, client, stream, starcraft()))
                    client.delete(stream)
                figures[str(players)] = _summary(players, runs)
                print(f"  whole wave {players:>7,}: {figures[str(players)]['all_published_ms_median']} ms", flush=True)
        finally:
            client.delete(stream)
            client.close()
            engine.dispose()
    return figures


def _summary(players: int, runs: list[WaveResult]) -> dict[str, Any]:
    return {
        "waiting": players,
        "commit_ms_median": round(statistics.median(r.commit_ms for r in runs), 1),
        "all_published_ms_median": round(statistics.median(r.total_ms for r in runs), 1),
        "pairing_ms_median": round(statistics.median(r.pairing_ms for r in runs), 1),
        "matches_median": statistics.median(r.matched_pairs for r in runs),
        "runs": [{"commit_ms": round(r.commit_ms, 1), "all_published_ms": round(r.total_ms, 1)} for r in runs],
    }


def _fill(url: str, players: int, seed: int) -> None:
    """`players` waiting entries written in bulk."""
    pool = draw_pool(players, seed)
    with psycopg.connect(url) as conn:
        conn.execute("TRUNCATE deliveries, outbox, queue_entries, matches, waves, ratings, players CASCADE")
        write_pool(conn, pool)


def write_pool(conn: psycopg.Connection[Any], pool: Sequence[Any]) -> None:
    """A drawn pool's players, ratings and waiting entries, in bulk (COPY)."""
    with conn.cursor().copy("COPY players (id, region) FROM STDIN") as copy:
        for s in pool:
            copy.write_row((s.player_id, random.Random(s.player_id).choice(["NAW", "NAE", "EUW", "KRJ"])))
    with conn.cursor().copy("COPY ratings (player_id, race, rating) FROM STDIN") as copy:
        for s in pool:
            for r in s.races:
                copy.write_row((s.player_id, r.race, round(r.rating, 1)))
    with conn.cursor().copy("COPY queue_entries (player_id, races, vetoes, waves_waited) FROM STDIN") as copy:
        for s in pool:
            copy.write_row((s.player_id, [r.race for r in s.races], sorted(s.vetoes), s.waves_waited))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--players", type=int, nargs="+", default=list(SIZES))
    args = parser.parse_args()
    figures = {"machine": machine(), "whole_wave": whole_wave(args.repeat, args.players)}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "wave.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
