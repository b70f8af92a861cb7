"""Prometheus metrics of this process (prometheus_client), served by the web module.

The daemon is one process with threads, so one per-process registry is right (the
multiprocess mode is for pre-forking servers). What lives in the database (alerts by topic,
deliveries, pending deliveries, corpus size, feed states) is read at scrape time by
`claimwatch.web.metrics.DatabaseCollector`, so those numbers are true across restarts and
across instances sharing PostgreSQL; the counters here are what this process did since it
started.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.process_collector import ProcessCollector

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)

POLLS = Counter(
    "claimwatch_polls", "Feed polls by outcome (ok, not-modified, error).", ["outcome"],
    registry=REGISTRY,
)
ARTICLES = Counter(
    "claimwatch_articles", "New articles judged by this process, by result "
    "(alerted, quiet, duplicate, replay).", ["result"], registry=REGISTRY,
)
DELIVERIES = Counter(
    "claimwatch_delivery_attempts", "Delivery attempts by notifier and outcome (sent, failed).",
    ["notifier", "outcome"], registry=REGISTRY,
)
STAGE = Histogram(
    "claimwatch_stage_seconds", "Time spent per stage (fetch_feed, fetch_page, extract, "
    "evaluate, record, deliver).", ["stage"], registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)


@contextmanager
def timed(stage: str) -> Iterator[None]:
    """Observe how long the block takes under `stage` (also when it raises)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        STAGE.labels(stage).observe(time.perf_counter() - start)
