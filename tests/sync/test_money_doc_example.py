"""docs/money.md's worked example, planned for real: every figure shown there is checked here.

The doc's figures table and request-body snippets are read from the doc itself (between
`<!-- money-example:... -->` markers), so neither the doc nor the code can change alone.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

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
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "money.md"
LOCAL_NOW = datetime(2026, 6, 15, 12, 0, 0)
ORDER_ID = 1001


def example_plan(deposit: str = "500.0") -> OrderPlan:
    document = build_document(
        lines=[
            build_line_item(id=1, quantity="40.0", price="45.0", display_name="Three-Course Dinner"),
            build_line_item(
                id=2, quantity="25.0", price="14.0", display_name="House Wine", menu_item_id=None
            ),
        ],
        discount_rate="10",
        service_rate="20",
        tax_rate="8.75",
        payments=[build_payment(amount=deposit)],
    )
    plan = plan_order(build_event_model(documents=[document]), build_inputs())
    assert isinstance(plan, OrderPlan), plan
    return plan


PLAN = example_plan()


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def doc_figures() -> dict[str, str]:
    """The worked example's figures table: {figure: amount}."""
    block = re.search(r"<!-- money-example:figures -->(.*?)<!-- /money-example:figures -->", doc_text(), re.S)
    assert block is not None, "docs/money.md lost its figures table"
    rows = [line.split("|") for line in block.group(1).strip().splitlines()[2:]]
    return {cells[1].strip(): cells[2].strip() for cells in rows}


def doc_body(name: str) -> dict[str, Any]:
    """The JSON snippet after `<!-- money-example:<name> -->`."""
    block = re.search(rf"<!-- money-example:{name} -->\s*```json\s*(.*?)```", doc_text(), re.S)
    assert block is not None, f"docs/money.md lost its {name} snippet"
    body: dict[str, Any] = json.loads(block.group(1))
    return body


def subset(body: dict[str, Any], keys: dict[str, Any]) -> dict[str, Any]:
    return {k: body.get(k) for k in keys}


# ---- the figures, literally ----------------------------------------------------------------------


def test_example_lines() -> None:
    assert [(i.product_id, i.quantity, i.unit_price, i.total) for i in PLAN.items] == [
        (579, 40, Decimal("45.00"), Decimal("1800.00")),
        (580, 25, Decimal("14.00"), Decimal("350.00")),
    ]


def test_example_totals() -> None:
    t = PLAN.totals
    assert (
        t.subtotal,
        t.discount,
        t.service_charge,
        t.gratuity,
        t.tax,
        t.final_total,
        t.paid,
        t.remaining_due,
    ) == (
        Decimal("2150.00"),
        Decimal("215.00"),
        Decimal("387.00"),
        Decimal("0.00"),
        Decimal("203.18"),
        Decimal("2525.18"),
        Decimal("500.00"),
        Decimal("2025.18"),
    )


# ---- the doc's figures table is the plan's -------------------------------------------------------


def test_doc_figures_table_matches_the_plan() -> None:
    t = PLAN.totals
    assert doc_figures() == {
        "dinner line": f"{PLAN.items[0].total}",
        "wine line": f"{PLAN.items[1].total}",
        "subtotal": f"{t.subtotal}",
        "discount": f"{t.discount}",
        "service charge": f"{t.service_charge}",
        "gratuity": f"{t.gratuity}",
        "tax": f"{t.tax}",
        "final total": f"{t.final_total}",
        "paid": f"{t.paid}",
        "remaining due": f"{t.remaining_due}",
    }


def test_doc_intermediate_figures_are_right() -> None:
    # The "where it comes from" column shows 1935.00, 2322.00 and 203.175: check that arithmetic.
    text = doc_text()
    base = Decimal("2150.00") - Decimal("215.00")
    taxable = base + Decimal("387.00")
    assert (base, taxable, taxable * Decimal("0.0875")) == (
        Decimal("1935.00"),
        Decimal("2322.00"),
        Decimal("203.175000"),
    )
    assert all(figure in text for figure in ("1935.00", "2322.00", "203.175"))


# ---- the doc's request bodies are the code's -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("order", order_body(PLAN, LOCAL_NOW)),
        ("item-0", item_body(PLAN, ORDER_ID, 0, PLAN.items[0], LOCAL_NOW)),
        ("item-1", item_body(PLAN, ORDER_ID, 1, PLAN.items[1], LOCAL_NOW)),
        ("payment", payment_body(PLAN, ORDER_ID, LOCAL_NOW)),
        ("history", history_body(PLAN, ORDER_ID, LOCAL_NOW)),
        ("final", final_patch(PLAN)),
    ],
    ids=["order", "item-0", "item-1", "payment", "history", "final"],
)
def test_doc_body_matches_the_code(name: str, body: dict[str, Any]) -> None:
    shown = doc_body(name)
    assert subset(body, shown) == shown


def test_final_patch_money_fields_literally() -> None:
    assert subset(final_patch(PLAN), doc_body("final")) == {
        "subtotal": "2150.00",
        "discount": "/resources/Discount/3358/",
        "discount_amount": "215.00",
        "discount_rule_amount": "215.00",
        "discount_reason": "Triple Seat discount",
        "service_charge": "387.00",
        "gratuity": "0.00",
        "tax": "203.18",
        "final_total": "2525.18",
        "remaining_due": "2025.18",
    }


def test_payment_money_fields_literally() -> None:
    body = payment_body(PLAN, ORDER_ID, LOCAL_NOW)
    assert (body["payment_type"], body["amount"], body["tip"]) == (236, "500.00", "0.00")


# ---- the "had the guest paid in full" paragraph ----------------------------------------------------


def test_fully_paid_variant_is_closed() -> None:
    paid = example_plan(deposit="2525.18")
    bodies = (
        payment_body(paid, ORDER_ID, LOCAL_NOW)["amount"],
        final_patch(paid)["remaining_due"],
        history_body(paid, ORDER_ID, LOCAL_NOW)["closed"],
    )
    assert bodies == ("2525.18", "0.00", "2026-06-15T12:00:00")


def test_fully_paid_variant_is_described_in_the_doc() -> None:
    text = " ".join(doc_text().split())
    assert 'Payment would carry `"amount": "2525.18"`, the final PATCH `"remaining_due": "0.00"`' in text
