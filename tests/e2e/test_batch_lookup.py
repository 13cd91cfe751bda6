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
from tripleseat_revel.sandbox import catalog
from tripleseat_revel.sandbox.revel.seed import est_uri
from tripleseat_revel.sandbox.server import SandboxServer
from tripleseat_revel.sandbox.world import RateLimitSettings, SandboxWorld

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


def test_one_lookup_call_serves_every_due_event_of_the_reconcile(
    connector: Connector, sandbox: SandboxServer
) -> None:
    events = _due_events(sandbox, 5)

    body = _bulk(connector)

    assert body["summary"]["injected"] == 5, body
    _assert_one_complete_order_each(sandbox, events)
    assert _order_lookups(sandbox) == 1  # the batch; no sync looked its order up alone
    audit = connector.http.get(f"/api/events/{events[0]['id']}").json()["audit"]
    assert any("at the reconcile's lookup" in a["message"] for a in audit), audit


@pytest.mark.parametrize("refusal", ["error", "ignore"])
def test_a_revel_without_local_id_in_costs_one_wasted_call_and_no_duplicate(
    connector: Connector, sandbox: SandboxServer, refusal: str
) -> None:
    first = _due_events(sandbox, 1)
    assert connector.sync(first[0]["id"]).json()["events"][0]["outcome"] == "INJECTED"
    _revel_settings(sandbox, unfilterable=["Order.local_id__in"], unknown_filter=refusal)
    before = _order_lookups(sandbox)
    events = _due_events(sandbox, 4)

    body = _bulk(connector)

    assert body["summary"]["injected"] == 5, body  # the first one is reported too (unchanged)
    _assert_one_complete_order_each(sandbox, first + events)
    # "error": Revel answers 400; "ignore": the answer holds the first event's order too, so it
    # is not trusted. Either way each sync looks its own order up.
    assert _order_lookups(sandbox) - before == 1 + 4


def test_an_order_already_in_revel_is_completed_not_duplicated(
    connector: Connector, sandbox: SandboxServer
) -> None:
    events = _due_events(sandbox, 3)
    legacy = events[1]
    # Left half-written by someone else (the replaced system): an Order without items or totals.
    sandbox.world.revel.insert(
        "Order",
        {
            "establishment": est_uri(8),
            "created_by": "/enterprise/User/1/",
            "updated_by": "/enterprise/User/1/",
            "created_at": "/resources/PosStation/4/",
            "local_id": f"Triple Seat {legacy['id']}",
            "dining_option": 113,
            "web_order": True,
        },
    )

    body = _bulk(connector)

    assert body["summary"]["injected"] == 3, body
    _assert_one_complete_order_each(sandbox, events)
    assert _order_lookups(sandbox) == 1 + 1  # the batch, and the legacy event's own lookup
    audit = connector.http.get(f"/api/events/{legacy['id']}").json()["audit"]
    assert any(a["kind"] == "revel.order.found" for a in audit), audit


def test_the_batch_lookup_can_be_switched_off(sandbox: SandboxServer, tmp_path: Path) -> None:
    events = _due_events(sandbox, 3)
    with running_connector(sandbox, tmp_path, REVEL_BATCH_LOOKUP="false", **FAST) as connector:
        body = _bulk(connector)

    assert body["summary"]["injected"] == 3, body
    _assert_one_complete_order_each(sandbox, events)
    assert _order_lookups(sandbox) == 3
