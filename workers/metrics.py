"""The worker's Prometheus metrics, served by its main process on WORKER_METRICS_PORT (0: not served).

Waves run in the pool's processes, not in the main one that serves the port: what a wave records goes
through prometheus_client's multiprocess mode (one file per process in a folder; the main process sums them
at scrape time). The queue, the outbox and the stream are read from PostgreSQL and Redis at scrape time by
`LadderCollector`, so no loop polls them and every worker reports the same figures (take `max` across them).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import redis
from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server, values
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from db.settings import sqlalchemy_url
from db.status import ladder_status, stream_status

log = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


@dataclass(frozen=True)
class WaveMetrics:
    waves: Counter
    duration: Histogram
    matches: Histogram
    published: Counter


@lru_cache(maxsize=1)
def wave_metrics() -> WaveMetrics:
    """Built on first use, after `serve` chose where values live (in memory, or the multiprocess files).
    Registered nowhere: in multiprocess mode the files are what is served."""
    return WaveMetrics(
        waves=Counter(
            "ladder_waves",
            "Matchmaking waves, by outcome (ran, or skipped: another held the lock)",
            ["outcome"],
            registry=None,
        ),
        duration=Histogram(
            "ladder_wave_duration_seconds",
            "A wave from its start to its events published",
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
            registry=None,
        ),
        matches=Histogram(
            "ladder_wave_matches",
            "Matches a wave made",
            buckets=(0, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000),
            registry=None,
        ),
        published=Counter(
            "ladder_events_published",
            "Events published to the stream by the workers, by who published them",
            ["by"],
            registry=None,
        ),
    )


def record_task(task: str, result: Any) -> None:
    if task == "ladder.matchmaking_wave" and isinstance(result, dict):
        record_wave(bool(result.get("skipped")), int(result.get("matched_pairs", 0)),
                    float(result.get("total_ms", 0)) / 1000, int(result.get("published", 0)))  # fmt: skip
    elif task == "ladder.relay_outbox" and isinstance(result, int):
        record_published("relay", result)


def record_wave(skipped: bool, matched_pairs: int = 0, total_s: float = 0.0, published: int = 0) -> None:
    m = wave_metrics()
    if skipped:
        m.waves.labels("skipped").inc()
        return
    m.waves.labels("ran").inc()
    m.duration.observe(total_s)
    m.matches.observe(matched_pairs)
    m.published.labels("wave").inc(published)


def record_published(by: str, count: int) -> None:
    if count:
        wave_metrics().published.labels(by).inc(count)


class LadderCollector:
    """Reads the ladder's state when Prometheus scrapes (in the metrics server's thread)."""

    def __init__(self, database_url: str, redis_url: str, stream: str, group: str) -> None:
        # No pool: a connection per scrape, none left open for a pool process forked later to inherit.
        self._engine = create_engine(sqlalchemy_url(database_url), poolclass=NullPool)
        self._redis = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
        self._stream = stream
        self._group = group

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("ladder_status_up", "1 when the last scrape could read PostgreSQL and Redis")
        try:
            with Session(self._engine) as session:
                status = ladder_status(session)
            try:
                stream = stream_status(
                    self._redis.xinfo_groups(self._stream), self._group, self._redis.xinfo_stream(self._stream)
                )
            except redis.ResponseError:  # no stream yet: nothing was ever published
                stream = stream_status([], self._group)
        except Exception as exc:
            log.warning("metrics: could not read the ladder's state (%s)", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield _gauge("ladder_queue_waiting", "Players waiting in the queue", status.waiting)
        yield _gauge("ladder_queue_oldest_wait_seconds", "How long the longest-waiting player has waited",
                     status.oldest_wait_s)  # fmt: skip
        yield _gauge("ladder_outbox_unpublished", "Events committed and not yet published to the stream",
                     status.outbox_unpublished)  # fmt: skip
        yield _gauge("ladder_stream_pending_entries", "Stream entries the bot read and has not acknowledged",
                     stream.pending)  # fmt: skip
        if stream.unread is not None:
            yield _gauge("ladder_stream_unread_entries", "Stream entries the bot has not read yet", stream.unread)
        if stream.added is not None:
            yield CounterMetricFamily("ladder_stream_entries_added", "Events ever published to the stream, by anyone"
                                      " (the workers' waves, relay and sweeps, and the bot's own moves)",
                                      value=stream.added)  # fmt: skip
        yield _gauge("ladder_delivery_failures", "Events the bot gave up showing a player (delivery_failures rows)",
                     status.delivery_failures)  # fmt: skip
        if status.last_wave is not None:
            yield _gauge("ladder_last_wave_timestamp_seconds", "When the last committed wave started (Unix time)",
                         status.last_wave.started_at.timestamp())  # fmt: skip


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


@dataclass
class MetricsServer:
    http: Any
    folder: Path

    def stop(self) -> None:
        if self.http is not None:
            self.http.shutdown()
        shutil.rmtree(self.folder, ignore_errors=True)


def serve(port: int, database_url: str, redis_url: str, stream: str, group: str) -> MetricsServer:
    """Switches this process (and the pool processes it forks) to multiprocess values and serves them with
    the scrape-time figures on `port`."""
    # A folder of this worker's own: files of an earlier run, or of another worker, would be summed in.
    folder = Path(tempfile.mkdtemp(prefix="ladder-worker-metrics-", dir=os.environ.get(MULTIPROC_ENV) or None))
    os.environ[MULTIPROC_ENV] = str(folder)
    # prometheus_client picks the value class when it is first imported; the worker may have imported it
    # before this ran, so the choice is made again here, before any wave metric exists.
    values.ValueClass = values.MultiProcessValue()  # type: ignore[no-untyped-call]
    wave_metrics.cache_clear()
    wave_metrics()
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(folder))  # type: ignore[no-untyped-call]
    registry.register(LadderCollector(database_url, redis_url, stream, group))
    try:
        http, _ = start_http_server(port, registry=registry)
    except OSError as exc:
        # A second worker on the same host with the same port: it runs, unmeasured, rather than not at all.
        log.error("worker metrics not served: port %s is not free (%s); give each worker its own", port, exc)
        return MetricsServer(None, folder)
    log.info("worker metrics on port %s (multiprocess folder %s)", port, folder)
    return MetricsServer(http, folder)
