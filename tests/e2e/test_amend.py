"""`on_change = "amend"`: an open order follows its event both ways (lines, quantities, prices,
discount, payments); what Revel cannot do (a closed order, another location or date, a refund it
cannot express) is DRIFT with the diff, never a success (issue 11, finding 3)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import amending_connector
from tests.fixtures.connector_api import only_order, synced
from tests.fixtures.events import CRUDITES, DATES, DINNER, EST, due_event
from tests.fixtures.harness import Connector
from tests.fixtures.oracle import differences, expected
from tests.fixtures.sandbox_api import change_event, orders_for, set_faults
from tripleseat_revel.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e


def _injected(connector: Connector, sandbox: SandboxServer, **fields: Any) -> dict[str, Any]:
    """A due event whose order was made; its deposit is a fixed 50.00 (not a share of the total, which
    a change of lines would turn into a refund)."""
    event = due_event(sandbox, **{"deposit": "50.00", **fields})
    assert synced(connector, event["id"])["outcome"] == "INJECTED"
    return event


def test_quantities_prices_and_lines_follow_the_event(amending: Connector, sandbox: SandboxServer) -> None:
    event = _injected(amending, sandbox)
    changed = change_event(
        sandbox,
        event["id"],
        items=[
            {"menu_item_id": DINNER.menu_item_id, "quantity": 30},  # fewer
            {"menu_item_id": CRUDITES.menu_item_id, "quantity": 2, "price": "99.00"},  # new price
        ],  # the dates are gone
    )

    result = synced(amending, event["id"])

    assert result["outcome"] == "AMENDED", result["reason"]
    assert differences(expected(changed, EST), only_order(sandbox, event["id"])) == []


def test_a_removed_discount_is_removed_from_the_order(amending: Connector, sandbox: SandboxServer) -> None:
    event = _injected(amending, sandbox, discount="10%")
    changed = change_event(sandbox, event["id"], discount="0")

    result = synced(amending, event["id"])

    assert result["outcome"] == "AMENDED", result["reason"]
    order = only_order(sandbox, event["id"])
    assert differences(expected(changed, EST), order) == []
    assert order["applied_discounts"] == []


def test_a_changed_discount_replaces_the_old_one(amending: Connector, sandbox: SandboxServer) -> None:
    event = _injected(amending, sandbox, discount="10%")
    changed = change_event(sandbox, event["id"], discount="25%")

    assert synced(amending, event["id"])["outcome"] == "AMENDED"

    assert differences(expected(changed, EST), only_order(sandbox, event["id"])) == []


def test_a_refunded_deposit_is_drift_when_refunds_are_not_written(
    amending: Connector, sandbox: SandboxServer
) -> None:
    event = _injected(amending, sandbox, payments="deposit")
    before = only_order(sandbox, event["id"])
    change_event(sandbox, event["id"], payments="none")

    result = synced(amending, event["id"])

    assert result["outcome"] == "DRIFT", result["reason"]
    assert "refund" in result["reason"] and "paid" in result["reason"]
    assert only_order(sandbox, event["id"])["payments"] == before["payments"]


def test_a_refunded_deposit_is_refunded_on_the_order_where_refunds_are_written(
    refunding: Connector, sandbox: SandboxServer
) -> None:
    event = _injected(refunding, sandbox, payments="deposit")
    changed = change_event(sandbox, event["id"], payments="none")

    result = synced(refunding, event["id"])

    assert result["outcome"] == "AMENDED", result["reason"]
    assert differences(expected(changed, EST), only_order(sandbox, event["id"])) == []


def test_an_event_moved_to_another_location_is_drift_not_amended(
    amending: Connector, sandbox: SandboxServer
) -> None:
    event = _injected(amending, sandbox)
    before = only_order(sandbox, event["id"])
    change_event(sandbox, event["id"], location_id=20272)

    result = synced(amending, event["id"])

    assert result["outcome"] == "DRIFT", result["reason"]
    assert "establishment 8 -> 9" in result["reason"]
    assert orders_for(sandbox, event["id"]) == [before]  # nothing written, no second order


def test_a_closed_order_is_drift_with_the_diff(amending: Connector, sandbox: SandboxServer) -> None:
    event = _injected(amending, sandbox, payments="full")  # paid in full: Revel closes it
    assert only_order(sandbox, event["id"])["closed"] is True
    before = only_order(sandbox, event["id"])
    change_event(
        sandbox, event["id"], items=[{"menu_item_id": DINNER.menu_item_id, "quantity": 12}], payments="full"
    )

    result = synced(amending, event["id"])

    assert result["outcome"] == "DRIFT", result["reason"]
    assert "closed" in result["reason"]
    assert only_order(sandbox, event["id"]) == before


def test_lost_responses_during_an_amend_still_leave_exactly_the_new_order(
    amending: Connector, sandbox: SandboxServer
) -> None:
    event = _injected(amending, sandbox)
    changed = change_event(
        sandbox,
        event["id"],
        items=[
            {"menu_item_id": DINNER.menu_item_id, "quantity": 20},
            {"menu_item_id": DATES.menu_item_id, "quantity": 9},
        ],
        payments="partial",
    )
    set_faults(
        sandbox,
        "revel",
        lost_response_rate=1.0,
        lost_response_mode="502",
        methods=["POST", "PATCH", "DELETE"],
    )

    result = synced(amending, event["id"])

    set_faults(sandbox, "revel", lost_response_rate=0.0)
    assert result["outcome"] == "AMENDED", result["reason"]
    assert differences(expected(changed, EST), only_order(sandbox, event["id"])) == []


def _stacking(sandbox: SandboxServer) -> None:
    response = httpx.put(
        f"{sandbox.revel_url}/_sandbox/settings", json={"discount_patch": "stack"}, timeout=30
    )
    assert response.status_code == 200


def test_a_revel_that_stacks_discounts_unexpectedly_is_a_money_mismatch(
    amending: Connector, sandbox: SandboxServer
) -> None:
    event = _injected(amending, sandbox, discount="10%")
    _stacking(sandbox)
    change_event(sandbox, event["id"], discount="20%")

    result = synced(amending, event["id"])

    assert result["outcome"] == "FAILED_MONEY_MISMATCH", result["reason"]
    assert "discount" in result["reason"]


@pytest.fixture
def stack_aware(sandbox: SandboxServer, tmp_path: Path) -> Iterator[Connector]:
    with amending_connector(sandbox, tmp_path, REVEL_DISCOUNTS_STACK="true") as running:
        yield running


def test_where_revel_stacks_discounts_a_changed_discount_is_drift_and_nothing_is_written(
    stack_aware: Connector, sandbox: SandboxServer
) -> None:
    event = _injected(stack_aware, sandbox, discount="10%")
    _stacking(sandbox)
    before = only_order(sandbox, event["id"])
    change_event(sandbox, event["id"], discount="20%")

    result = synced(stack_aware, event["id"])

    assert result["outcome"] == "DRIFT", result["reason"]
    assert "discount" in result["reason"]
    assert only_order(sandbox, event["id"])["applied_discounts"] == before["applied_discounts"]
