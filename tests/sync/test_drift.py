"""Readable differences between the injected order and what the event says now (SPEC §3 drift)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.fixtures.factories import (
    build_document,
    build_event_model,
    build_inputs,
    build_line_item,
    build_payment,
)
from tripleseat_revel.sync.drift import diff_plans
from tripleseat_revel.sync.plan import OrderPlan, plan_order


def dinner(quantity: str = "40.0") -> dict[str, Any]:
    return build_line_item(id=1, quantity=quantity, price="45.0")


def wine() -> dict[str, Any]:
    return build_line_item(id=2, quantity="25.0", price="14.0", display_name="House Wine", menu_item_id=None)


def snapshot(*lines: dict[str, Any], doc: dict[str, Any] | None = None, **event: Any) -> dict[str, Any]:
    document = build_document(lines=list(lines) or [dinner()], **(doc or {}))
    plan = plan_order(build_event_model(documents=[document], **event), build_inputs())
    assert isinstance(plan, OrderPlan)
    return plan.to_json()


def test_no_change_no_lines() -> None:
    assert diff_plans(snapshot(), snapshot()) == []


def test_contact_change_alone_is_not_drift() -> None:
    assert diff_plans(snapshot(), snapshot(contact=None)) == []


def test_added_item() -> None:
    assert diff_plans(snapshot(dinner()), snapshot(dinner(), wine())) == [
        "added: 25 x House Wine @ 14.00",
        "subtotal: 1800.00 -> 2150.00",
        "final total: 1800.00 -> 2150.00",
    ]


def test_removed_item() -> None:
    assert diff_plans(snapshot(dinner(), wine()), snapshot(dinner())) == [
        "removed: 25 x House Wine @ 14.00",
        "subtotal: 2150.00 -> 1800.00",
        "final total: 2150.00 -> 1800.00",
    ]


def test_changed_quantity_is_a_removal_and_an_addition() -> None:
    assert diff_plans(snapshot(dinner("40.0")), snapshot(dinner("45.0")))[:2] == [
        "removed: 40 x Three-Course Dinner @ 45.00",
        "added: 45 x Three-Course Dinner @ 45.00",
    ]


def test_guests() -> None:
    assert diff_plans(snapshot(), snapshot(guest_count=45)) == ["guests: 40 -> 45"]


def test_date_and_time() -> None:
    assert diff_plans(snapshot(), snapshot(event_date=date(2026, 6, 16))) == [
        "date/time: 2026-06-15T18:00:00 -> 2026-06-16T18:00:00"
    ]


def test_start_time_only() -> None:
    assert diff_plans(snapshot(), snapshot(start="7:30 PM")) == [
        "date/time: 2026-06-15T18:00:00 -> 2026-06-15T19:30:00"
    ]


def test_date_without_start_time_shows_the_date() -> None:
    before = snapshot(start=None)
    after = snapshot(start=None, event_date=date(2026, 6, 16))
    assert diff_plans(before, after) == ["date/time: 2026-06-15 -> 2026-06-16"]


def test_money_lines_name_each_changed_figure() -> None:
    after = snapshot(doc={"service_rate": "20", "tax_rate": "8.75"})
    assert diff_plans(snapshot(), after) == [
        "service charge: 0.00 -> 360.00",
        "tax: 0.00 -> 189.00",
        "final total: 1800.00 -> 2349.00",
    ]


def test_payment_received_after_injection() -> None:
    after = snapshot(doc={"payments": [build_payment(amount="500.0")]})
    assert diff_plans(snapshot(), after) == ["paid: 0.00 -> 500.00"]


def test_discount_added() -> None:
    assert diff_plans(snapshot(), snapshot(doc={"discount": "100.0"})) == [
        "discount: 0.00 -> 100.00",
        "final total: 1800.00 -> 1700.00",
    ]


def test_establishment_change() -> None:
    before = snapshot()
    after = {**before, "establishment": 4}
    assert diff_plans(before, after) == ["location: establishment 8 -> 4"]


def test_duplicate_lines_are_counted() -> None:
    twin = build_line_item(id=9, quantity="40.0", price="45.0")
    before = snapshot(dinner())
    after = snapshot(dinner(), twin, twin)
    assert diff_plans(before, after)[0] == "added: 40 x Three-Course Dinner @ 45.00 (x2)"


def test_order_of_lines_is_location_date_guests_items_money() -> None:
    before = snapshot(dinner())
    after = {
        **snapshot(wine(), guest_count=45, event_date=date(2026, 6, 16)),
        "establishment": 4,
    }
    assert [line.split(":")[0] for line in diff_plans(before, after)] == [
        "location",
        "date/time",
        "guests",
        "removed",
        "added",
        "subtotal",
        "final total",
    ]


def test_missing_before_snapshot_lists_everything_as_added() -> None:
    assert diff_plans({}, snapshot())[:3] == [
        "location: establishment None -> 8",
        "date/time: None -> 2026-06-15T18:00:00",
        "guests: None -> 40",
    ]
