"""Prometheus metrics (served at /metrics); module-level, so every layer shares one registry."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

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
QUEUE_DEPTH = Gauge("tsr_sync_queue_depth", "Syncs waiting in the queue")
OLDEST_PENDING = Gauge("tsr_sync_oldest_pending_seconds", "Age of the oldest queued sync")


def observe_vendor_call(vendor: str, endpoint: str, status: str, seconds: float) -> None:
    VENDOR_CALLS.labels(vendor, endpoint, status).inc()
    VENDOR_LATENCY.labels(vendor, endpoint).observe(seconds)
