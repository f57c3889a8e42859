"""Prometheus metrics of the app and its workers (prometheus-client).

With several server processes, `PROMETHEUS_MULTIPROC_DIR` (set by `make run` and the container) makes every
process write its samples to files in that folder, and /metrics adds them up; without it, this process's
own registry is served. Gauges that describe the present (queue depth, pool use) are collected when
scraped, by `PresentCollector`, never stored.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter("metaic_http_requests", "HTTP requests answered, per route template", ["route", "method", "status"])
LATENCY = Histogram(
    "metaic_http_request_duration_seconds",
    "Time to the end of the answer, per route template",
    ["route", "method"],
    buckets=_LATENCY_BUCKETS,
)
CARD_CACHE = Counter("metaic_public_card_cache", "Public card answers from the per-process cache", ["result"])
JOBS = Counter(
    "metaic_jobs", "Background jobs per queue and outcome (enqueued, succeeded, failed)", ["queue", "outcome"]
)
NOTIFICATIONS = Counter(
    "metaic_notification_deliveries", "Notification deliveries per channel and final status", ["channel", "status"]
)
MESSAGES_SENT = Counter("metaic_messages_sent", "Messages handed to a provider, per channel", ["channel"])
AI_TOKENS = Counter("metaic_ai_tokens", "Tokens used by the assistant, per feature", ["feature"])
SEARCH_LATENCY = Histogram(
    "metaic_search_duration_seconds", "Search latency per kind of search", ["kind"], buckets=_LATENCY_BUCKETS
)

Gauges = Callable[[], Iterable[tuple[str, str, dict[str, str], float]]]


class PresentCollector:
    """Gauges read at scrape time from callables returning (name, help, labels, value) tuples."""

    def __init__(self, sources: Iterable[Gauges]) -> None:
        self.sources = list(sources)

    def collect(self):
        """One gauge family per metric name, with every labelled sample the sources gave."""
        families: dict[str, GaugeMetricFamily] = {}
        for source in self.sources:
            for name, doc, labels, value in source():
                family = families.get(name)
                if family is None:
                    family = families[name] = GaugeMetricFamily(name, doc, labels=list(labels))
                family.add_metric(list(labels.values()), value)
        return list(families.values())


def multiprocess_dir() -> str | None:
    """The shared samples folder when several processes report, else None."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def render(present: Iterable[Gauges] = ()) -> bytes:
    """The text exposition of every counter and histogram (all processes) plus the present gauges."""
    if multiprocess_dir():
        stored = CollectorRegistry()
        MultiProcessCollector(stored)
    else:
        stored = REGISTRY
    now = CollectorRegistry()
    now.register(PresentCollector(present))
    return generate_latest(stored) + generate_latest(now)
