"""/metrics: this process's counters plus what the database holds, read at scrape time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func
from sqlmodel import select

from claimwatch import metrics
from claimwatch.storage.tables import AlertRow, ArticleRow, ClaimRow, DeliveryRow, FeedRow

if TYPE_CHECKING:
    from claimwatch.monitor import Monitor


class _Registry(Collector):
    """Another registry's metrics, so the process counters join the database ones."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterator[Metric]:
        yield from self.registry.collect()


class DatabaseCollector(Collector):
    """Alerts by topic, deliveries by notifier and state, pending deliveries, corpus size
    and feed states, counted in the database when Prometheus asks."""

    def __init__(self, monitor: Monitor) -> None:
        self.monitor = monitor

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("claimwatch_database_up", "1 when the database answered the scrape.")
        try:
            found = list(self._collect())
        except Exception:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from found

    def _collect(self) -> Iterator[Metric]:
        notifiers = self.monitor.notifiers
        with self.monitor.store.session() as s:
            alerts = CounterMetricFamily("claimwatch_alerts", "Alerts raised (all instances, "
                                         "since the database began), by kind and topic.",
                                         labels=["kind", "topic"])
            q = select(AlertRow.kind, AlertRow.topic_id, func.count()).group_by(
                AlertRow.kind, AlertRow.topic_id)
            for kind, topic, n in s.exec(q):
                alerts.add_metric([kind, topic], n)
            yield alerts

            deliveries = GaugeMetricFamily("claimwatch_deliveries", "Outbox rows by notifier "
                                           "and status (pending, sent, failed).",
                                           labels=["notifier", "status"])
            pending = 0
            q2 = select(DeliveryRow.notifier, DeliveryRow.status, func.count()).group_by(
                DeliveryRow.notifier, DeliveryRow.status)
            for key, status, n in s.exec(q2):
                deliveries.add_metric([notifiers.label(key), status], n)
                pending += n if status == "pending" else 0
            yield deliveries
            yield GaugeMetricFamily("claimwatch_pending_deliveries",
                                    "Deliveries waiting to be sent or retried.", value=pending)

            articles = s.exec(select(func.count()).select_from(ArticleRow)).one()
            claims = s.exec(select(func.count()).select_from(ClaimRow)).one()
            yield GaugeMetricFamily("claimwatch_corpus_articles",
                                    "Articles in the corpus (seeds included).", value=articles)
            yield GaugeMetricFamily("claimwatch_corpus_claims", "Claims stored in the corpus.",
                                    value=claims)

            feeds = GaugeMetricFamily("claimwatch_feeds", "Feeds by state.", labels=["state"])
            counts = {"ok": 0, "failing": 0, "new": 0, "disabled": 0}
            for enabled, errors, checked in s.exec(
                    select(FeedRow.enabled, FeedRow.error_count, FeedRow.last_checked_at)):
                state = ("disabled" if not enabled else "new" if checked is None
                         else "failing" if errors else "ok")
                counts[state] += 1
            for state, n in counts.items():
                feeds.add_metric([state], n)
            yield feeds


def registry_for(monitor: Monitor) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(_Registry(metrics.REGISTRY))
    registry.register(DatabaseCollector(monitor))
    return registry
