"""The PNG plots of docs/BENCHMARKS.md (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

COLOURS = {"ours": "tab:blue", "greedy": "tab:orange", "assignment": "tab:green"}


def pairing_speed(speed: dict[str, Any], out: Path) -> Path:
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for name, by_pool in speed["by_algorithm"].items():
        points = [(int(n), f["median_ms"]) for n, f in by_pool.items() if f is not None]
        if points:
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, "o-", label=name, color=COLOURS.get(name))
    ax.plot([10_000], [50], "k_", markersize=18, label="goal (10k: 50 ms, 100k: 1 s)")
    ax.plot([100_000], [1000], "k_", markersize=18)
    ax.set(xscale="log", yscale="log", xlabel="waiting players", ylabel="median ms per wave", title="Pairing time")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return _save(fig, out / "pairing_speed.png")


def simulation(sim: dict[str, Any], what: str, out: Path) -> Path:
    """One panel per arrival rate: the distribution (CDF) of waits or gaps, each matchmaker a line."""
    rates = sim["rates_per_min"]
    fig, axes = plt.subplots(1, len(rates), figsize=(4.2 * len(rates), 3.8), squeeze=False)
    for ax, rate in zip(axes[0], rates, strict=True):
        for name, samples in sim["samples"][rate].items():
            values = np.sort(np.asarray(samples[what], dtype=float))
            if len(values):
                share = np.arange(1, len(values) + 1) / len(values)
                ax.step(values, share, where="post", label=name, color=COLOURS.get(name))
        ax.set(
            title=f"{rate} arrivals / min",
            xlabel="wait (s)" if what == "waits" else "rating gap",
            ylabel="share of " + ("matched players" if what == "waits" else "matches"),
            ylim=(0, 1.01),
        )
        ax.grid(True, alpha=0.3)
        ax.legend(loc="lower right")
    fig.suptitle("Wait until matched" if what == "waits" else "Rating gap of each match")
    return _save(fig, out / f"simulation_{what[:-1]}.png")


def memory(readings: list[list[float]], out: Path) -> Path:
    fig, ax = plt.subplots(figsize=(6.5, 4.0))
    xs, ys = zip(*readings, strict=True)
    ax.plot(xs, ys, ".-")
    ax.set(xlabel="join → match → notify cycles", ylabel="bot VmRSS (MB)", title="Bot resident memory")
    ax.grid(True, alpha=0.3)
    return _save(fig, out / "memory.png")


def _save(fig: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def fronts(policy: dict[str, Any], keys: list[str], shipped: dict[str, float], out: Path) -> Path:
    """One panel per world: mean wait (counting who gave up) against mean gap, on the tuning seeds, for every
    policy of ours tried (its Pareto front drawn), the greedy with its window varied (its front), the
    assignment baseline and the shipped policy."""
    tuning = policy["tuning"]
    columns = min(3, len(keys))
    rows = -(-len(keys) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4.6 * columns, 4.2 * rows), squeeze=False)
    for ax in axes.flat[len(keys) :]:
        ax.set_visible(False)
    for ax, key in zip(axes.flat, keys, strict=False):
        mine = [(p["worlds"][key], p["policy"]) for p in tuning["policies"]]
        greedy = [(g["worlds"][key], g) for g in tuning["greedy_front"]]
        xy = [_point(f) for f, _ in mine]
        ax.scatter(*zip(*xy, strict=True), s=12, color=COLOURS["ours"], alpha=0.45, label="ours, every policy tried")
        ax.plot(*zip(*_pareto(xy), strict=True), "-", color=COLOURS["ours"], label="ours, front")
        gxy = [_point(f) for f, _ in greedy]
        ax.scatter(*zip(*gxy, strict=True), s=14, marker="s", color=COLOURS["greedy"], alpha=0.6)
        ax.plot(*zip(*_pareto(gxy), strict=True), "--", color=COLOURS["greedy"], label="greedy, window varied")
        ax.scatter(*_point(tuning["greedy"][key]), s=80, marker="*", color=COLOURS["greedy"], label="greedy (100 + 50)")
        far = _assignment(ax, _point(tuning["assignment"][key]), xy + gxy)
        for f, p in mine:
            if all(p.get(k) == v for k, v in shipped.items()):
                ax.scatter(*_point(f), s=90, facecolors="none", edgecolors="k", linewidths=1.5, label="shipped")
        ax.set(title=tuning["worlds"][key] + far, xlabel="mean wait, who gave up counted at max_wait_s (s)",
               ylabel="mean rating gap")  # fmt: skip
        ax.grid(True, alpha=0.3)
    axes[0][0].legend(fontsize=7, loc="upper right")
    fig.suptitle("Wait against gap: ours (policies tried) and the greedy (window varied), tuning seeds")
    return _save(fig, out / "fronts.png")


def _assignment(ax: Any, point: tuple[float, float], others: list[tuple[float, float]]) -> str:
    """The assignment baseline's point; where it lies far beyond ours and the greedy's (it matches the most
    players at any gap), its figures for the panel's title instead, so that the fronts are not squeezed."""
    xs, ys = zip(*others, strict=True)
    x_span, y_span = max(xs) - min(xs), max(ys) - min(ys)
    if point[0] > max(xs) + 2 * x_span or point[1] > max(ys) + 2 * y_span:
        return f"\n(assignment off the chart: wait {point[0]:.0f} s, gap {point[1]:.0f})"
    ax.scatter(*point, s=50, marker="^", color=COLOURS["assignment"], label="assignment")
    return ""


def _point(f: dict[str, Any]) -> tuple[float, float]:
    return float(f["wait_mean_with_timeouts_s"]), float(f["gap_mean"])


def _pareto(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The points no other beats on both (lower is better on each), by wait."""
    front: list[tuple[float, float]] = []
    for x, y in sorted(points):
        if not front or y < front[-1][1]:
            front.append((x, y))
    return front
