"""Request bodies of the Revel order sequence (reference/revel-api.md §3.2, TSRC's proven path)."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.fixtures.factories import (
    build_document,
    build_event_model,
    build_inputs,
    build_line_item,
    build_payment,
)
from tripleseat_revel.sync.plan import OrderPlan, plan_order
from tripleseat_revel.sync.revel_bodies import (
    final_patch,
    history_body,
    item_body,
    order_body,
    payment_body,
    stable_uuid,
    store_time,
)

LOCAL_NOW = datetime(2026, 6, 15, 12, 0, 0)  # venue wall-clock time
ORDER_ID = 1001


def make_plan(
    *,
    discount: str = "0.0",
    payments: tuple[dict[str, Any], ...] = (),
    override: bool = False,
    quantity: str = "40.0",
) -> OrderPlan:
    lines = [
        build_line_item(id=1, quantity=quantity, price="45.0"),
        build_line_item(id=2, quantity="25.0", price="14.0", display_name="House Wine", menu_item_id=None),
    ]
    document = build_document(
        lines=lines,
        discount=discount,
        service_rate="20",
        tax_rate="8.75",
        payments=list(payments),
    )
    inputs = build_inputs(override=override, establishment=4 if override else 8)
    plan = plan_order(build_event_model(documents=[document]), inputs)
    assert isinstance(plan, OrderPlan)
    return plan


PLAN = make_plan()


# ---- order -------------------------------------------------------------------------------------


def test_order_foreign_keys_are_uris() -> None:
    body = order_body(PLAN, LOCAL_NOW)
    assert {k: body[k] for k in ("establishment", "created_by", "station", "created_at")} == {
        "establishment": "/enterprise/Establishment/8/",
        "created_by": "/enterprise/User/1/",
        "station": "/resources/PosStation/4/",
        "created_at": "/resources/PosStation/4/",
    }


def test_order_dining_option_is_a_plain_int() -> None:
    assert order_body(PLAN, LOCAL_NOW)["dining_option"] == 113


def test_order_identity_and_customer() -> None:
    body = order_body(PLAN, LOCAL_NOW)
    assert (body["local_id"], body["call_name"], body["number_of_people"]) == (
        "Triple Seat 55521609",
        "Jane Smith",
        40,
    )


def test_order_notes_carry_the_event_id() -> None:
    assert order_body(PLAN, LOCAL_NOW)["notes"].startswith("Triple Seat Event #55521609")


def test_order_is_created_with_zero_totals() -> None:
    body = order_body(PLAN, LOCAL_NOW)
    totals = [body[k] for k in ("subtotal", "tax", "final_total", "remaining_due", "surcharge")]
    assert totals == [0, 0, 0, 0, 0]


def test_order_timestamps_are_naive_store_local_time() -> None:
    body = order_body(PLAN, LOCAL_NOW)
    assert (body["created_date"], body["updated_date"], body["pickup_time"]) == (
        "2026-06-15T12:00:00",
        "2026-06-15T12:00:00",
        "2026-06-15T18:00:00",
    )


def test_store_time_drops_the_offset_of_an_aware_time() -> None:
    aware = datetime(2026, 6, 15, 12, 0, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert store_time(aware) == "2026-06-15T12:00:00"


def test_order_web_order_flags() -> None:
    body = order_body(PLAN, LOCAL_NOW)
    assert (body["web_order"], body["pos_mode"], body["asap"]) == (True, "Q", False)


def test_order_under_override_targets_the_test_establishment() -> None:
    body = order_body(make_plan(override=True), LOCAL_NOW)
    assert (body["establishment"], body["local_id"]) == (
        "/enterprise/Establishment/4/",
        "Triple Seat TEST 55521609",
    )


# ---- uuids ---------------------------------------------------------------------------------------


def test_order_uuid_is_a_checked_in_value() -> None:
    # uuid5 of the local_id: a repeated write after a crash carries the same identity.
    assert order_body(PLAN, LOCAL_NOW)["uuid"] == "9c886f35-279a-5b7e-abd6-52ac26db0577"


def test_uuids_do_not_depend_on_time() -> None:
    later = datetime(2026, 6, 15, 13, 30, 0)
    assert order_body(PLAN, LOCAL_NOW)["uuid"] == order_body(PLAN, later)["uuid"]


def test_uuids_differ_per_record() -> None:
    uuids = {
        order_body(PLAN, LOCAL_NOW)["uuid"],
        item_body(PLAN, ORDER_ID, 0, PLAN.items[0], LOCAL_NOW)["uuid"],
        item_body(PLAN, ORDER_ID, 1, PLAN.items[1], LOCAL_NOW)["uuid"],
        payment_body(PLAN, ORDER_ID, LOCAL_NOW)["uuid"],
        history_body(PLAN, ORDER_ID, LOCAL_NOW)["uuid"],
    }
    assert len(uuids) == 5


def test_uuids_differ_under_override() -> None:
    test_plan = make_plan(override=True)
    assert order_body(test_plan, LOCAL_NOW)["uuid"] != order_body(PLAN, LOCAL_NOW)["uuid"]


UUID5 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def test_stable_uuid_is_a_version_5_uuid() -> None:
    assert UUID5.fullmatch(stable_uuid("Triple Seat 1", "order"))


def test_stable_uuid_depends_on_every_part() -> None:
    assert stable_uuid("Triple Seat 1", "item", 0) != stable_uuid("Triple Seat 1", "item", 1)


# ---- items ---------------------------------------------------------------------------------------


def test_item_body() -> None:
    body = item_body(PLAN, ORDER_ID, 0, PLAN.items[0], LOCAL_NOW)
    assert {k: v for k, v in body.items() if k not in ("uuid",)} == {
        "order": "/resources/Order/1001/",
        "product": "/resources/Product/579/",
        "quantity": 40,
        "price": "45.00",
        "initial_price": "45.00",
        "price_to_display": "45.00",
        "tax_amount": "0.00",
        "modifier_amount": "0.00",
        "temp_sort": 0,
        "dining_option": 113,
        "created_by": "/enterprise/User/1/",
        "updated_by": "/enterprise/User/1/",
        "created_date": "2026-06-15T12:00:00",
        "updated_date": "2026-06-15T12:00:00",
        "station": "/resources/PosStation/4/",
    }


def test_item_note_becomes_special_request() -> None:
    plan = make_plan(quantity="2.5")
    body = item_body(plan, ORDER_ID, 0, plan.items[0], LOCAL_NOW)
    assert (body["quantity"], body["price"], body["special_request"]) == (
        1,
        "112.50",
        "2.5 x 45.00",
    )


def test_item_without_note_has_no_special_request() -> None:
    assert "special_request" not in item_body(PLAN, ORDER_ID, 0, PLAN.items[0], LOCAL_NOW)


# ---- payment ------------------------------------------------------------------------------------


def test_payment_body() -> None:
    plan = make_plan(payments=(build_payment(amount="500.0"),))
    body = payment_body(plan, ORDER_ID, LOCAL_NOW)
    assert {k: body[k] for k in ("order", "establishment", "payment_type", "amount", "tip")} == {
        "order": "/resources/Order/1001/",
        "establishment": "/enterprise/Establishment/8/",
        "payment_type": 236,
        "amount": "500.00",
        "tip": "0.00",
    }


def test_payment_date_is_naive_store_time() -> None:
    assert payment_body(PLAN, ORDER_ID, LOCAL_NOW)["payment_date"] == "2026-06-15T12:00:00"


# ---- history -------------------------------------------------------------------------------------


def test_history_open_order_is_not_closed() -> None:
    body = history_body(PLAN, ORDER_ID, LOCAL_NOW)
    assert (body["order"], body["opened"], body["closed"]) == (
        "/resources/Order/1001/",
        "2026-06-15T12:00:00",
        None,
    )


def test_history_fully_paid_order_is_closed() -> None:
    plan = make_plan(payments=(build_payment(amount="2805.75"),))
    assert plan.totals.remaining_due == Decimal("0.00")
    assert history_body(plan, ORDER_ID, LOCAL_NOW)["closed"] == "2026-06-15T12:00:00"


def test_history_opened_by_and_at() -> None:
    body = history_body(PLAN, ORDER_ID, LOCAL_NOW)
    assert (body["order_opened_by"], body["order_opened_at"]) == (
        "/enterprise/User/1/",
        "/resources/PosStation/4/",
    )


# ---- final patch --------------------------------------------------------------------------------


def test_final_patch_money_is_two_decimal_strings() -> None:
    body = final_patch(PLAN)
    money = ("subtotal", "tax", "service_charge", "gratuity", "final_total", "remaining_due")
    assert {k: body[k] for k in money} == {
        "subtotal": "2150.00",
        "tax": "225.75",
        "service_charge": "430.00",
        "gratuity": "0.00",
        "final_total": "2805.75",
        "remaining_due": "2805.75",
    }


def test_final_patch_that_removes_the_discount_clears_the_discount_record() -> None:
    body = final_patch(PLAN)
    assert (body["discount_amount"], body["discount_rule_amount"], body["discount"]) == ("0.00", "0.00", None)
    assert "discounted_by" not in body


def test_final_patch_that_keeps_the_discount_leaves_it_out() -> None:
    body = final_patch(make_plan(discount="215.0"), set_discount=False)
    assert not {"discount", "discount_amount", "discount_rule_amount", "discounted_by"} & set(body)


def test_final_patch_with_discount_uses_the_open_discount_record() -> None:
    body = final_patch(make_plan(discount="215.0"))
    keys = ("discount", "discount_amount", "discount_rule_amount", "discount_reason")
    assert {k: body[k] for k in (*keys, "discounted_by")} == {
        "discount": "/resources/Discount/3358/",
        "discount_amount": "215.00",
        "discount_rule_amount": "215.00",
        "discount_reason": "Triple Seat discount",
        "discounted_by": "/enterprise/User/1/",
    }


def test_final_patch_carries_notes_and_prints() -> None:
    body = final_patch(PLAN)
    assert (body["notes"], body["printed"]) == (PLAN.notes, True)


@pytest.mark.parametrize(
    ("paid", "remaining"),
    [("0.0", "2805.75"), ("500.0", "2305.75"), ("2805.75", "0.00")],
    ids=["unpaid", "deposit", "fully-paid"],
)
def test_final_patch_remaining_due(paid: str, remaining: str) -> None:
    plan = make_plan(payments=(build_payment(amount=paid),))
    assert final_patch(plan)["remaining_due"] == remaining
