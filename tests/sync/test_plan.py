"""The planner: a TripleSeat event + configuration -> the Revel order it should become (SPEC §3).

Figures are literal Decimals worked out by hand (to the cent), never read back from the factories.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tests.fixtures.factories import (
    DEFAULT_PRODUCTS,
    build_catalogue,
    build_contact,
    build_document,
    build_event,
    build_event_model,
    build_inputs,
    build_line_item,
    build_payment,
)
from tripleseat_revel.config import MoneyRules
from tripleseat_revel.integrations.tripleseat.schemas import Event
from tripleseat_revel.sync.matching import CatalogueProduct
from tripleseat_revel.sync.plan import (
    OrderPlan,
    PlanInputs,
    PlanProblem,
    ProblemKind,
    local_id_for,
    plan_order,
)

# ---- building blocks -------------------------------------------------------------------------


def dinner(quantity: Any = "40.0", price: Any = "45.0", **kwargs: Any) -> dict[str, Any]:
    """40 x 45.00 three-course dinner, menu item 987 (mapped to Revel product 579)."""
    return build_line_item(id=1, quantity=quantity, price=price, **kwargs)


def wine(**kwargs: Any) -> dict[str, Any]:
    """25 x 14.00 house wine, no menu item id (matched by name to product 580)."""
    fields: dict[str, Any] = {
        "quantity": "25.0",
        "price": "14.0",
        "display_name": "House Wine",
        "menu_item_id": None,
        "category": "Beverage",
    }
    fields.update(kwargs)
    return build_line_item(id=2, **fields)


def mystery(**kwargs: Any) -> dict[str, Any]:
    """3 x 12.00 of something no Revel product is called (and no mapping covers)."""
    fields: dict[str, Any] = {
        "quantity": "3.0",
        "price": "12.0",
        "display_name": "Mystery Item",
        "menu_item_id": 4242,
    }
    fields.update(kwargs)
    return build_line_item(id=3, **fields)


def named(name: str, *, quantity: Any = "10.0", price: Any = "12.0") -> dict[str, Any]:
    return build_line_item(id=4, quantity=quantity, price=price, display_name=name, menu_item_id=None)


def doc(*lines: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return build_document(lines=list(lines), **kwargs)


def event_of(*docs: dict[str, Any], **kwargs: Any) -> Event:
    return build_event_model(documents=list(docs), **kwargs)


MONEY_KEYS = {
    "quantity",
    "price",
    "total_price",
    "discount",
    "amount",
    "amount_due",
    "grand_total",
    "discounts_total",
}


def as_numbers(value: Any, key: str | None = None) -> Any:
    """The same payload with every amount as a JSON number instead of a numeric string."""
    if isinstance(value, dict):
        return {k: as_numbers(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [as_numbers(v, key) for v in value]
    if key in MONEY_KEYS and isinstance(value, str):
        number = float(value)
        return int(number) if number.is_integer() else number
    return value


def money_as_numbers_event() -> Event:
    payload = build_event(
        documents=[doc(dinner(), tax_rate="8.75", payments=[build_payment(amount="500.0")])]
    )
    return Event.model_validate(as_numbers(payload))


def money_as_null_event() -> Event:
    line = dinner()
    line["total_price"] = None
    line["discount"] = None
    document = doc(line, payments=[build_payment(amount="500.0")])
    document["financials"] = {"amount_due": None, "grand_total": None, "discounts_total": None}
    return event_of(document)


def line_discounts_event() -> Event:
    document = doc(dinner(discount="50.0"), wine(discount="10.0"), discount="60.0")
    del document["financials"]["discounts_total"]
    return event_of(document)


def rounded_line_event() -> Event:
    # TripleSeat shows 3 x 33.333 = 100.00; Revel would compute 3 x 33.33 = 99.99.
    return event_of(doc(dinner(quantity="3.0", price="33.333", total_price="100.0")))


# ---- the table -------------------------------------------------------------------------------

Item = tuple[int, int, str, str | None]  # product id, quantity, unit price, note


@dataclass(frozen=True)
class Money:
    subtotal: str
    discount: str = "0.00"
    service_charge: str = "0.00"
    gratuity: str = "0.00"
    tax: str = "0.00"
    final_total: str = "0.00"
    paid: str = "0.00"
    remaining_due: str = "0.00"


@dataclass(frozen=True)
class PlanCase:
    id: str
    event: Event
    items: tuple[Item, ...]
    money: Money
    inputs: PlanInputs = field(default_factory=build_inputs)


D40 = (579, 40, "45.00", None)
W25 = (580, 25, "14.00", None)

PLAN_CASES = [
    PlanCase(
        "plain",
        event_of(doc(dinner())),
        (D40,),
        Money("1800.00", final_total="1800.00", remaining_due="1800.00"),
    ),
    PlanCase(
        "two-lines-mapped-and-named",
        event_of(doc(dinner(), wine())),
        (D40, W25),
        Money("2150.00", final_total="2150.00", remaining_due="2150.00"),
    ),
    PlanCase(
        "discount-fixed",
        event_of(doc(dinner(), discount="100.0")),
        (D40,),
        Money("1800.00", discount="100.00", final_total="1700.00", remaining_due="1700.00"),
    ),
    PlanCase(
        "discount-percentage",
        event_of(doc(dinner(), discount_rate="10")),
        (D40,),
        Money("1800.00", discount="180.00", final_total="1620.00", remaining_due="1620.00"),
    ),
    PlanCase(
        "line-discounts-summed-without-discounts-total",
        line_discounts_event(),
        (D40, W25),
        Money("2150.00", discount="60.00", final_total="2090.00", remaining_due="2090.00"),
    ),
    PlanCase(
        "service-charge",
        event_of(doc(dinner(), service_rate="20")),
        (D40,),
        Money("1800.00", service_charge="360.00", final_total="2160.00", remaining_due="2160.00"),
    ),
    PlanCase(
        "tax-rounded-half-up",  # 350.00 x 8.75 % = 30.625 -> 30.63
        event_of(doc(wine(), tax_rate="8.75")),
        (W25,),
        Money("350.00", tax="30.63", final_total="380.63", remaining_due="380.63"),
    ),
    PlanCase(
        "gratuity",
        event_of(doc(dinner(), gratuity_rate="18")),
        (D40,),
        Money("1800.00", gratuity="324.00", final_total="2124.00", remaining_due="2124.00"),
    ),
    PlanCase(
        "tax-on-service-charge",  # (1800 + 360) x 8.75 % = 189.00
        event_of(doc(dinner(), service_rate="20", tax_rate="8.75")),
        (D40,),
        Money(
            "1800.00",
            service_charge="360.00",
            tax="189.00",
            final_total="2349.00",
            remaining_due="2349.00",
        ),
    ),
    PlanCase(
        "discount-service-gratuity-tax",  # 1935.00 base; tax 2322.00 x 8.75 % = 203.175
        event_of(
            doc(
                dinner(),
                wine(),
                discount_rate="10",
                service_rate="20",
                gratuity_rate="18",
                tax_rate="8.75",
            )
        ),
        (D40, W25),
        Money(
            "2150.00",
            discount="215.00",
            service_charge="387.00",
            gratuity="348.30",
            tax="203.18",
            final_total="2873.48",
            remaining_due="2873.48",
        ),
    ),
    PlanCase(
        "deposit-paid",
        event_of(
            doc(
                dinner(),
                service_rate="20",
                tax_rate="8.75",
                payments=[build_payment(amount="500.0")],
            )
        ),
        (D40,),
        Money(
            "1800.00",
            service_charge="360.00",
            tax="189.00",
            final_total="2349.00",
            paid="500.00",
            remaining_due="1849.00",
        ),
    ),
    PlanCase(
        "fully-paid",
        event_of(
            doc(
                dinner(),
                payments=[
                    build_payment(id=5, amount="500.0"),
                    build_payment(id=6, amount="1300.0", custom_title="Balance"),
                ],
            )
        ),
        (D40,),
        Money("1800.00", final_total="1800.00", paid="1800.00", remaining_due="0.00"),
    ),
    PlanCase(
        "scheduled-payment-ignored",
        event_of(
            doc(
                dinner(),
                payments=[
                    build_payment(id=5, amount="500.0"),
                    build_payment(id=6, amount="1300.0", state="scheduled"),
                ],
            )
        ),
        (D40,),
        Money("1800.00", final_total="1800.00", paid="500.00", remaining_due="1300.00"),
    ),
    PlanCase(
        "refund-reduces-paid",
        event_of(doc(dinner(), payments=[build_payment(amount="500.0", amount_refunded="200.0")])),
        (D40,),
        Money("1800.00", final_total="1800.00", paid="300.00", remaining_due="1500.00"),
    ),
    PlanCase(
        "zero-price-line",
        event_of(
            doc(
                dinner(),
                build_line_item(
                    id=5,
                    quantity="40.0",
                    price="0.0",
                    display_name="Bread Service",
                    menu_item_id=None,
                ),
            )
        ),
        (D40, (583, 40, "0.00", None)),
        Money("1800.00", final_total="1800.00", remaining_due="1800.00"),
    ),
    PlanCase(
        "two-documents-summed",
        event_of(
            doc(dinner(), id=1, tax_rate="8.75", payments=[build_payment(amount="500.0")]),
            doc(wine(), id=2, service_rate="20"),
        ),
        (D40, W25),
        Money(
            "2150.00",
            service_charge="70.00",
            tax="157.50",
            final_total="2377.50",
            paid="500.00",
            remaining_due="1877.50",
        ),
    ),
    PlanCase(
        "deleted-document-ignored",
        event_of(
            doc(dinner(), id=1),
            doc(wine(), id=2, service_rate="20", deleted_at="06/02/2026 09:00 AM"),
        ),
        (D40,),
        Money("1800.00", final_total="1800.00", remaining_due="1800.00"),
    ),
    PlanCase(
        "fractional-quantity-one-unit-at-line-total",
        event_of(doc(dinner(quantity="2.5", price="12.0"))),
        ((579, 1, "30.00", "2.5 x 12.00"),),
        Money("30.00", final_total="30.00", remaining_due="30.00"),
    ),
    PlanCase(
        "tripleseat-rounded-line-total-one-unit",
        rounded_line_event(),
        ((579, 1, "100.00", "3 x 33.33"),),
        Money("100.00", final_total="100.00", remaining_due="100.00"),
    ),
    PlanCase(
        "large-quantity",
        event_of(doc(dinner(quantity="250.0", price="12.5"))),
        ((579, 250, "12.50", None),),
        Money("3125.00", final_total="3125.00", remaining_due="3125.00"),
    ),
    PlanCase(
        "money-as-json-numbers",
        money_as_numbers_event(),
        (D40,),
        Money("1800.00", tax="157.50", final_total="1957.50", paid="500.00", remaining_due="1457.50"),
    ),
    PlanCase(
        "explicit-mapping-wins-over-name",
        event_of(doc(dinner(display_name="House Wine"))),
        (D40,),
        Money("1800.00", final_total="1800.00", remaining_due="1800.00"),
    ),
    PlanCase(
        "establishment-specific-mapping",
        event_of(doc(dinner())),
        ((584, 40, "45.00", None),),
        Money("1800.00", final_total="1800.00", remaining_due="1800.00"),
        build_inputs(mappings={(987, None): 579, (987, 8): 584}),
    ),
    PlanCase(
        "mapping-for-another-establishment-ignored",
        event_of(doc(dinner())),
        (D40,),
        Money("1800.00", final_total="1800.00", remaining_due="1800.00"),
        build_inputs(mappings={(987, None): 579, (987, 9): 584}),
    ),
    PlanCase(
        "normalised-name-case-spacing-punctuation",
        event_of(doc(named("caesar  salad!"))),
        ((581, 10, "12.00", None),),
        Money("120.00", final_total="120.00", remaining_due="120.00"),
    ),
    PlanCase(
        "normalised-name-accents",
        event_of(doc(named("CRUDITES"))),
        ((582, 10, "12.00", None),),
        Money("120.00", final_total="120.00", remaining_due="120.00"),
    ),
    PlanCase(
        "unmapped-under-skip-keeps-tripleseat-totals",
        event_of(doc(dinner(), mystery())),
        (D40,),
        Money("1836.00", final_total="1836.00", remaining_due="1836.00"),
        build_inputs(unmapped="skip"),
    ),
]


def _items(plan: OrderPlan) -> tuple[Item, ...]:
    return tuple((i.product_id, i.quantity, f"{i.unit_price}", i.note) for i in plan.items)


def _money(plan: OrderPlan) -> Money:
    t = plan.totals
    return Money(
        subtotal=str(t.subtotal),
        discount=str(t.discount),
        service_charge=str(t.service_charge),
        gratuity=str(t.gratuity),
        tax=str(t.tax),
        final_total=str(t.final_total),
        paid=str(t.paid),
        remaining_due=str(t.remaining_due),
    )


def planned(event: Event, inputs: PlanInputs | None = None) -> OrderPlan:
    result = plan_order(event, inputs or build_inputs())
    assert isinstance(result, OrderPlan), result
    return result


def problem_of(event: Event, inputs: PlanInputs | None = None) -> PlanProblem:
    result = plan_order(event, inputs or build_inputs())
    assert isinstance(result, PlanProblem), result
    return result


@pytest.mark.parametrize("case", PLAN_CASES, ids=[c.id for c in PLAN_CASES])
def test_plan_items(case: PlanCase) -> None:
    assert _items(planned(case.event, case.inputs)) == case.items


@pytest.mark.parametrize("case", PLAN_CASES, ids=[c.id for c in PLAN_CASES])
def test_plan_totals_to_the_cent(case: PlanCase) -> None:
    assert _money(planned(case.event, case.inputs)) == case.money


@pytest.mark.parametrize("case", PLAN_CASES, ids=[c.id for c in PLAN_CASES])
def test_plan_totals_are_decimals_with_cents(case: PlanCase) -> None:
    totals = planned(case.event, case.inputs).totals
    figures = [totals.subtotal, totals.discount, totals.tax, totals.final_total, totals.paid]
    assert [f.as_tuple().exponent for f in figures] == [-2] * 5


# ---- problems --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProblemCase:
    id: str
    event: Event
    kind: ProblemKind
    reason: str
    inputs: PlanInputs = field(default_factory=build_inputs)


DUPLICATE_CAESAR = build_catalogue(
    (*DEFAULT_PRODUCTS, CatalogueProduct(590, "CAESAR SALAD", Decimal("12.00")))
)

PROBLEM_CASES = [
    ProblemCase(
        "unmapped-under-block",
        event_of(doc(dinner(), mystery())),
        ProblemKind.UNMAPPED,
        "1 unmapped item(s): Mystery Item",
    ),
    ProblemCase(
        "all-unmapped-under-skip",
        event_of(doc(mystery())),
        ProblemKind.UNMAPPED,
        "1 unmapped item(s): Mystery Item",
        build_inputs(unmapped="skip"),
    ),
    ProblemCase(
        "mapped-to-inactive-product",
        event_of(doc(dinner())),
        ProblemKind.UNMAPPED,
        "1 unmapped item(s): Three-Course Dinner",
        build_inputs(mappings={(987, None): 585}),
    ),
    ProblemCase(
        "mapped-to-missing-product",
        event_of(doc(dinner())),
        ProblemKind.UNMAPPED,
        "1 unmapped item(s): Three-Course Dinner",
        build_inputs(mappings={(987, None): 999}),
    ),
    ProblemCase(
        "ambiguous-duplicate-names",
        event_of(doc(named("Caesar Salad"))),
        ProblemKind.UNMAPPED,
        "1 unmapped item(s): Caesar Salad",
        build_inputs(catalogue=DUPLICATE_CAESAR),
    ),
    ProblemCase(
        "money-as-null: no grand total to check against",
        money_as_null_event(),
        ProblemKind.MISSING_DATA,
        "document 296467 has no financials (grand total) to check against",
    ),
    ProblemCase(
        "no-documents",
        event_of(),
        ProblemKind.MISSING_DATA,
        "the event has no line items (no document with a menu?)",
    ),
    ProblemCase(
        "document-without-line-items",
        event_of(doc()),
        ProblemKind.MISSING_DATA,
        "the event has no line items (no document with a menu?)",
    ),
    ProblemCase(
        "only-deleted-documents",
        event_of(doc(dinner(), deleted_at="06/02/2026 09:00 AM")),
        ProblemKind.MISSING_DATA,
        "the event has no line items (no document with a menu?)",
    ),
    ProblemCase(
        "document-does-not-add-up",
        event_of(doc(dinner(), grand_total="1900.0")),
        ProblemKind.MONEY_MISMATCH,
        "document 296467: items 1800.00 - discount 0.00 + charges 0.00 + tax 0.00 = 1800.00, "
        "but TripleSeat's grand total is 1900.00",
    ),
    ProblemCase(
        "payments-exceed-total",
        event_of(doc(dinner(), payments=[build_payment(amount="2000.0")])),
        ProblemKind.MONEY_MISMATCH,
        "payments 2000.00 exceed the grand total 1800.00",
    ),
]


@pytest.mark.parametrize("case", PROBLEM_CASES, ids=[c.id for c in PROBLEM_CASES])
def test_plan_problem(case: ProblemCase) -> None:
    problem = problem_of(case.event, case.inputs)
    assert (problem.kind, problem.reason) == (case.kind, case.reason)


def test_unmapped_under_block_lists_item_with_suggestions() -> None:
    problem = problem_of(event_of(doc(dinner(), named("Caesar Salads"))))
    [item] = problem.unmapped
    assert (item.name, item.menu_item_id, item.quantity, item.total) == (
        "Caesar Salads",
        None,
        Decimal("10.0"),
        Decimal("120.00"),
    )
    assert [(s.product_id, s.name) for s in item.suggestions] == [
        (581, "Caesar Salad"),
        (584, "Caesar Wrap"),
    ]


def test_unmapped_suggestions_are_best_first() -> None:
    problem = problem_of(event_of(doc(named("Caesar Salads"))))
    scores = [s.score for s in problem.unmapped[0].suggestions]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[1] >= 55


def test_unmapped_without_name_match_says_so() -> None:
    problem = problem_of(event_of(doc(mystery())))
    assert problem.unmapped[0].detail == "no Revel product with this name"


def test_unmapped_inactive_mapping_names_product_and_establishment() -> None:
    problem = problem_of(event_of(doc(dinner())), build_inputs(mappings={(987, None): 585}))
    assert problem.unmapped[0].detail == "mapped product 585 is not active in establishment 8"


def test_unmapped_missing_mapped_product_names_product_and_establishment() -> None:
    problem = problem_of(event_of(doc(dinner())), build_inputs(mappings={(987, None): 999}))
    assert problem.unmapped[0].detail == "mapped product 999 is not active in establishment 8"


def test_unmapped_lists_every_unmapped_item() -> None:
    lines = (mystery(), named("Lobster Thermidor"))
    problem = problem_of(event_of(doc(dinner(), *lines)))
    assert problem.reason == "2 unmapped item(s): Mystery Item, Lobster Thermidor"
    assert [u.name for u in problem.unmapped] == ["Mystery Item", "Lobster Thermidor"]


def test_inactive_product_is_not_matched_by_name() -> None:
    problem = problem_of(event_of(doc(named("Old Salad"))))
    assert problem.unmapped[0].name == "Old Salad"


# ---- unmapped under skip -----------------------------------------------------------------------


def test_skip_records_skipped_items() -> None:
    plan = planned(event_of(doc(dinner(), mystery())), build_inputs(unmapped="skip"))
    [skipped] = plan.skipped_items
    assert (skipped.name, skipped.quantity, skipped.total) == (
        "Mystery Item",
        Decimal("3.0"),
        Decimal("36.00"),
    )


def test_skip_notes_list_what_is_missing() -> None:
    plan = planned(event_of(doc(dinner(), mystery())), build_inputs(unmapped="skip"))
    assert plan.notes.splitlines()[-1] == ("NOT ON THIS ORDER (no Revel product): 3 x Mystery Item (36.00)")


# ---- how items were matched ------------------------------------------------------------------


def test_matched_by_mapping_and_by_name() -> None:
    plan = planned(event_of(doc(dinner(), wine())))
    assert [(i.name, i.matched_by) for i in plan.items] == [
        ("Three-Course Dinner", "mapping"),
        ("House Wine", "name"),
    ]


def test_item_total_kept_per_line() -> None:
    plan = planned(event_of(doc(dinner(), wine())))
    assert [i.total for i in plan.items] == [Decimal("1800.00"), Decimal("350.00")]


def test_line_without_display_name_uses_description() -> None:
    line = named("ignored")
    line["display_name"] = None
    line["description"] = "House Wine"
    plan = planned(event_of(doc(line)))
    assert (plan.items[0].product_id, plan.items[0].name) == (580, "House Wine")


# ---- billing totals classification -----------------------------------------------------------


def _billing_named(description: str, **rates: str) -> Event:
    document = doc(dinner(), **rates)
    document["billing_totals"][0]["description"] = description
    return event_of(document)


def test_unknown_billing_name_is_a_service_charge() -> None:
    plan = planned(_billing_named("Admin Fee", service_rate="3"))
    assert (plan.totals.service_charge, plan.totals.tax, plan.totals.gratuity) == (
        Decimal("54.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )


def test_tip_is_a_gratuity() -> None:
    plan = planned(_billing_named("Tip", gratuity_rate="18"))
    assert (plan.totals.gratuity, plan.totals.service_charge) == (
        Decimal("324.00"),
        Decimal("0.00"),
    )


def test_tax_names_are_configurable() -> None:
    inputs = build_inputs(money=MoneyRules(tax_names=["iva"]))
    plan = planned(_billing_named("IVA", tax_rate="20"), inputs)
    assert (plan.totals.tax, plan.totals.service_charge) == (Decimal("360.00"), Decimal("0.00"))


def test_tax_name_not_configured_is_a_service_charge() -> None:
    plan = planned(_billing_named("IVA", tax_rate="20"))
    assert (plan.totals.tax, plan.totals.service_charge) == (Decimal("0.00"), Decimal("360.00"))


def test_gratuity_names_are_configurable() -> None:
    inputs = build_inputs(money=MoneyRules(gratuity_names=["pourboire"]))
    plan = planned(_billing_named("Pourboire", gratuity_rate="15"), inputs)
    assert plan.totals.gratuity == Decimal("270.00")


def test_taxable_service_charge_is_a_service_charge() -> None:
    plan = planned(_billing_named("Taxable Service Charge", service_rate="20"))
    assert (plan.totals.service_charge, plan.totals.tax) == (Decimal("360.00"), Decimal("0.00"))


def test_fee_containing_tip_inside_a_word_is_a_service_charge() -> None:
    plan = planned(_billing_named("Multiple Room Fee", service_rate="3"))
    assert (plan.totals.service_charge, plan.totals.gratuity) == (
        Decimal("54.00"),
        Decimal("0.00"),
    )


# ---- customer, notes, when ---------------------------------------------------------------------


def test_call_name_is_the_contact() -> None:
    assert planned(event_of(doc(dinner()))).call_name == "Jane Smith"


def test_call_name_falls_back_to_account() -> None:
    assert planned(event_of(doc(dinner()), contact=None)).call_name == "Smith Family"


def test_call_name_falls_back_to_event_name() -> None:
    plan = planned(event_of(doc(dinner()), contact=None, account=None))
    assert plan.call_name == "Smith Rehearsal Dinner"


def test_call_name_falls_back_to_event_id() -> None:
    plan = planned(event_of(doc(dinner()), contact=None, account=None, name=None))
    assert plan.call_name == "Event 55521609"


def test_call_name_is_cut_to_60_characters() -> None:
    plan = planned(event_of(doc(dinner()), contact=None, account={"id": 1, "name": "A" * 80}))
    assert plan.call_name == "A" * 60


def test_notes_carry_event_when_guests_room_and_contact() -> None:
    plan = planned(event_of(doc(dinner())))
    assert plan.notes == (
        "Triple Seat Event #55521609: Smith Rehearsal Dinner\n"
        "06/15/2026 6:00 PM | 40 guests | Private Dining Room\n"
        "Contact: Jane Smith | 555-0100 | jane@example.com"
    )


def test_notes_without_contact_still_carry_event_id() -> None:
    plan = planned(event_of(doc(dinner()), contact=None, account=None))
    assert plan.notes == (
        "Triple Seat Event #55521609: Smith Rehearsal Dinner\n"
        "06/15/2026 6:00 PM | 40 guests | Private Dining Room"
    )


def test_notes_without_event_name() -> None:
    plan = planned(event_of(doc(dinner()), name=None))
    assert plan.notes.splitlines()[0] == "Triple Seat Event #55521609"


def test_pickup_time_is_venue_wall_clock() -> None:
    assert planned(event_of(doc(dinner()))).pickup_time == "2026-06-15T18:00:00"


def test_event_date_is_iso() -> None:
    assert planned(event_of(doc(dinner()))).event_date == "2026-06-15"


def test_number_of_people_is_guest_count() -> None:
    assert planned(event_of(doc(dinner()), guest_count=55)).number_of_people == 55


def test_no_start_time_means_no_pickup_time() -> None:
    assert planned(event_of(doc(dinner()), start=None)).pickup_time is None


def test_plan_carries_establishment_and_revel_ids() -> None:
    plan = planned(event_of(doc(dinner())))
    assert (plan.establishment, plan.revel.payment_type, plan.revel.discount) == (8, 236, 3358)


# ---- identity ----------------------------------------------------------------------------------


def test_local_id_is_the_replaced_systems_form() -> None:
    assert local_id_for(55521609) == "Triple Seat 55521609"


def test_local_id_under_location_override() -> None:
    assert local_id_for(55521609, override=True) == "Triple Seat TEST 55521609"


def test_plan_uses_the_inputs_local_id() -> None:
    plan = planned(event_of(doc(dinner())), build_inputs(override=True))
    assert plan.local_id == "Triple Seat TEST 55521609"


# ---- fingerprint --------------------------------------------------------------------------------

BASE_DOC: dict[str, Any] = {"service_rate": "20", "tax_rate": "8.75"}
# The base event's fingerprint (40 x 45.00 dinner, 20 % service, 8.75 % tax, 40 guests, 15 June
# 2026 at 6 PM), checked in: if this changes, every injected order would be reported as drifted.
BASE_FINGERPRINT = "af88edbbd2bff2527a64958e1559836247ac7425a63069fb2c05ee228a25b071"


def _base_payload(**kw: Any) -> dict[str, Any]:
    """The base event as TripleSeat sends it; `kw` changes one of build_event's fields."""
    return build_event(documents=[doc(dinner(), **BASE_DOC)], **kw)


def _fingerprint(*lines: dict[str, Any], doc_kwargs: dict[str, Any] | None = None, **kw: Any) -> str:
    """The base event's fingerprint with one thing changed: its lines, its document or a field."""
    document = doc(*(lines or (dinner(),)), **(doc_kwargs or BASE_DOC))
    return planned(event_of(document, **kw)).fingerprint


def test_fingerprint_is_the_hash_of_the_plan() -> None:
    # The material written out by hand from the figures above, hashed here: not by fingerprint_of.
    material = {
        "date": "2026-06-15",
        "establishment": 8,
        "guests": 40,
        "items": [[579, 40, "45.00", None]],
        "start": "2026-06-15T18:00:00",
        "totals": {
            "discount": "0.00",
            "final_total": "2349.00",
            "gratuity": "0.00",
            "paid": "0.00",
            "service_charge": "360.00",
            "subtotal": "1800.00",
            "tax": "189.00",
        },
    }
    encoded = json.dumps(material, sort_keys=True, separators=(",", ":")).encode()
    plan = planned(event_of(doc(dinner(), **BASE_DOC)))
    assert plan.fingerprint == hashlib.sha256(encoded).hexdigest() == BASE_FINGERPRINT


def test_fingerprint_is_stable_across_runs() -> None:
    assert _fingerprint() == BASE_FINGERPRINT


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(_base_payload(updated_at="06/02/2026 09:30 AM"), id="saved-again"),
        pytest.param(as_numbers(_base_payload()), id="money-as-json-numbers"),
    ],
)
def test_fingerprint_is_the_same_for_the_same_event(payload: dict[str, Any]) -> None:
    # The same event as TripleSeat may send it again: re-saved with nothing changed, or with its
    # amounts as JSON numbers instead of strings.
    assert planned(Event.model_validate(payload)).fingerprint == BASE_FINGERPRINT


def test_fingerprint_changes_with_items() -> None:
    assert _fingerprint(dinner(quantity="41.0")) != BASE_FINGERPRINT


def test_fingerprint_changes_with_an_added_item() -> None:
    assert _fingerprint(dinner(), wine()) != BASE_FINGERPRINT


def test_fingerprint_changes_with_guests() -> None:
    assert _fingerprint(guest_count=45) != BASE_FINGERPRINT


def test_fingerprint_changes_with_date() -> None:
    assert _fingerprint(event_date=date(2026, 6, 16)) != BASE_FINGERPRINT


def test_fingerprint_changes_with_start_time() -> None:
    assert _fingerprint(start="7:00 PM") != BASE_FINGERPRINT


def test_fingerprint_changes_with_money() -> None:
    assert _fingerprint(doc_kwargs={"service_rate": "18", "tax_rate": "8.75"}) != BASE_FINGERPRINT


def test_fingerprint_changes_with_payments() -> None:
    paid = {**BASE_DOC, "payments": [build_payment(amount="500.0")]}
    assert _fingerprint(doc_kwargs=paid) != BASE_FINGERPRINT


def test_fingerprint_ignores_contact_phone() -> None:
    base = planned(event_of(doc(dinner(), **BASE_DOC)))
    other = planned(event_of(doc(dinner(), **BASE_DOC), contact=build_contact(phone="555-0199")))
    assert "555-0100" in base.notes and "555-0199" in other.notes  # the phone does reach the order
    assert other.fingerprint == base.fingerprint == BASE_FINGERPRINT


# ---- JSON snapshot -------------------------------------------------------------------------------


def test_plan_round_trips_through_json() -> None:
    plan = planned(event_of(doc(dinner(), wine(), **BASE_DOC)))
    assert OrderPlan.model_validate(plan.to_json()) == plan


def test_plan_with_note_round_trips_through_json() -> None:
    plan = planned(event_of(doc(dinner(quantity="2.5"))))
    assert OrderPlan.model_validate(plan.to_json()) == plan


def test_plan_with_skipped_item_round_trips_through_json() -> None:
    plan = planned(event_of(doc(dinner(), mystery())), build_inputs(unmapped="skip"))
    assert OrderPlan.model_validate(plan.to_json()) == plan


def test_plan_with_skipped_item_suggestions_round_trips_through_json() -> None:
    plan = planned(event_of(doc(dinner(), named("Caesar Salads"))), build_inputs(unmapped="skip"))
    assert OrderPlan.model_validate(plan.to_json()) == plan


def test_json_snapshot_has_money_as_strings_and_remaining_due() -> None:
    plan = planned(event_of(doc(dinner(), tax_rate="8.75", payments=[build_payment(amount="500")])))
    assert plan.to_json()["totals"] == {
        "subtotal": "1800.00",
        "discount": "0.00",
        "service_charge": "0.00",
        "gratuity": "0.00",
        "tax": "157.50",
        "final_total": "1957.50",
        "paid": "500.00",
        "remaining_due": "1457.50",
    }
