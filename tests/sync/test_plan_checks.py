"""TripleSeat's own figures are cross-checked, and billing names are classified as docs/money.md
says (issue 11, findings 4 and 5)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.fixtures.events import DINNER, EST
from tests.fixtures.factories import build_document, build_event, build_inputs, build_line_item, build_payment
from tests.fixtures.oracle import expected
from tripleseat_revel.config import MoneyRules
from tripleseat_revel.integrations.tripleseat.schemas import Event
from tripleseat_revel.sync.money import classify
from tripleseat_revel.sync.plan import OrderPlan, PlanProblem, ProblemKind, plan_order


def _event(*docs: dict[str, Any], **fields: Any) -> Event:
    payload = build_event(documents=list(docs))
    payload.update(fields)
    return Event.model_validate(payload)


def _plan(event: Event) -> OrderPlan | PlanProblem:
    return plan_order(event, build_inputs())


def _line(id: int = 1, quantity: str = "10.0", price: str = "12.0") -> dict[str, Any]:
    return build_line_item(id=id, quantity=quantity, price=price)


# ---- cross-checks against TripleSeat's own figures ------------------------------------------------


def test_a_document_whose_amount_due_disagrees_with_its_total_and_payments_is_refused() -> None:
    document = build_document(lines=[_line()], payments=[build_payment(amount="50.0")])
    document["financials"]["amount_due"] = "120.00"  # 120 - 50 paid is 70, not 120

    result = _plan(_event(document))

    assert isinstance(result, PlanProblem) and result.kind is ProblemKind.MONEY_MISMATCH
    assert "amount due" in result.reason and "120.00" in result.reason and "70.00" in result.reason


def test_a_payment_set_whose_amount_due_disagrees_is_refused() -> None:
    document = build_document(lines=[_line()], payments=[build_payment(amount="50.0")])
    document["payment_set"]["amount_due"] = "0.00"

    result = _plan(_event(document))

    assert isinstance(result, PlanProblem) and result.kind is ProblemKind.MONEY_MISMATCH


def test_the_events_grand_total_must_equal_its_documents() -> None:
    result = _plan(_event(build_document(lines=[_line()]), grand_total="999.00"))

    assert isinstance(result, PlanProblem) and result.kind is ProblemKind.MONEY_MISMATCH
    assert "999.00" in result.reason and "120.00" in result.reason


def test_the_events_amount_due_must_equal_total_less_paid() -> None:
    document = build_document(lines=[_line()], payments=[build_payment(amount="20.0")])

    result = _plan(_event(document, grand_total="120.00", amount_due="120.00"))

    assert isinstance(result, PlanProblem) and result.kind is ProblemKind.MONEY_MISMATCH


def test_matching_event_figures_pass() -> None:
    document = build_document(lines=[_line()], payments=[build_payment(amount="20.0")])

    result = _plan(_event(document, grand_total="120.00", amount_due="100.00"))

    assert isinstance(result, OrderPlan)
    assert (result.totals.final_total, result.totals.paid) == (Decimal("120.00"), Decimal("20.00"))


def test_a_document_without_financials_is_missing_data() -> None:
    document = build_document(lines=[_line()])
    del document["financials"]

    result = _plan(_event(document))

    assert isinstance(result, PlanProblem) and result.kind is ProblemKind.MISSING_DATA
    assert str(document["id"]) in result.reason


def test_a_document_whose_grand_total_is_null_is_missing_data() -> None:
    document = build_document(lines=[_line()])
    document["financials"]["grand_total"] = None

    result = _plan(_event(document))

    assert isinstance(result, PlanProblem) and result.kind is ProblemKind.MISSING_DATA


def test_two_documents_carrying_the_same_lines_and_payments_count_them_once() -> None:
    beo = build_document(
        id=1, lines=[_line(1), _line(2, "5.0", "10.0")], payments=[build_payment(amount="50.0")]
    )
    invoice = build_document(
        id=2, lines=[_line(1), _line(2, "5.0", "10.0")], payments=[build_payment(amount="50.0")]
    )

    result = _plan(_event(beo, invoice))

    assert isinstance(result, OrderPlan)
    assert [(i.quantity, i.unit_price) for i in result.items] == [
        (10, Decimal("12.00")),
        (5, Decimal("10.00")),
    ]
    assert (result.totals.subtotal, result.totals.final_total, result.totals.paid) == (
        Decimal("170.00"),
        Decimal("170.00"),
        Decimal("50.00"),
    )


def test_documents_sharing_only_some_lines_are_refused() -> None:
    one = build_document(id=1, lines=[_line(1), _line(2)])
    two = build_document(id=2, lines=[_line(2), _line(3)])

    result = _plan(_event(one, two))

    assert isinstance(result, PlanProblem) and result.kind is ProblemKind.MONEY_MISMATCH
    assert "share" in result.reason


def test_distinct_documents_still_add_up() -> None:
    food = build_document(id=1, lines=[_line(1)])
    bar = build_document(id=2, lines=[_line(2, "5.0", "10.0")], payments=[build_payment(amount="50.0", id=9)])

    result = _plan(_event(food, bar))

    assert isinstance(result, OrderPlan)
    assert (result.totals.final_total, result.totals.paid) == (Decimal("170.00"), Decimal("50.00"))


def _beo_and_invoice_with_a_deposit_on_the_invoice() -> tuple[dict[str, Any], dict[str, Any]]:
    """A BEO without payments, and its invoice (the same lines) listing a paid 40.00 deposit."""
    lines = [_line(1, "5.0", "10.0"), _line(2, "5.0", "10.0")]
    beo = build_document(id=1, lines=lines)
    invoice = build_document(id=2, lines=lines, payments=[build_payment(amount="40.0", id=7)])
    return beo, invoice


def test_a_deposit_listed_only_on_the_invoice_copy_is_paid() -> None:
    beo, invoice = _beo_and_invoice_with_a_deposit_on_the_invoice()

    result = _plan(_event(beo, invoice))

    assert isinstance(result, OrderPlan)
    assert [(i.quantity, i.unit_price) for i in result.items] == [
        (5, Decimal("10.00")),
        (5, Decimal("10.00")),
    ]
    assert (result.totals.final_total, result.totals.paid, result.totals.remaining_due) == (
        Decimal("100.00"),
        Decimal("40.00"),
        Decimal("60.00"),
    )


def test_a_deposit_on_the_invoice_copy_agrees_with_the_events_amount_due() -> None:
    beo, invoice = _beo_and_invoice_with_a_deposit_on_the_invoice()

    result = _plan(_event(beo, invoice, grand_total="100.00", amount_due="60.00"))

    assert isinstance(result, OrderPlan), result.reason
    assert result.totals.paid == Decimal("40.00")


def test_a_payment_listed_on_the_original_and_its_copy_is_paid_once() -> None:
    beo, invoice = _beo_and_invoice_with_a_deposit_on_the_invoice()
    beo = build_document(id=1, lines=beo["line_items"], payments=[build_payment(amount="40.0", id=7)])

    result = _plan(_event(beo, invoice, amount_due="60.00"))

    assert isinstance(result, OrderPlan), result.reason
    assert result.totals.paid == Decimal("40.00")


def test_a_payment_without_an_id_on_the_original_and_its_copy_is_paid_once() -> None:
    lines = [_line(1, "5.0", "10.0"), _line(2, "5.0", "10.0")]
    deposit = {**build_payment(amount="40.0"), "id": None}
    beo = build_document(id=1, lines=lines, payments=[deposit])
    invoice = build_document(id=2, lines=lines, payments=[dict(deposit)])

    result = _plan(_event(beo, invoice))

    assert isinstance(result, OrderPlan), result.reason
    assert (result.totals.paid, result.totals.remaining_due) == (Decimal("40.00"), Decimal("60.00"))


def test_an_unnamed_deposit_on_two_copies_is_paid_once() -> None:
    lines = [_line(1, "5.0", "10.0"), _line(2, "5.0", "10.0")]
    deposit = {**build_payment(amount="40.0"), "id": None}
    beo = build_document(id=1, lines=lines)
    invoice = build_document(id=2, lines=lines, payments=[deposit])
    reissued = build_document(id=3, lines=lines, payments=[dict(deposit)])

    result = _plan(_event(beo, invoice, reissued))

    assert isinstance(result, OrderPlan), result.reason
    assert (result.totals.paid, result.totals.remaining_due) == (Decimal("40.00"), Decimal("60.00"))


def test_a_deposit_with_an_id_on_the_original_and_without_on_its_copy_is_paid_once() -> None:
    lines = [_line(1, "5.0", "10.0"), _line(2, "5.0", "10.0")]
    deposit = build_payment(amount="40.0")
    beo = build_document(id=1, lines=lines, payments=[deposit])
    invoice = build_document(id=2, lines=lines, payments=[{**deposit, "id": None}])

    result = _plan(_event(beo, invoice))

    assert isinstance(result, OrderPlan), result.reason
    assert (result.totals.paid, result.totals.remaining_due) == (Decimal("40.00"), Decimal("60.00"))


def test_two_equal_deposits_without_ids_on_one_document_are_both_paid() -> None:
    lines = [_line(1, "5.0", "10.0"), _line(2, "5.0", "10.0")]
    deposit = {**build_payment(amount="20.0"), "id": None}
    beo = build_document(id=1, lines=lines, payments=[deposit, dict(deposit)])
    invoice = build_document(id=2, lines=lines, payments=[dict(deposit), dict(deposit)])

    result = _plan(_event(beo, invoice))

    assert isinstance(result, OrderPlan), result.reason
    assert result.totals.paid == Decimal("40.00")


def test_a_copy_whose_total_differs_from_its_original_is_refused() -> None:
    lines = [_line(1, "5.0", "10.0"), _line(2, "5.0", "10.0")]
    beo = build_document(id=1, lines=lines)
    invoice = build_document(id=2, lines=lines, gratuity_rate="20")  # the invoice adds 20 % gratuity

    result = _plan(_event(beo, invoice))

    assert isinstance(result, PlanProblem)
    assert "120.00" in result.reason and "100.00" in result.reason


def test_the_test_oracle_counts_a_deposit_listed_only_on_the_copy() -> None:
    lines = [build_line_item(id=1, quantity="5.0", price="10.0", menu_item_id=DINNER.menu_item_id)]
    beo = build_document(id=1, lines=lines)
    invoice = build_document(id=2, lines=lines, payments=[build_payment(amount="40.0", id=7)])

    want = expected(build_event(documents=[beo, invoice]), EST)

    assert len(want.lines) == 1
    assert (want.totals["final_total"], want.totals["paid"], want.totals["remaining_due"]) == (
        Decimal("50.00"),
        Decimal("40.00"),
        Decimal("10.00"),
    )


# ---- classifying billing names (docs/money.md) -------------------------------------------------------

CLASSES = [
    ("Sales Tax", "tax"),
    ("Tax", "tax"),
    ("Taxes", "tax"),
    ("State Taxes", "tax"),
    ("City tax 2%", "tax"),
    ("GST", "tax"),
    ("HST (13%)", "tax"),
    ("PST", "tax"),
    ("VAT", "tax"),
    ("Gratuity", "gratuity"),
    ("Gratuities", "gratuity"),
    ("Tip", "gratuity"),
    ("Tips", "gratuity"),
    ("Staff tips", "gratuity"),
    ("Service Charge", "service_charge"),
    ("Taxable Service Charge", "service_charge"),
    ("Admin Fee", "service_charge"),
    ("Delivery Fee", "service_charge"),
    ("Multiple Stations Fee", "service_charge"),
    ("Syntax Surcharge", "service_charge"),
    # Qualifiers that say what a line is *not*: the names they negate do not count.
    ("22% Service Charge - not a gratuity", "service_charge"),
    ("Administrative Fee (this is not a tip)", "service_charge"),
    ("Service Charge (not subject to tax)", "service_charge"),
    ("Non-Gratuity Service Charge", "service_charge"),
    ("Non Taxable Delivery Fee", "service_charge"),
    ("Tax-exempt Service Charge", "service_charge"),
    ("Tax Exempt Room Fee", "service_charge"),
    ("Service Charge (pre-tax)", "service_charge"),
    ("Service Charge, before tax", "service_charge"),
    ("Tax free admin fee", "service_charge"),
    ("Tax-free Admin Fee", "service_charge"),
    ("Service charge in lieu of gratuity", "service_charge"),
    ("Sales Tax (not a gratuity)", "tax"),
    ("Gratuity (not taxable)", "gratuity"),
    ("Pre-tax Gratuity", "gratuity"),
    # The line is what it names first; what follows only describes it.
    ("Service Charge - not a gratuity, subject to sales tax", "service_charge"),
    ("22% Service Charge (not a gratuity or tax)", "service_charge"),
    ("Service Charge is not a tip and is subject to tax", "service_charge"),
    ("Gratuity free of tax", "gratuity"),
    ("Sales Tax on Service Charge", "tax"),
    ("Tax on Gratuity", "tax"),
    ("Gratuity, taxed at 8%", "gratuity"),
    # A compound name is what its last noun names; a clause after it only describes it.
    ("Service Charge Tax", "tax"),
    ("Service Tax", "tax"),
    ("Admin Fee Tax", "tax"),
    ("Delivery Fee Sales Tax", "tax"),
    ("Service Gratuity", "gratuity"),
    ("Auto Service Gratuity 20%", "gratuity"),
    ("Service Tip", "gratuity"),
    ("Service Charge (subject to tax)", "service_charge"),
    ("Service Charge plus tax", "service_charge"),
    ("Gratuity on Service Charge", "gratuity"),
]


@pytest.mark.parametrize(("description", "kind"), CLASSES)
def test_billing_names_are_classified_with_the_default_names(description: str, kind: str) -> None:
    assert classify(description, MoneyRules()) == kind
