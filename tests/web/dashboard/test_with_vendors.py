"""The dashboard against the simulated vendors: the live Revel order, sync now, preview, mappings."""

from __future__ import annotations

import pytest

from tests.fixtures.events import EST, UNMAPPED, due_event
from tests.fixtures.harness import Connector
from tests.fixtures.sandbox_api import orders_for
from tests.web.dashboard.conftest import Dashboard, page_text
from tripleseat_revel.integrations.revel.schemas import id_from_uri
from tripleseat_revel.models import AuditEntry
from tripleseat_revel.sandbox import catalog
from tripleseat_revel.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e
DANCE_FLOOR_STANDIN = catalog.MENU_BY_ID[5001]  # any product of establishment 8 will do for the test


def _injected(connector: Connector, sandbox: SandboxServer) -> dict[str, object]:
    event = due_event(sandbox)
    assert connector.sync(event["id"]).json()["events"][0]["outcome"] == "INJECTED"
    return event


def test_the_event_page_sets_the_live_revel_order_beside_the_plan(
    connector: Connector, sandbox: SandboxServer, operator: Dashboard
) -> None:
    event = _injected(connector, sandbox)
    (order,) = orders_for(sandbox, int(str(event["id"])))

    page = page_text(operator.client.get(f"/events/{event['id']}").text)

    assert f"Revel order #{order['id']}" in page
    assert "✓ Matches the planned order" in page
    assert f"Total {float(order['final_total']):,.2f} {float(order['final_total']):,.2f}" in page
    assert page.count("≠") == 0
    for item in order["items"]:
        assert f"#{id_from_uri(item['product'])}" in page
    paid = sum(float(p["amount"]) for p in order["payments"])
    assert f"Paid {paid:,.2f} {paid:,.2f}" in page


def test_sync_now_syncs_and_shows_the_result(
    connector: Connector, sandbox: SandboxServer, operator: Dashboard
) -> None:
    event = _injected(connector, sandbox)
    path = f"/events/{event['id']}"

    response = operator.client.post(f"{path}/sync", data={"csrf_token": operator.csrf(path)})

    assert response.status_code == 303 and response.headers["location"] == path
    page = page_text(operator.client.get(path).text)
    assert f"Event {event['id']}: ALREADY_INJECTED: unchanged since injection" in page
    assert "sync requested by dashboard: Maria" in page
    assert len(orders_for(sandbox, int(str(event["id"])))) == 1


def test_preview_shows_the_order_and_writes_nothing(
    connector: Connector, sandbox: SandboxServer, operator: Dashboard
) -> None:
    event = due_event(sandbox)

    page = page_text(operator.client.get(f"/events/{event['id']}/preview").text)

    assert "Would be put on the POS now." in page
    assert "Caprese Skewers" in page and f"Triple Seat {event['id']}" in page
    assert orders_for(sandbox, event["id"]) == []


def test_saving_a_mapping_unblocks_the_event(
    connector: Connector, sandbox: SandboxServer, operator: Dashboard
) -> None:
    event = due_event(sandbox, items=[{"menu_item_id": UNMAPPED.menu_item_id, "quantity": 1}])
    assert connector.sync(event["id"]).json()["events"][0]["outcome"] == "FAILED_UNMAPPED"
    page = page_text(operator.client.get("/mappings?days=1").text)
    assert f"{UNMAPPED.name} TripleSeat menu item {UNMAPPED.menu_item_id}" in page
    assert f"#{event['id']}" in page
    product = catalog.product_id(EST, DANCE_FLOOR_STANDIN)

    form = {
        "menu_item_id": str(UNMAPPED.menu_item_id),
        "establishment": str(EST),
        "item_name": UNMAPPED.name,
        "other_product": f"{product} {DANCE_FLOOR_STANDIN.name}",
        "retry": "true",
        "csrf_token": operator.csrf("/mappings"),
    }
    response = operator.client.post("/mappings", data=form)

    assert response.status_code == 303
    flash = page_text(operator.client.get("/switches").text)
    assert f"Saved: {UNMAPPED.name} is Revel product {product} in establishment {EST}." in flash
    assert f"Retrying 1 blocked event(s): {event['id']}." in flash
    connector.wait_idle()
    (order,) = orders_for(sandbox, event["id"])
    assert [id_from_uri(i["product"]) for i in order["items"]] == [product]
    with connector.rt.db.session() as session:
        saved = session.query(AuditEntry).filter_by(kind="mapping.saved").one()
    assert saved.message.endswith("by Maria (dashboard)")


def test_retry_from_the_failures_page(
    connector: Connector, sandbox: SandboxServer, operator: Dashboard
) -> None:
    event = due_event(sandbox, items=[{"menu_item_id": UNMAPPED.menu_item_id, "quantity": 1}])
    connector.sync(event["id"])
    assert f"/events/{event['id']}" in operator.client.get("/failures").text

    form = {"event_id": str(event["id"]), "csrf_token": operator.csrf("/failures")}
    operator.client.post("/failures/retry", data=form)

    page = page_text(operator.client.get("/failures").text)
    assert f"Event {event['id']}: FAILED_UNMAPPED: 1 unmapped item(s): {UNMAPPED.name}" in page
    with connector.rt.db.session() as session:
        starts = session.query(AuditEntry).filter_by(event_id=event["id"], kind="sync.started").count()
    assert starts == 2
