"""The charts' drawing time, and the two charts drawn from simulated data into docs/charts/ for readers.

    python -m bench.charts [--repeat 15]

A rating history of 10,000 matches (one race, and the same split over three races), and a month of /activity (720
hours) are each drawn `repeat` times, as a worker draws them (Agg canvas, PNG); the figures are medians, and the
first drawing in a fresh process (the font found and loaded) is given apart. Writes bench/results/charts.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.wave import RESULTS
from db.chart_data import HourCount, RatingPoint
from db.settings import PROJECT_DIR
from workers.charts.drawing import ChartWords, activity_chart, rating_chart

DOCS = PROJECT_DIR / "docs" / "charts"
GOAL_MS = 300.0
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def simulated_history(points: int, races: list[str], seed: int = 1) -> dict[str, list[RatingPoint]]:
    """A player's ratings after `points` matches over a year, spread over `races`: each a random walk from 1500."""
    rng = random.Random(seed)
    history: dict[str, list[RatingPoint]] = {race: [] for race in races}
    rating = dict.fromkeys(races, 1500.0)
    for i in range(points):
        race = races[i % len(races)]
        rating[race] += rng.gauss(0.3, 16)
        history[race].append(RatingPoint(NOW - timedelta(days=365) + timedelta(days=365 * i / points), rating[race]))
    return history


def simulated_activity(hours: int, seed: int = 1) -> list[HourCount]:
    """Joins and matches per hour with an evening peak and quieter weekends."""
    rng = random.Random(seed)
    counts = []
    for h in range(hours):
        at = NOW - timedelta(hours=hours - 1 - h)
        evening = 1 + 3 * max(0.0, 1 - abs(at.hour - 20) / 6)
        joins = max(0, round(rng.gauss(12 * evening, 3)))
        counts.append(HourCount(at, joins, max(0, round(joins * rng.uniform(0.35, 0.5)))))
    return counts


ENGLISH_RATING = ChartWords("en", "Kim's rating", "Rating", {"bw_zerg": "Zerg", "sc2_terran": "Terran (SC2)",
                                                            "bw_protoss": "Protoss"})  # fmt: skip
KOREAN_RATING = ChartWords("ko", "김의 레이팅", "레이팅", {"bw_zerg": "저그", "sc2_terran": "테란 (스2)",
                                                        "bw_protoss": "프로토스"})  # fmt: skip
ENGLISH_ACTIVITY = ChartWords("en", "Ladder activity, last 30 days", "Per hour",
                              {"joins": "Queue joins", "matches": "Matches"})  # fmt: skip


def _median_ms(draw: Callable[[], bytes], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        draw()
        times.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(times), 1)


def measure(repeat: int) -> dict[str, Any]:
    one = simulated_history(10_000, ["bw_zerg"])
    three = simulated_history(10_000, ["bw_zerg", "sc2_terran", "bw_protoss"])
    month = simulated_activity(24 * 30)
    began = time.perf_counter()
    rating_chart(one, ENGLISH_RATING)
    first = round((time.perf_counter() - began) * 1000, 1)
    figures = {
        "first_drawing_ms": first,
        "rating_10000_points_one_race_ms": _median_ms(lambda: rating_chart(one, ENGLISH_RATING), repeat),
        "rating_10000_points_three_races_ms": _median_ms(lambda: rating_chart(three, ENGLISH_RATING), repeat),
        "rating_10000_points_korean_ms": _median_ms(lambda: rating_chart(three, KOREAN_RATING), repeat),
        "activity_month_720_hours_ms": _median_ms(lambda: activity_chart(month, ENGLISH_ACTIVITY), repeat),
        "goal_ms": GOAL_MS,
    }
    figures["within_goal"] = all(v <= GOAL_MS for k, v in figures.items() if k.endswith("_ms") and k != "goal_ms"
                                 and k != "first_drawing_ms")  # fmt: skip
    return figures


def write_examples(out: Path = DOCS) -> list[Path]:
    """The charts a reader of the docs sees: a year of a player's three races, in English and in Korean, and a
    month of the ladder's activity."""
    out.mkdir(parents=True, exist_ok=True)
    history = simulated_history(600, ["bw_zerg", "sc2_terran", "bw_protoss"])
    written = {
        out / "rating-history.png": rating_chart(history, ENGLISH_RATING),
        out / "rating-history.ko.png": rating_chart(history, KOREAN_RATING),
        out / "activity.png": activity_chart(simulated_activity(24 * 30), ENGLISH_ACTIVITY),
    }
    for path, picture in written.items():
        path.write_bytes(picture)
    return list(written)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    figures = measure(args.repeat)
    figures["examples"] = [str(p.relative_to(PROJECT_DIR)) for p in write_examples()]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "charts.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
