"""What the ledger says of an event's order is true of the POS (second review of issue 11): a
voided order is never verified, a drift's advice is never forgotten by a later failure, an amend
writes every field it changes, and what switches, locations and deletions do never erases an
open problem."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.fixtures.connector_api import drifted, ledger_row, pos_edit, synced
from tests.fixtures.events import CRUDITES, DATES, DINNER, EST, UNMAPPED, due_event
from tests.fixtures.harness import Connector
from tests.fixtures.oracle import differences, expected
from tests.fixtures.sandbox_api import change_event, orders_for
from tripleseat_revel.models import EmailLog
from tripleseat_revel.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e
UNCONFIGURED_LOCATION = 20289  # a TripleSeat location the locations file does not list


def _listed(connector: Connector, event_id: int) -> bool:
    return any(p["id"] == event_id for p in connector.http.get("/api/problems").json())


def _lines_of(event: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"menu_item_id": li["menu_item_id"], "quantity": li["quantity"], "price": li["price"]}
        for li in event["documents"][0]["line_items"]
    ]


def test_an_order_voided_at_the_pos_is_never_verified(connector: Connector, sandbox: SandboxServer) -> None:
    event = due_event(sandbox)
    assert synced(connector, event["id"])["outcome"] == "INJECTED"
    change_event(sandbox, event["id"], status="TENTATIVE")
    assert synced(connector, event["id"])["outcome"] == "DRIFT"
    (order,) = orders_for(sandbox, event["id"])
    connector.rt.revel.patch_order(order["id"], {"deleted": True})  # staff void it, as the alert said
    change_event(sandbox, event["id"], status="CLOSED")

    result = synced(connector, event["id"])

    assert result["outcome"] != "ALREADY_INJECTED", result["reason"]
    assert ledger_row(connector, event["id"]).state in ("drift", "failed")
    assert _listed(connector, event["id"])


def test_a_failure_between_a_drift_and_its_revert_does_not_make_the_order_trusted(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event, changed = drifted(connector, sandbox, quantity=60)
    (order,) = orders_for(sandbox, event["id"])
    pos_edit(connector, order["id"], changed)  # staff followed the drift's advice
    change_event(sandbox, event["id"], items=[{"name": UNMAPPED.name, "quantity": 1, "price": "450"}])
    assert synced(connector, event["id"])["outcome"] == "FAILED_UNMAPPED"
    change_event(sandbox, event["id"], items=_lines_of(event))  # back to what the order was made from

    result = synced(connector, event["id"])

    (now,) = orders_for(sandbox, event["id"])
    assert differences(expected(event, EST), now) != []  # the POS holds the staff's edit
    assert result["outcome"] == "DRIFT", result["reason"]


def test_an_amend_of_the_guest_count_and_start_writes_them(
    amending: Connector, sandbox: SandboxServer
) -> None:
    event = due_event(sandbox)
    assert synced(amending, event["id"])["outcome"] == "INJECTED"
    change_event(sandbox, event["id"], guest_count=55, start_time="20:30")

    result = synced(amending, event["id"])

    (order,) = orders_for(sandbox, event["id"])
    assert result["outcome"] == "AMENDED", result["reason"]
    assert order["number_of_people"] == 55
    assert str(order["pickup_time"]).endswith("20:30:00")


def test_a_sync_while_the_connector_is_disabled_keeps_an_open_drift(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event, _ = drifted(connector, sandbox)
    assert connector.http.put("/api/switches", json={"ENABLE_CONNECTOR": False}).status_code == 200

    result = synced(connector, event["id"])

    assert result["outcome"] == "SKIPPED_DISABLED"
    assert ledger_row(connector, event["id"]).state == "drift"
    assert _listed(connector, event["id"])


def test_an_event_moved_to_an_unconfigured_location_is_a_drift(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event = due_event(sandbox)
    assert synced(connector, event["id"])["outcome"] == "INJECTED"
    change_event(sandbox, event["id"], location_id=UNCONFIGURED_LOCATION)

    result = synced(connector, event["id"])

    assert result["outcome"] == "DRIFT", result["reason"]
    assert "location" in result["reason"]
    assert _listed(connector, event["id"])
    assert len(orders_for(sandbox, event["id"])) == 1


def test_an_acknowledged_deleted_event_stays_resolved_and_is_not_emailed_again(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event = due_event(sandbox)
    assert synced(connector, event["id"])["outcome"] == "INJECTED"
    deleted = httpx.delete(f"{sandbox.tripleseat_url}/_sandbox/events/{event['id']}", timeout=30)
    assert deleted.status_code == 200, deleted.text
    assert synced(connector, event["id"])["outcome"] == "DRIFT"
    acknowledged = connector.http.post(f"/api/events/{event['id']}/acknowledge", json={"note": "voided"})
    assert acknowledged.status_code == 200, acknowledged.text

    again = [synced(connector, event["id"])["outcome"] for _ in range(2)]

    assert again == ["RESOLVED", "RESOLVED"]
    with connector.rt.db.session() as session:
        kinds = list(session.scalars(sa.select(EmailLog.kind).where(EmailLog.event_id == event["id"])))
    assert kinds.count("drift") == 1


def test_amend_now_writes_a_drift_found_by_a_check(connector: Connector, sandbox: SandboxServer) -> None:
    event, changed = drifted(connector, sandbox, quantity=30)
    (order,) = orders_for(sandbox, event["id"])
    pos_edit(connector, order["id"], changed)  # staff followed the drift's advice...
    items = [
        {"menu_item_id": DINNER.menu_item_id, "quantity": 40},
        {"menu_item_id": DATES.menu_item_id, "quantity": 25},
        {"menu_item_id": CRUDITES.menu_item_id, "quantity": 2},
    ]
    original = change_event(sandbox, event["id"], items=items)  # ...then the planner went back
    first = synced(connector, event["id"])
    assert first["outcome"] == "DRIFT", first
    problems = [p for p in connector.http.get("/api/problems").json() if p["id"] == event["id"]]
    assert problems and problems[0]["amendable"] is True

    amended = connector.http.post(f"/api/events/{event['id']}/amend")

    assert amended.status_code == 200, amended.text
    result = amended.json()["events"][0]
    assert result["outcome"] == "AMENDED", (result["outcome"], result["reason"])
    (order,) = orders_for(sandbox, event["id"])
    assert differences(expected(original, EST), order) == []
