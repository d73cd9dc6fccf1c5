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
