"""The main job end to end: connector and simulators talking real HTTP on localhost."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import FAST
from tests.fixtures.events import DINNER
from tests.fixtures.events import due_event as _event
from tests.fixtures.events import expected_rows as _expected_rows
from tests.fixtures.events import item_rows as _item_rows
from tests.fixtures.harness import Connector, running_connector
from tests.fixtures.sandbox_api import (
    change_event,
    money,
    orders_for,
    revel_totals,
    set_faults,
    ts_totals,
    writes,
)
from tripleseat_revel.integrations.revel.schemas import id_from_uri
from tripleseat_revel.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e


def revel_requests(sandbox: SandboxServer) -> int:
    return int(httpx.get(f"{sandbox.revel_url}/_sandbox/stats").json()["revel"]["total"])


def _sync_ok(connector: Connector, event_id: int) -> dict[str, Any]:
    response = connector.sync(event_id)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_due_event_gets_one_order_with_exactly_the_planned_items_and_totals(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event = _event(sandbox)
    body = _sync_ok(connector, event["id"])

    assert body["mode"] == "single"
    assert body["summary"] == {"queried": 1, "injected": 1, "skipped": 0, "failed": 0}
    (result,) = body["events"]
    assert result["outcome"] == "INJECTED"
    (order,) = orders_for(sandbox, event["id"])
    assert result["revel_order_id"] == order["id"]
    assert _item_rows(order) == _expected_rows(event)  # TripleSeat prices, not Revel's
    assert revel_totals(order) == ts_totals(event)
    assert money(order["remaining_due"]) == money(event["documents"][0]["financials"]["amount_due"])
    assert order["payments"][0]["payment_type"] == 236
    assert len(order["history"]) == 1
    assert "Triple Seat Event #" in order["notes"] and "Jane Smith" in order["notes"]
    assert order["call_name"] == "Jane Smith"
    assert order["dining_option"] == 113


def test_ten_concurrent_triggers_make_one_order(connector: Connector, sandbox: SandboxServer) -> None:
    event = _event(sandbox)
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        responses = list(pool.map(lambda _: connector.sync(event["id"]), range(10)))

    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    assert len(orders_for(sandbox, event["id"])) == 1
    order_posts = [
        w
        for w in writes(sandbox, "Order", "POST")
        if w["body"].get("local_id") == f"Triple Seat {event['id']}"
    ]
    assert len(order_posts) == 1
    outcomes = {r.json()["events"][0]["outcome"] for r in responses}
    assert outcomes <= {"INJECTED", "ALREADY_INJECTED"}


def test_lost_responses_after_writes_still_make_one_complete_order(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event = _event(sandbox)
    set_faults(sandbox, "revel", lost_response_rate=1.0, lost_response_mode="502")

    body = _sync_ok(connector, event["id"])

    assert body["events"][0]["outcome"] == "INJECTED", body
    (order,) = orders_for(sandbox, event["id"])
    assert _item_rows(order) == _expected_rows(event)
    assert revel_totals(order) == ts_totals(event)
    assert len(order["payments"]) == 1 and len(order["history"]) == 1


@pytest.mark.parametrize(
    ("overrides", "outcome", "reason"),
    [
        ({"event_date": "today+3"}, "SKIPPED_TOO_EARLY", "due on"),
        ({"status": "DEFINITE"}, "SKIPPED_STATUS", "status DEFINITE"),
        (
            {"items": [{"name": "Ice Sculpture (custom)", "quantity": 1, "price": "450"}]},
            "FAILED_UNMAPPED",
            "Ice Sculpture",
        ),
        ({"event_date": "today-2"}, "MISSED", "has passed"),
        ({"location_id": 20289}, "SKIPPED_UNKNOWN_LOCATION", "20289"),
    ],
    ids=["too-early", "wrong-status", "unmapped", "past-day", "unknown-location"],
)
def test_events_that_must_not_be_injected_get_no_order_and_the_right_reason(
    connector: Connector, sandbox: SandboxServer, overrides: dict[str, Any], outcome: str, reason: str
) -> None:
    event = _event(sandbox, **overrides)
    body = connector.sync(event["id"]).json()

    (result,) = body["events"]
    assert result["outcome"] == outcome
    assert reason in result["reason"]
    assert orders_for(sandbox, event["id"]) == []
    state = connector.http.get(f"/api/events/{event['id']}").json()
    assert state["outcome"] == outcome and reason in state["reason"]
    assert state["audit"][0]["kind"] == "sync.started"


def test_an_event_without_a_webhook_is_injected_by_the_reconcile_alone(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    event = _event(sandbox, name="Quiet Booking (no webhook)")
    # The reconcile syncs the whole seeded corpus (~100 events): the API waits for its result
    # however long that takes here, instead of answering 202 after the default 20 s.
    with running_connector(sandbox, tmp_path, SYNC_WAIT_SECONDS="280", **FAST) as connector:
        response = connector.http.post("/api/sync/tripleseat", params={"hours_back": 48}, timeout=290)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["mode"] == "bulk"
    ours = [e for e in body["events"] if e["id"] == event["id"]]
    assert ours and ours[0]["outcome"] == "INJECTED"
    assert len(orders_for(sandbox, event["id"])) == 1
    assert body["summary"]["queried"] >= body["summary"]["injected"] >= 1


def test_unchanged_event_costs_no_revel_call_on_resync(connector: Connector, sandbox: SandboxServer) -> None:
    event = _event(sandbox)
    _sync_ok(connector, event["id"])
    before = revel_requests(sandbox)

    body = _sync_ok(connector, event["id"])

    after = revel_requests(sandbox)
    assert body["events"][0]["outcome"] == "ALREADY_INJECTED"
    assert after == before


def test_change_after_injection_is_drift_with_a_readable_diff(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event = _event(sandbox)
    _sync_ok(connector, event["id"])
    change_event(
        sandbox, event["id"], guest_count=55, items=[{"menu_item_id": DINNER.menu_item_id, "quantity": 55}]
    )

    body = _sync_ok(connector, event["id"])

    (result,) = body["events"]
    assert result["outcome"] == "DRIFT"
    assert "guests: 20 -> 55" in result["reason"]
    assert f"added: 55 x {DINNER.name}" in result["reason"]
    assert len(orders_for(sandbox, event["id"])) == 1  # alert only: the order is left alone


def test_lost_after_injection_is_a_drift_alert(connector: Connector, sandbox: SandboxServer) -> None:
    event = _event(sandbox)
    _sync_ok(connector, event["id"])
    change_event(sandbox, event["id"], status="LOST")

    result = _sync_ok(connector, event["id"])["events"][0]

    assert result["outcome"] == "DRIFT"
    assert "LOST" in result["reason"]


def test_dry_run_plans_without_writing(connector: Connector, sandbox: SandboxServer) -> None:
    event = _event(sandbox)
    body = connector.sync(event["id"], dry_run="true").json()

    (result,) = body["events"]
    assert result["outcome"] == "WOULD_INJECT"
    assert result["plan"]["totals"]["final_total"] == str(ts_totals(event)["final_total"])
    assert orders_for(sandbox, event["id"]) == []
    assert writes(sandbox, "Order", "POST") == []


def test_location_override_sends_to_the_test_establishment_with_its_own_local_id(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event = _event(sandbox)
    assert connector.http.put("/api/switches", json={"LOCATION_OVERRIDE": True}).status_code == 200

    _sync_ok(connector, event["id"])

    assert orders_for(sandbox, event["id"]) == []
    (order,) = orders_for(sandbox, event["id"], prefix="Triple Seat TEST")
    assert id_from_uri(order["establishment"]) == 4
    assert _item_rows(order) == _expected_rows(event, est=4)


def test_every_injected_order_of_the_seeded_corpus_matches_tripleseat_to_the_cent(
    connector: Connector, sandbox: SandboxServer
) -> None:
    ts = httpx.Client(base_url=sandbox.tripleseat_url, timeout=60)
    todays = ts.get("/_sandbox/events", params={"date": "today", "status": "CLOSED"}).json()["events"]
    assert len(todays) >= 9
    for summary in todays:
        connector.sync(summary["id"])

    checked = 0
    for summary in todays:
        orders = orders_for(sandbox, summary["id"])
        event = ts.get(f"/_sandbox/events/{summary['id']}").json()["event"]
        state = connector.http.get(f"/api/events/{summary['id']}").json()
        if state["outcome"] != "INJECTED":
            assert orders == [] or state["outcome"] == "ALREADY_INJECTED", state
            continue
        (order,) = orders
        assert revel_totals(order) == ts_totals(event), summary
        checked += 1
    assert checked >= 6
