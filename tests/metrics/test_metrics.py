"""/metrics: the counters move by the right amounts; the queue gauges are read at scrape time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from tests.fixtures.events import due_event
from tests.fixtures.harness import Connector
from tests.web.dashboard.conftest import build
from tripleseat_revel import metrics
from tripleseat_revel.integrations.tripleseat.webhooks import sign
from tripleseat_revel.models import SyncPending
from tripleseat_revel.sandbox.server import SandboxServer

Sample = tuple[str, tuple[tuple[str, str], ...]]


def scrape(url: str) -> dict[Sample, float]:
    text = httpx.get(f"{url}/metrics", timeout=30).text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def moved(before: dict[Sample, float], after: dict[Sample, float], name: str, **labels: str) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


def _webhook(connector: Connector, event_id: int, key: str = "sandbox-signing-key") -> httpx.Response:
    body = json.dumps({"webhook_trigger_type": "UPDATE_EVENT", "event": {"id": event_id}}).encode()
    headers = {"X-Signature": sign(body, key)}
    return httpx.post(f"{connector.web.url}/webhooks/tripleseat", content=body, headers=headers, timeout=30)


@pytest.mark.e2e
def test_a_synced_webhook_moves_each_counter_by_what_it_did(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event = due_event(sandbox)  # three items, a discount and a deposit: one order, 3 items, 1 payment
    before = scrape(connector.web.url)

    assert _webhook(connector, event["id"]).status_code == 200
    assert _webhook(connector, event["id"], key="wrong-key").status_code == 401
    connector.wait_idle()
    after = scrape(connector.web.url)

    def revel(endpoint: str, status: str) -> float:
        return moved(
            before, after, "tsr_vendor_calls_total", vendor="revel", endpoint=endpoint, status=status
        )

    assert moved(before, after, "tsr_webhooks_received_total", trigger="UPDATE_EVENT", result="queued") == 1
    assert moved(before, after, "tsr_webhooks_rejected_total", reason="signature_mismatch") == 1
    assert moved(before, after, "tsr_syncs_total", outcome="INJECTED", bucket="injected") == 1
    assert revel("POST /resources/Order/", "201") == 1
    assert revel("POST /resources/OrderItem/", "201") == 3
    assert revel("POST /resources/Payment/", "201") == 1
    assert revel("POST /resources/OrderHistory/", "201") == 1
    assert revel("PATCH /resources/Order/{id}/", "202") == 1
    fetches = moved(
        before,
        after,
        "tsr_vendor_calls_total",
        vendor="tripleseat",
        endpoint="GET /v1/events/{id}.json",
        status="200",
    )
    assert fetches == 1
    latency = moved(
        before, after, "tsr_vendor_call_seconds_count", vendor="revel", endpoint="POST /resources/OrderItem/"
    )
    assert latency == 3
    assert moved(before, after, "tsr_emails_total", kind="success", result="sent") == 1
    assert after[("tsr_sync_queue_depth", ())] == 0
    assert after[("tsr_sync_oldest_pending_seconds", ())] == 0


@pytest.fixture
def queue_from(tmp_path: Path) -> Iterator[metrics.QueueCollector]:
    rt = build(tmp_path)
    saved = (metrics.QUEUE.db, metrics.QUEUE.clock)
    metrics.watch_queue(rt.db)
    try:
        yield metrics.QUEUE
    finally:
        metrics.QUEUE.db, metrics.QUEUE.clock = saved
        rt.close()


def test_queue_depth_and_the_oldest_waiting_sync_are_read_at_scrape_time(
    queue_from: metrics.QueueCollector,
) -> None:
    now = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
    queue_from.clock = lambda: now
    assert queue_from.db is not None
    with queue_from.db.session() as session:
        for event_id, age in ((1, 90), (2, 30), (3, 5)):
            requested = now - timedelta(seconds=age)
            session.add(
                SyncPending(event_id=event_id, workflow_id=f"w{event_id}", source="t", requested_at=requested)
            )

    assert REGISTRY.get_sample_value("tsr_sync_queue_depth") == 3
    assert REGISTRY.get_sample_value("tsr_sync_oldest_pending_seconds") == 90


def test_an_unreadable_queue_leaves_the_gauges_out_instead_of_failing_the_scrape(
    queue_from: metrics.QueueCollector,
) -> None:
    assert queue_from.db is not None
    queue_from.db.engine.dispose()
    with queue_from.db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE sync_pending")

    assert REGISTRY.get_sample_value("tsr_sync_queue_depth") is None
    assert b"tsr_syncs_total" in generate_latest()  # the rest of the scrape still works


class _Waits:
    def __init__(self, *waits: float) -> None:
        self.waits = list(waits)

    def acquire(self) -> float:
        return self.waits.pop(0)


def test_rate_limit_waits_are_counted_per_vendor() -> None:
    def value(name: str) -> float:
        return REGISTRY.get_sample_value(name, {"vendor": "revel-test"}) or 0.0

    limiter = metrics.MeteredLimiter(_Waits(0.0, 0.25, 1.5), "revel-test")

    waited = [limiter.acquire() for _ in range(3)]

    assert waited == [0.0, 0.25, 1.5]
    assert value("tsr_rate_limit_waits_total") == 2
    assert value("tsr_rate_limit_wait_seconds_total") == 1.75


def test_the_runtime_builds_each_vendor_client_metered_and_observed(tmp_path: Path) -> None:
    rt = build(tmp_path)
    try:
        for vendor, client in (("tripleseat", rt.tripleseat), ("revel", rt.revel)):
            assert isinstance(client.limiter, metrics.MeteredLimiter) and client.limiter.vendor == vendor
            labels = {"vendor": vendor, "endpoint": "GET /observed", "status": "200"}
            before = REGISTRY.get_sample_value("tsr_vendor_calls_total", labels) or 0.0
            assert client.observer is not None
            client.observer(vendor, "GET /observed", "200", 0.01)  # what the client calls after each call
            assert REGISTRY.get_sample_value("tsr_vendor_calls_total", labels) == before + 1
    finally:
        rt.close()
