"""A reconcile looks its due events' Revel orders up in one call (`local_id__in`), so each sync
skips its own lookup; where Revel refuses or ignores that filter, or an order already exists, the
syncs look up one by one and nothing is ever created twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import FAST
from tests.fixtures.harness import Connector, running_connector
from tests.fixtures.sandbox_api import create_event, orders_for, revel_totals, stats, ts_totals
from tests.fixtures.waiting import wait_for
from tripleseat_revel.sandbox import catalog
from tripleseat_revel.sandbox.faults import RateLimitSettings
from tripleseat_revel.sandbox.revel.seed import est_uri
from tripleseat_revel.sandbox.server import SandboxServer
from tripleseat_revel.sandbox.world import SandboxWorld

pytestmark = pytest.mark.e2e

LINES = [
    {"menu_item_id": catalog.MENU_BY_ID[5001].menu_item_id, "quantity": 30},
    {"menu_item_id": catalog.MENU_BY_ID[5003].menu_item_id, "quantity": 12},
]


@pytest.fixture
def world() -> SandboxWorld:
    # No seeded events: every order in Revel is one this test made.
    return SandboxWorld(
        seed=42,
        empty=True,
        tripleseat_rate_limit=RateLimitSettings(limit=200, window_seconds=1),
        revel_rate_limit=RateLimitSettings(limit=1000, window_seconds=1),
    )


def _due_events(sandbox: SandboxServer, n: int) -> list[dict[str, Any]]:
    return [create_event(sandbox, name=f"Lunch {i}", items=LINES, payments="deposit") for i in range(n)]


def _order_lookups(sandbox: SandboxServer) -> int:
    routes = stats(sandbox)["revel"]["routes"]
    return sum(r["count"] for r in routes if r["method"] == "GET" and r["route"] == "/resources/Order/")


def _bulk(connector: Connector) -> dict[str, Any]:
    response = connector.http.post("/api/sync/tripleseat", params={"hours_back": 48})
    assert response.status_code == 200, response.text
    return dict(response.json())


def _revel_settings(sandbox: SandboxServer, **changes: Any) -> None:
    response = httpx.put(f"{sandbox.revel_url}/_sandbox/settings", json=changes, timeout=30)
    assert response.status_code == 200, response.text


def _assert_one_complete_order_each(sandbox: SandboxServer, events: list[dict[str, Any]]) -> None:
    for event in events:
        (order,) = orders_for(sandbox, event["id"])
        assert len(order["items"]) == len(LINES)
        assert revel_totals(order) == ts_totals(event)
        assert len(order["payments"]) == 1


def _first_order(connector: Connector, sandbox: SandboxServer) -> list[dict[str, Any]]:
    """One event injected on its own: the order the batch lookup checks its answers against."""
    first = _due_events(sandbox, 1)
    assert connector.sync(first[0]["id"]).json()["events"][0]["outcome"] == "INJECTED"
    return first


def test_one_lookup_call_serves_every_due_event_of_the_reconcile(
    connector: Connector, sandbox: SandboxServer
) -> None:
    first = _first_order(connector, sandbox)
    before = _order_lookups(sandbox)
    events = _due_events(sandbox, 5)

    body = _bulk(connector)

    assert body["summary"]["injected"] == 6, body  # the first one is reported too (unchanged)
    _assert_one_complete_order_each(sandbox, first + events)
    assert _order_lookups(sandbox) - before == 1  # the batch; no sync looked its order up alone
    audit = connector.http.get(f"/api/events/{events[0]['id']}").json()["audit"]
    assert any("at the reconcile's lookup" in a["message"] for a in audit), audit


def _half_written_order(sandbox: SandboxServer, event: dict[str, Any]) -> None:
    """An Order without items or totals, left by someone else (the replaced system)."""
    sandbox.world.revel.insert(
        "Order",
        {
            "establishment": est_uri(8),
            "created_by": "/enterprise/User/1/",
            "updated_by": "/enterprise/User/1/",
            "created_at": "/resources/PosStation/4/",
            "local_id": f"Triple Seat {event['id']}",
            "dining_option": 113,
            "web_order": True,
        },
    )


@pytest.mark.parametrize("refusal", ["error", "ignore", "nothing"])
def test_a_revel_without_local_id_in_costs_one_wasted_call_and_no_duplicate(
    connector: Connector, sandbox: SandboxServer, refusal: str
) -> None:
    first = _first_order(connector, sandbox)
    _revel_settings(sandbox, unfilterable=["Order.local_id__in"], unknown_filter=refusal)
    before = _order_lookups(sandbox)
    events = _due_events(sandbox, 4)
    _half_written_order(sandbox, events[2])

    body = _bulk(connector)

    assert body["summary"]["injected"] == 5, body  # the first one is reported too (unchanged)
    _assert_one_complete_order_each(sandbox, first + events)
    # "error": Revel answers 400. "ignore": the answer holds every order. "nothing": the answer
    # lacks the first event's order, which Revel has. None is trusted: each sync looks up alone,
    # and the half-written order is found and completed, not duplicated.
    assert _order_lookups(sandbox) - before == 1 + 4


@pytest.mark.parametrize(("refusal", "lookups"), [(None, 1 + 1 + 1), ("nothing", 1 + 1 + 3)])
def test_with_no_order_of_ours_yet_the_check_is_an_order_revel_has(
    connector: Connector, sandbox: SandboxServer, refusal: str | None, lookups: int
) -> None:
    # The day of the switch-over: nothing in the ledger to check a batch answer against, and the
    # replaced system's orders about. The reconcile borrows one of Revel's orders as its check
    # (one call): with a Revel that reads the filter, the batch is trusted and only the event with
    # an order looks up alone; with one that misreads it, every sync does. No duplicate either way.
    if refusal:
        _revel_settings(sandbox, unfilterable=["Order.local_id__in"], unknown_filter=refusal)
    events = _due_events(sandbox, 3)
    _half_written_order(sandbox, events[1])

    body = _bulk(connector)

    assert body["summary"]["injected"] == 3, body
    _assert_one_complete_order_each(sandbox, events)
    assert _order_lookups(sandbox) == lookups  # the borrowed order, the batch, the syncs' own


def test_an_order_already_in_revel_is_completed_not_duplicated(
    connector: Connector, sandbox: SandboxServer
) -> None:
    first = _first_order(connector, sandbox)
    before = _order_lookups(sandbox)
    events = _due_events(sandbox, 3)
    legacy = events[1]
    _half_written_order(sandbox, legacy)

    body = _bulk(connector)

    assert body["summary"]["injected"] == 4, body
    _assert_one_complete_order_each(sandbox, first + events)
    assert _order_lookups(sandbox) - before == 1 + 1  # the batch, and the legacy event's own lookup
    audit = connector.http.get(f"/api/events/{legacy['id']}").json()["audit"]
    assert any(a["kind"] == "revel.order.found" for a in audit), audit


def test_the_batch_lookup_can_be_switched_off(sandbox: SandboxServer, tmp_path: Path) -> None:
    with running_connector(sandbox, tmp_path, REVEL_BATCH_LOOKUP="false", **FAST) as connector:
        first = _first_order(connector, sandbox)
        before = _order_lookups(sandbox)
        events = _due_events(sandbox, 3)
        body = _bulk(connector)

    assert body["summary"]["injected"] == 4, body
    _assert_one_complete_order_each(sandbox, first + events)
    assert _order_lookups(sandbox) - before == 3


def _outcome(connector: Connector, event_id: int) -> str | None:
    outcome = connector.http.get(f"/api/events/{event_id}").json().get("outcome")
    return str(outcome) if outcome else None


def test_webhooks_arriving_together_share_one_lookup(sandbox: SandboxServer, tmp_path: Path) -> None:
    # A window wide enough that syncs started by one poll of the queue always meet in it.
    with running_connector(
        sandbox, tmp_path, REVEL_LOOKUP_COALESCE_MS="500", SYNC_CONCURRENCY="8", **FAST
    ) as connector:
        first = _first_order(connector, sandbox)
        before = _order_lookups(sandbox)
        events = _due_events(sandbox, 4)
        body = {
            "event_ids": [e["id"] for e in events],
            "target_url": f"{connector.web.url}/webhooks/tripleseat",
        }
        assert httpx.post(
            f"{sandbox.tripleseat_url}/_sandbox/webhooks/fire", json=body, timeout=30
        ).is_success
        wait_for(
            lambda: all(_outcome(connector, e["id"]) == "INJECTED" for e in events), 60, "the webhook syncs"
        )
        audits = [connector.http.get(f"/api/events/{e['id']}").json()["audit"] for e in events]

    _assert_one_complete_order_each(sandbox, first + events)
    assert _order_lookups(sandbox) - before < len(events)  # not one lookup per webhook
    assert any("a lookup shared by syncs" in a["message"] for audit in audits for a in audit), audits
