"""Prometheus metrics (served at /metrics) and the observers that feed them.

Module-level, so every layer shares one registry. Each vendor call is counted, timed and logged on
one line by the call observers (the line carries the correlation id bound around the webhook or
sync that made it); rate-limit waits are counted by `MeteredLimiter`; the sync queue's depth and
the age of its oldest request are read from the `sync_pending` table when /metrics is scraped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import sqlalchemy as sa
from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from tripleseat_revel.db import Database
from tripleseat_revel.kit.ratelimit import RateLimiter
from tripleseat_revel.logging import get_logger
from tripleseat_revel.models import SyncPending

log = get_logger(__name__)

WEBHOOKS_RECEIVED = Counter(
    "tsr_webhooks_received_total", "TripleSeat webhook deliveries accepted", ["trigger", "result"]
)
WEBHOOKS_REJECTED = Counter("tsr_webhooks_rejected_total", "Webhook deliveries rejected", ["reason"])
SYNCS = Counter("tsr_syncs_total", "Event syncs finished, by outcome", ["outcome", "bucket"])
VENDOR_CALLS = Counter("tsr_vendor_calls_total", "Calls to vendor APIs", ["vendor", "endpoint", "status"])
VENDOR_LATENCY = Histogram(
    "tsr_vendor_call_seconds",
    "Vendor API call latency",
    ["vendor", "endpoint"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
RATE_LIMIT_WAIT = Counter(
    "tsr_rate_limit_wait_seconds_total", "Time spent waiting for a vendor rate limit", ["vendor"]
)
RATE_LIMIT_WAITS = Counter(
    "tsr_rate_limit_waits_total", "Vendor calls that had to wait for a rate-limit slot", ["vendor"]
)
EMAILS = Counter("tsr_emails_total", "Notification emails, by kind and result", ["kind", "result"])
AUTH_FAILURES = Counter(
    "tsr_auth_failures_total", "Wrong admin tokens presented, by door (login, bearer)", ["via"]
)
AUTH_THROTTLED = Counter(
    "tsr_auth_throttled_total", "Attempts refused (429) for too many recent failures", ["via"]
)


def observe_vendor_call(vendor: str, endpoint: str, status: str, seconds: float) -> None:
    VENDOR_CALLS.labels(vendor, endpoint, status).inc()
    VENDOR_LATENCY.labels(vendor, endpoint).observe(seconds)


def log_vendor_call(vendor: str, endpoint: str, status: str, seconds: float) -> None:
    """One log line per vendor call (endpoint templates only: no ids, bodies or secrets)."""
    log.info("vendor.call", vendor=vendor, endpoint=endpoint, status=status, ms=round(seconds * 1000, 1))


def observe_call(vendor: str, endpoint: str, status: str, seconds: float) -> None:
    """The vendor clients' call observer: counted, timed and logged on one line."""
    observe_vendor_call(vendor, endpoint, status, seconds)
    log_vendor_call(vendor, endpoint, status, seconds)


# ---- rate limits --------------------------------------------------------------------------------


class MeteredLimiter:
    """A rate limiter that counts how often, and how long, calls waited for their slot."""

    def __init__(self, inner: RateLimiter, vendor: str) -> None:
        self.inner = inner
        self.vendor = vendor

    def acquire(self) -> float:
        waited = self.inner.acquire()
        if waited > 0:
            RATE_LIMIT_WAITS.labels(self.vendor).inc()
            RATE_LIMIT_WAIT.labels(self.vendor).inc(waited)
        return waited


# ---- the sync queue, read at scrape time -----------------------------------------------------------


class QueueCollector(Collector):
    """Queue depth and the oldest pending sync's age, from `sync_pending` (one row per queued,
    not yet started sync: its first step deletes the row)."""

    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.db: Database | None = None
        self.clock = clock

    def describe(self) -> Iterator[Metric]:
        yield from self._families(None)

    def collect(self) -> Iterator[Metric]:
        yield from self._families(self._snapshot())

    def _families(self, snapshot: tuple[int, float] | None) -> Iterator[Metric]:
        depth = GaugeMetricFamily("tsr_sync_queue_depth", "Syncs requested and not started yet")
        oldest = GaugeMetricFamily(
            "tsr_sync_oldest_pending_seconds", "Age of the oldest sync not started yet"
        )
        if snapshot is not None:
            depth.add_metric([], snapshot[0])
            oldest.add_metric([], snapshot[1])
        yield depth
        yield oldest

    def _snapshot(self) -> tuple[int, float] | None:
        if self.db is None:
            return None
        query = sa.select(sa.func.count(), sa.func.min(SyncPending.requested_at))
        try:
            with self.db.session() as session:
                count, first = session.execute(query).one()
        except sa.exc.SQLAlchemyError as exc:
            log.warning("metrics.queue_unavailable", error=type(exc).__name__)
            return None
        age = (self.clock() - first).total_seconds() if first is not None else 0.0
        return int(count), max(0.0, age)


QUEUE = QueueCollector()
REGISTRY.register(QUEUE)


def watch_queue(db: Database) -> None:
    """Report this database's sync queue at /metrics."""
    QUEUE.db = db
