"""The bot's Prometheus metrics, served on BOT_METRICS_PORT (0: not served) from prometheus_client's own
thread, so a scrape never waits on the event loop nor the loop on a scrape.

Counted where they happen (a delivery, a delivery given up); the health gauges are read at scrape time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from bot.health import BotHealth
from db.events import Event

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry()

DELIVERED = Counter(
    "ladder_deliveries", "Events shown to a player (or the admins' channel), by the path that showed them",
    ["path", "type"], registry=REGISTRY,
)  # fmt: skip
LATENCY = Histogram(
    "ladder_delivery_latency_seconds",
    "From an event's outbox row written to Discord's answer to the call that showed it",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0),
    registry=REGISTRY,
)
GIVEN_UP = Counter(
    "ladder_deliveries_given_up", "Events the bot gave up showing a player after every path and retry",
    registry=REGISTRY,
)  # fmt: skip


def delivered(event: Event, path: str) -> None:
    DELIVERED.labels(path, event.type).inc()
    if event.created_at is not None:
        LATENCY.observe(max(0.0, time.time() - event.created_at))


def given_up(count: int = 1) -> None:
    GIVEN_UP.inc(count)


class BotCollector:
    """The gauges read when Prometheus scrapes: the gateway, the listener, the stream consumer's counts."""

    def __init__(self, health: BotHealth, consumer: Any) -> None:
        self._health = health
        self._consumer = consumer

    def collect(self) -> Iterator[Metric]:
        health = self._health
        yield GaugeMetricFamily("ladder_bot_gateway_connected", "1 while the Discord gateway is connected",
                                value=int(health.gateway_connected))  # fmt: skip
        yield CounterMetricFamily("ladder_bot_gateway_drops", "Times the gateway connection dropped",
                                  value=health.gateway_drops)  # fmt: skip
        yield GaugeMetricFamily("ladder_bot_listener_alive", "1 while the stream listener task runs",
                                value=int(health.listener_alive))  # fmt: skip
        yield CounterMetricFamily("ladder_events_handled", "Stream events the listener handled",
                                  value=getattr(self._consumer, "handled_count", 0))  # fmt: skip
        yield CounterMetricFamily("ladder_events_duplicates_skipped", "Stream events skipped as already handled",
                                  value=getattr(self._consumer, "duplicates_skipped", 0))  # fmt: skip
        yield CounterMetricFamily("ladder_events_malformed", "Stream entries off the event contract, dropped",
                                  value=getattr(self._consumer, "malformed_count", 0))  # fmt: skip


def serve(port: int, health: BotHealth, consumer: Any) -> Any:
    """Starts the metrics server's thread; returns the server (to shut down), or None when the port is taken."""
    REGISTRY.register(BotCollector(health, consumer))
    try:
        server, _ = start_http_server(port, registry=REGISTRY)
    except OSError as exc:
        log.error("bot metrics not served: port %s is not free (%s)", port, exc)
        return None
    log.info("bot metrics on port %s", port)
    return server
