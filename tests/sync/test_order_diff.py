"""The difference between a Revel order and a plan, and the writes that close it (pure)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.fixtures.factories import (
    build_document,
    build_event_model,
    build_inputs,
    build_line_item,
    build_payment,
)
from tripleseat_revel.sync.order_diff import (
    AddLine,
    Answer,
    Finalize,
    OrderSnapshot,
    OrderTotals,
    Pay,
    RemoveLine,
    RevelBehaviour,
    RevelLine,
    Writes,
    after,
    differences,
    write_batches,
    writes_for,
)
from tripleseat_revel.sync.plan import OrderPlan, plan_order

D = Decimal


def plan_of(*lines: tuple[str, str], discount: str = "0.0", paid: str | None = None) -> OrderPlan:
    """A plan of (quantity, price) lines of the mapped dinner product 579 (ids in order)."""
    items = [build_line_item(id=n, quantity=q, price=p) for n, (q, p) in enumerate(lines, 1)]
    payments = [build_payment(amount=paid)] if paid else []
    document = build_document(lines=items, discount=discount, tax_rate="10", payments=payments)
    plan = plan_order(build_event_model(documents=[document]), build_inputs())
    assert isinstance(plan, OrderPlan)
    return plan


def held(plan: OrderPlan, **changes: Any) -> OrderSnapshot:
    """The order exactly as `plan` wants it (a verified order), with `changes`."""
    t = plan.totals
    totals = OrderTotals(
        subtotal=t.subtotal,
        discount=t.discount,
        tax=t.tax,
        final_total=t.final_total,
        remaining_due=t.remaining_due,
        applied_discounts=t.discount,
        discount_set=t.discount > 0,
    )
    lines = tuple(
        RevelLine(id=100 + n, product_id=i.product_id, quantity=i.quantity, price=i.unit_price)
        for n, i in enumerate(plan.items)
    )
    snapshot = OrderSnapshot(order_id=7, totals=totals, lines=lines, paid=t.paid, has_history=True)
    return snapshot.model_copy(update=changes)


EMPTY = OrderSnapshot(order_id=7, totals=OrderTotals())
DEFAULT = RevelBehaviour()


def kinds(plan: OrderPlan, snapshot: OrderSnapshot, behaviour: RevelBehaviour = DEFAULT) -> list[str]:
    return [w.kind for w in writes_for(plan, snapshot, behaviour).writes]


def test_a_new_order_gets_every_line_the_payment_the_history_and_the_totals() -> None:
    plan = plan_of(("10", "12"), ("5", "3"), discount="6.0", paid="20.0")

    planned = writes_for(plan, EMPTY, DEFAULT)

    assert planned.refusal is None
    assert [w.kind for w in planned.writes] == ["add", "add", "pay", "history", "final"]
    pay, final = planned.writes[2], planned.writes[4]
    assert isinstance(pay, Pay) and (pay.amount, pay.paid_after) == (D("20.00"), D("20.00"))
    assert isinstance(final, Finalize) and final.set_discount is True


def test_an_order_equal_to_the_plan_needs_nothing() -> None:
    plan = plan_of(("10", "12"), discount="6.0", paid="20.0")
    assert writes_for(plan, held(plan), DEFAULT).writes == ()
    assert differences(plan, held(plan)) == []


def test_a_voided_order_is_never_written_to_nor_verified() -> None:
    plan = plan_of(("10", "12"))
    voided = held(plan)
    voided = voided.model_copy(update={"totals": voided.totals.model_copy(update={"deleted": True})})
    changed = plan_of(("8", "12"))

    assert writes_for(changed, voided, DEFAULT).refusal == (
        "Revel order 7 was voided (deleted) at the POS; re-enter it there, or acknowledge"
    )
    assert differences(plan, voided) == [
        "Revel order 7 was voided (deleted) at the POS; re-enter it there, or acknowledge"
    ]


def test_a_changed_guest_count_or_start_is_written_where_revel_keeps_them() -> None:
    plan = plan_of(("10", "12"))
    assert plan.number_of_people is not None
    as_made = held(plan)
    totals = as_made.totals.model_copy(
        update={"number_of_people": plan.number_of_people + 5, "pickup_time": plan.pickup_time}
    )
    before = as_made.model_copy(update={"totals": totals})

    assert [type(w).__name__ for w in writes_for(plan, before, DEFAULT).writes] == ["Finalize"]
    assert differences(plan, before) == [
        f"guests: planned {plan.number_of_people}, Revel has {plan.number_of_people + 5}"
    ]
    kept = before.model_copy(update={"totals": totals.model_copy(update={"number_of_people": None})})
    assert writes_for(plan, kept, DEFAULT).writes == ()  # a Revel that drops the field is left alone


def _with(snapshot: OrderSnapshot, **totals: Any) -> OrderSnapshot:
    return snapshot.model_copy(update={"totals": snapshot.totals.model_copy(update=totals)})


def test_a_guest_count_or_start_tripleseat_does_not_give_is_not_compared() -> None:
    plan = plan_of(("10", "12")).model_copy(update={"number_of_people": None, "pickup_time": None})
    order = _with(held(plan), number_of_people=0, pickup_time="2026-06-15T12:00:00")

    assert differences(plan, order) == []
    assert writes_for(plan, order, DEFAULT).writes == ()


def test_notes_revel_spells_otherwise_are_no_reason_to_write() -> None:
    plan = plan_of(("10", "12"))
    notes = (plan.notes or "x").replace("\n", "\r\n") + " "
    order = _with(held(plan), notes=notes, call_name=(plan.call_name or "") + " ", closed=True)

    assert differences(plan, order) == []
    assert writes_for(plan, order, DEFAULT) == Writes()


def test_a_voided_order_equal_to_the_plan_is_refused() -> None:
    plan = plan_of(("10", "12"))

    refusal = writes_for(plan, _with(held(plan), deleted=True), DEFAULT).refusal

    assert refusal is not None and "voided" in refusal


def test_a_changed_quantity_adds_the_new_line_then_removes_the_old() -> None:
    before, plan = plan_of(("10", "12"), ("5", "3")), plan_of(("8", "12"), ("5", "3"))

    planned = writes_for(plan, held(before), DEFAULT)

    add, remove = planned.writes[0], planned.writes[1]
    assert isinstance(remove, RemoveLine) and remove.line.quantity == 10
    assert isinstance(add, AddLine) and (add.quantity, add.price, add.copies_after) == (8, D("12.00"), 1)
    # an add Revel refuses leaves the order's lines as they were (none removed yet)
    assert [w.kind for w in planned.writes] == ["add", "remove", "final"]


def test_repeated_lines_are_numbered_by_how_many_there_will_be() -> None:
    plan = plan_of(("2", "5"), ("2", "5"), ("2", "5"))
    one = held(plan_of(("2", "5")))

    adds = [w for w in writes_for(plan, one, DEFAULT).writes if isinstance(w, AddLine)]

    assert [(a.index, a.copies_after) for a in adds] == [(1, 2), (2, 3)]


def test_a_removed_discount_is_written_and_a_kept_one_is_not() -> None:
    discounted, plain = plan_of(("10", "12"), discount="6.0"), plan_of(("10", "12"))

    removal = writes_for(plain, held(discounted), DEFAULT).writes[-1]
    kept = writes_for(plan_of(("10", "12"), ("1", "1"), discount="6.0"), held(discounted), DEFAULT).writes[-1]

    assert isinstance(removal, Finalize) and removal.set_discount is True
    assert isinstance(kept, Finalize) and kept.set_discount is False


@pytest.mark.parametrize(
    ("behaviour", "snapshot_changes", "plan_lines", "refusal"),
    [
        (DEFAULT, {"totals": OrderTotals(closed=True)}, (("8", "12"),), "is closed"),
        (RevelBehaviour(item_delete=False), {}, (("8", "12"),), "remove at the POS"),
        (DEFAULT, {"paid": D("50.00")}, (("10", "12"),), "a refund of 50.00"),
        (DEFAULT, {"totals": OrderTotals(establishment=9)}, (("10", "12"),), "stays where it was"),
        (RevelBehaviour(payment_type=False), {"paid": D("-50.00")}, (("10", "12"),), "refuses payment type"),
    ],
    ids=["closed-order", "no-item-delete", "refund", "another-establishment", "payment-type-refused"],
)
def test_what_revel_cannot_do_is_refused_with_the_reason(
    behaviour: RevelBehaviour,
    snapshot_changes: dict[str, Any],
    plan_lines: tuple[tuple[str, str], ...],
    refusal: str,
) -> None:
    before = held(plan_of(("10", "12")), **snapshot_changes)

    planned = writes_for(plan_of(*plan_lines), before, behaviour)

    assert planned.writes == ()
    assert planned.refusal is not None and refusal in planned.refusal


def test_a_refund_is_a_negative_payment_where_refunds_are_written() -> None:
    plan = plan_of(("10", "12"))
    pay = writes_for(plan, held(plan, paid=D("50.00")), RevelBehaviour(refunds=True)).writes[0]
    assert isinstance(pay, Pay) and (pay.amount, pay.paid_after) == (D("-50.00"), D("0.00"))


def test_a_discount_change_on_a_revel_that_stacks_them_is_refused() -> None:
    before, plan = plan_of(("10", "12"), discount="6.0"), plan_of(("10", "12"), discount="12.0")
    planned = writes_for(plan, held(before), RevelBehaviour(discounts_stack=True))
    assert planned.refusal is not None and "adds a second discount" in planned.refusal


@pytest.mark.parametrize(
    ("count", "applied", "own"),
    [(2, "18.00", "18.00"), (1, "6.00", "18.00"), (None, "6.00", "18.00")],
    ids=["two-discounts", "applied-disagrees", "applied-disagrees-uncounted"],
)
def test_an_order_that_already_carries_stacked_discounts_is_never_given_another(
    count: int | None, applied: str, own: str
) -> None:
    before, plan = plan_of(("10", "12"), discount="6.0"), plan_of(("10", "12"), discount="24.0")
    totals = held(before).totals.model_copy(
        update={"discount": D(own), "applied_discounts": D(applied), "applied_count": count}
    )

    planned = writes_for(plan, held(before, totals=totals), DEFAULT)

    assert planned.writes == ()
    assert planned.refusal is not None and "correct the discount at the POS" in planned.refusal


def test_a_closed_order_equal_to_the_plan_is_fine() -> None:
    plan = plan_of(("10", "12"))
    closed = held(plan, totals=held(plan).totals.model_copy(update={"closed": True}))
    assert writes_for(plan, closed, DEFAULT) == writes_for(plan, held(plan), DEFAULT)


# ---- the order after the writes, from Revel's answers --------------------------------------------


def _answers_for(plan: OrderPlan, **final: Any) -> list[Answer]:
    t = plan.totals
    lines = [
        Answer(line=RevelLine(id=n, product_id=i.product_id, quantity=i.quantity, price=i.unit_price))
        for n, i in enumerate(plan.items)
    ]
    totals = OrderTotals(
        subtotal=t.subtotal,
        discount=t.discount,
        tax=t.tax,
        final_total=t.final_total,
        remaining_due=t.remaining_due,
        applied_discounts=t.discount,
    ).model_copy(update=final)
    return [*lines, Answer(paid=t.paid), Answer(history=True), Answer(totals=totals)]


def test_answers_that_echo_the_plan_verify() -> None:
    plan = plan_of(("10", "12"), discount="6.0", paid="20.0")
    assert differences(plan, after(EMPTY, _answers_for(plan))) == []


def test_revel_recomputing_the_totals_is_a_difference() -> None:
    plan = plan_of(("10", "12"), paid="20.0")
    answered = _answers_for(plan, tax=D("10.20"), final_total=D("130.20"))

    assert differences(plan, after(EMPTY, answered)) == [
        "tax: planned 12.00, Revel has 10.20",
        "final total: planned 132.00, Revel has 130.20",
    ]


def test_a_stacked_discount_is_a_difference() -> None:
    plan = plan_of(("10", "12"), discount="6.0")
    found = differences(plan, after(EMPTY, _answers_for(plan, applied_discounts=D("12.00"))))
    assert found == ["applied discounts: planned 6.00, Revel has 12.00"]


def test_an_item_priced_by_revel_is_a_difference() -> None:
    plan = plan_of(("10", "12"))
    answers = _answers_for(plan)
    answers[0] = Answer(line=RevelLine(id=1, product_id=579, quantity=10, price=D("9.99")))
    assert differences(plan, after(EMPTY, answers))[:2] == [
        "line 10 x product 579 @ 12.00 is missing",
        "line 10 x product 579 @ 9.99 is not in the plan",
    ]


def test_removed_and_added_lines_count_from_the_answers() -> None:
    plan = plan_of(("8", "12"))
    before = held(plan_of(("10", "12")))
    answers = [
        Answer(removed=100),
        Answer(line=RevelLine(id=9, product_id=579, quantity=8, price=D("12.00"))),
    ]

    now = after(before, answers)

    assert [line.quantity for line in now.lines] == [8]
    assert [d for d in differences(plan, now) if d.startswith("line")] == []


# ---- which writes may be issued at once --------------------------------------------------------


def _add(index: int, product: int, quantity: int = 1, copies_after: int = 1) -> AddLine:
    return AddLine(
        index=index, product_id=product, quantity=quantity, price=D("10.00"), copies_after=copies_after
    )


def test_line_adds_of_different_products_go_together_and_every_other_write_alone() -> None:
    adds = [_add(0, 1), _add(1, 2), _add(2, 3)]
    pay = Pay(amount=D("5.00"), paid_after=D("5.00"))
    final = Finalize(fingerprint="f" * 16, set_discount=False)

    assert write_batches([*adds, pay, final]) == [tuple(adds), (pay,), (final,)]


def test_line_adds_told_apart_only_by_their_order_are_never_issued_together() -> None:
    # Two copies of one line: the second is recognised after a crash by there being two (copies_after).
    first, other, second = _add(0, 1), _add(1, 2), _add(2, 1, copies_after=2)

    assert write_batches([first, other, second]) == [(first, other), (second,)]


def test_a_removal_between_adds_keeps_them_apart_and_in_order() -> None:
    removal = RemoveLine(line=RevelLine(id=9, product_id=1, quantity=1, price=D("10.00")))
    a, b = _add(0, 1), _add(1, 2)

    assert write_batches([a, removal, b]) == [(a,), (removal,), (b,)]
