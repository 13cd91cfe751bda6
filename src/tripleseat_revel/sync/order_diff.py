"""What Revel's order holds, what must be written to make it equal a plan, and whether Revel's
answers show it equal (pure: no I/O).

The writer (revel_writer.py) reads an order into an `OrderSnapshot` (or knows it is empty, having
just made it), asks `writes_for` for the difference with the plan, performs those writes, and
builds the snapshot *after* from Revel's own answers to them (`after`). `differences` between that
and the plan is what decides between a verified order and FAILED_MONEY_MISMATCH.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from tripleseat_revel.integrations.revel.schemas import Order, OrderItem, id_from_uri
from tripleseat_revel.kit.money import ZERO
from tripleseat_revel.sync.plan import OrderPlan, PlannedItem

ORDER_TOTALS = ("subtotal", "discount", "service_charge", "gratuity", "tax", "final_total", "remaining_due")
# The Revel Order field of each of those totals.
REVEL_FIELD = {"discount": "discount_amount"}
Signature = tuple[int | None, int, Decimal]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class RevelLine(_Frozen):
    """One live OrderItem as Revel holds it."""

    id: int | None = None
    product_id: int | None
    quantity: int
    price: Decimal

    @property
    def signature(self) -> Signature:
        return (self.product_id, self.quantity, self.price)

    @classmethod
    def of(cls, item: OrderItem) -> RevelLine:
        return cls(id=item.id, product_id=item.product_id, quantity=int(item.quantity), price=item.price)


class OrderTotals(_Frozen):
    """An order's own money fields, and what its applied discounts add up to (if Revel said)."""

    subtotal: Decimal = ZERO
    discount: Decimal = ZERO
    service_charge: Decimal = ZERO
    gratuity: Decimal = ZERO
    tax: Decimal = ZERO
    final_total: Decimal = ZERO
    remaining_due: Decimal = ZERO
    applied_discounts: Decimal | None = None
    applied_count: int | None = None  # how many discounts are applied (None: Revel did not say)
    discount_set: bool = False  # the order carries a discount record
    closed: bool = False
    deleted: bool = False  # voided at the POS
    establishment: int | None = None
    # What the final PATCH writes besides money (None: the order does not carry it).
    number_of_people: int | None = None
    pickup_time: str | None = None
    notes: str | None = None
    call_name: str | None = None

    @classmethod
    def of(cls, order: Order) -> OrderTotals:
        applied = order.applied_discounts
        return cls(
            subtotal=order.subtotal,
            discount=order.discount_amount or ZERO,
            service_charge=order.service_charge or ZERO,
            gratuity=order.gratuity or ZERO,
            tax=order.tax,
            final_total=order.final_total,
            remaining_due=order.remaining_due,
            applied_discounts=sum((a.discount_amount for a in applied), ZERO)
            if applied is not None
            else None,
            applied_count=len(applied) if applied is not None else None,
            discount_set=bool(order.discount) or bool(applied),
            closed=order.closed,
            deleted=order.deleted,
            establishment=id_from_uri(order.establishment),
            number_of_people=order.number_of_people,
            pickup_time=order.pickup_time,
            notes=order.notes,
            call_name=order.call_name,
        )


class OrderSnapshot(_Frozen):
    """An order: its totals, its live lines, what was paid on it, whether it has a history record."""

    order_id: int
    totals: OrderTotals
    lines: tuple[RevelLine, ...] = ()
    paid: Decimal = ZERO
    has_history: bool = False

    @property
    def complete(self) -> bool:
        """Made through to its totals (by us or by someone else): lines and a final total."""
        return bool(self.lines) and self.totals.final_total > 0


# ---- the writes ---------------------------------------------------------------------------------


class RemoveLine(_Frozen):
    kind: Literal["remove"] = "remove"
    line: RevelLine

    @property
    def key(self) -> str:
        return f"del:{self.line.id}"


class AddLine(_Frozen):
    kind: Literal["add"] = "add"
    index: int  # the plan line it writes
    product_id: int
    quantity: int
    price: Decimal
    copies_after: int  # how many lines of this product, quantity and price the order has after it

    @property
    def key(self) -> str:
        return f"add:{self.product_id}:{self.quantity}:{self.price:.2f}:{self.copies_after}"


class Pay(_Frozen):
    kind: Literal["pay"] = "pay"
    amount: Decimal  # negative: a refund
    paid_after: Decimal

    @property
    def key(self) -> str:
        return f"pay:{self.amount:.2f}:{self.paid_after:.2f}"


class AddHistory(_Frozen):
    kind: Literal["history"] = "history"

    @property
    def key(self) -> str:
        return "history"


class Finalize(_Frozen):
    kind: Literal["final"] = "final"
    fingerprint: str
    set_discount: bool  # write the discount too (only when it differs: a repeat could stack)

    @property
    def key(self) -> str:
        return f"final:{self.fingerprint[:16]}"


Write = Annotated[RemoveLine | AddLine | Pay | AddHistory | Finalize, Field(discriminator="kind")]
AnyWrite = RemoveLine | AddLine | Pay | AddHistory | Finalize


def write_batches(writes: tuple[AnyWrite, ...] | list[AnyWrite]) -> list[tuple[AnyWrite, ...]]:
    """`writes` in the order given, as batches that may be issued at once: consecutive line adds
    of different product/quantity/price (each is told apart from the others by what it leaves
    behind, see revel_writer._landed); every other write alone."""
    batches: list[tuple[AnyWrite, ...]] = []
    current: list[AddLine] = []
    for write in writes:
        if isinstance(write, AddLine) and all(
            (w.product_id, w.quantity, w.price) != (write.product_id, write.quantity, write.price)
            for w in current
        ):
            current.append(write)
            continue
        if current:
            batches.append(tuple(current))
            current = []
        if isinstance(write, AddLine):
            current.append(write)
        else:
            batches.append((write,))
    if current:
        batches.append(tuple(current))
    return batches


@dataclass(frozen=True)
class RevelBehaviour:
    """What this Revel instance does where its documentation is silent (settings, or the findings
    of `doctor --probe`)."""

    item_delete: bool = True  # an OrderItem can be deleted
    refunds: bool = False  # a negative Payment records a refund
    discounts_stack: bool = False  # a second discount PATCH adds to the first instead of replacing it
    payment_type: bool = True  # the configured payment type is accepted (a probe may find it refused)
    totals_kept: bool = True  # the final PATCH's totals are kept (a probe may find them recomputed)


class Writes(_Frozen):
    """What makes the order equal the plan (in the order Revel needs), or why it cannot be done."""

    writes: tuple[Write, ...] = ()
    refusal: str | None = None


def _signature(item: PlannedItem) -> Signature:
    return (item.product_id, item.quantity, item.unit_price)


def _line_writes(plan: OrderPlan, snapshot: OrderSnapshot) -> tuple[list[RemoveLine], list[AddLine]]:
    """Lines the order has beyond the plan (removed, newest first), and plan lines it lacks."""
    want = Counter(_signature(i) for i in plan.items)
    have = Counter(line.signature for line in snapshot.lines)
    extra, kept = have - want, have & want
    removals: list[RemoveLine] = []
    for line in sorted(snapshot.lines, key=lambda x: x.id or 0, reverse=True):
        if extra[line.signature] > 0:
            extra[line.signature] -= 1
            removals.append(RemoveLine(line=line))
    adds: list[AddLine] = []
    seen: Counter[Signature] = Counter()
    for index, item in enumerate(plan.items):
        sig = _signature(item)
        seen[sig] += 1
        if seen[sig] > kept[sig]:  # the first kept[sig] lines of this kind are on the order already
            adds.append(
                AddLine(
                    index=index,
                    product_id=item.product_id,
                    quantity=item.quantity,
                    price=item.unit_price,
                    copies_after=seen[sig],
                )
            )
    return removals, adds


def _discount_differs(plan: OrderPlan, totals: OrderTotals) -> bool:
    want = plan.totals.discount
    if totals.discount != want or (totals.applied_discounts is not None and totals.applied_discounts != want):
        return True
    return want == 0 and totals.discount_set


def totals_differ(plan: OrderPlan, totals: OrderTotals) -> bool:
    return any(getattr(totals, name) != getattr(plan.totals, name) for name in ORDER_TOTALS)


def _same_time(planned: str | None, held: str | None) -> bool:
    """Two store-local times, whatever their spelling ("…T18:00:00" and "…T18:00:00Z" agree)."""
    if planned is None or held is None:
        return planned == held
    try:
        return datetime.fromisoformat(planned).replace(tzinfo=None) == datetime.fromisoformat(held).replace(
            tzinfo=None
        )
    except ValueError:
        return planned == held


def _header_differs(plan: OrderPlan, totals: OrderTotals) -> bool:
    """The guest count or start time differ where both TripleSeat and the order carry them: the
    final PATCH writes them (with the notes and name). Notes and name are free text Revel may
    respell, so they are written along with other writes, never for themselves."""
    return bool(_header_differences(plan, totals))


def _header_differences(plan: OrderPlan, totals: OrderTotals) -> list[str]:
    """The guest count and start time, where TripleSeat gives them and the order carries them (a
    Revel that drops or defaults a field is not asked to keep it)."""
    found = []
    people = plan.number_of_people, totals.number_of_people
    if None not in people and people[0] != people[1]:
        found.append(f"guests: planned {people[0]}, Revel has {people[1]}")
    start = plan.pickup_time, totals.pickup_time
    if None not in start and not _same_time(*start):
        found.append(f"start: planned {start[0]}, Revel has {start[1]}")
    return found


def writes_for(plan: OrderPlan, snapshot: OrderSnapshot, behaviour: RevelBehaviour) -> Writes:
    """The writes that make `snapshot` equal `plan`, or the reason the connector will not write."""
    if snapshot.totals.deleted:  # nothing is written to a voided order, even one equal to the plan
        return Writes(refusal=_voided(snapshot.order_id))
    removals, adds = _line_writes(plan, snapshot)
    payment = plan.totals.paid - snapshot.paid
    discount = _discount_differs(plan, snapshot.totals)
    needed = bool(removals or adds or payment or discount or not snapshot.has_history)
    needed = needed or totals_differ(plan, snapshot.totals) or _header_differs(plan, snapshot.totals)
    if not needed:
        return Writes()
    refusal = _refusal(plan, snapshot, behaviour, removals=removals, payment=payment, discount=discount)
    if refusal:
        return Writes(refusal=refusal)
    # Lines are added before others are removed: a refused add leaves the order's lines as they were.
    writes: list[AnyWrite] = [*adds, *removals]
    if payment:
        writes.append(Pay(amount=payment, paid_after=plan.totals.paid))
    if not snapshot.has_history:
        writes.append(AddHistory())
    writes.append(Finalize(fingerprint=plan.fingerprint, set_discount=discount))
    return Writes(writes=tuple(writes))


def _refusal(
    plan: OrderPlan,
    snapshot: OrderSnapshot,
    behaviour: RevelBehaviour,
    *,
    removals: list[RemoveLine],
    payment: Decimal,
    discount: bool,
) -> str | None:
    refused = _out_of_reach(plan, snapshot)
    if refused is not None:
        return refused
    if removals and not behaviour.item_delete:
        lines = ", ".join(
            f"{r.line.quantity} x product {r.line.product_id} @ {r.line.price:.2f}" for r in removals
        )
        return f"Revel does not let the connector remove order lines; remove at the POS: {lines}"
    if payment > 0 and not behaviour.payment_type:
        return (
            f"Revel refuses payment type {plan.revel.payment_type} in establishment {plan.establishment} "
            f"(found by `doctor --probe`): record the {payment:.2f} paid at the POS, or set [revel] "
            "payment_type to one it accepts"
        )
    if payment < 0 and not behaviour.refunds:
        return (
            f"a refund of {-payment:.2f} (TripleSeat shows {plan.totals.paid:.2f} paid, the order "
            f"{snapshot.paid:.2f}); the connector does not write refunds: refund it at the POS"
        )
    return _discount_refusal(plan, snapshot, behaviour) if discount else None


def _discount_refusal(plan: OrderPlan, snapshot: OrderSnapshot, behaviour: RevelBehaviour) -> str | None:
    """A changed discount Revel would add instead of replacing (or already has added)."""
    held = snapshot.totals
    if _stacked(held):
        return (
            f"Revel order {snapshot.order_id} carries {held.applied_count or 'several'} discounts adding up "
            f"to {held.applied_discounts or ZERO:.2f} (its discount says {held.discount:.2f}): Revel added "
            "a discount instead of replacing one; correct the discount at the POS"
        )
    if behaviour.discounts_stack and held.discount_set:
        return (
            f"the discount changed ({held.discount:.2f} -> {plan.totals.discount:.2f}) and "
            "Revel adds a second discount instead of replacing the first: change it at the POS"
        )
    return None


def _stacked(totals: OrderTotals) -> bool:
    """The order carries more than one discount, or discounts that disagree with its own figure: a
    further discount write could only add to them."""
    several = totals.applied_count is not None and totals.applied_count > 1
    return several or (totals.applied_discounts is not None and totals.applied_discounts != totals.discount)


# ---- the order after the writes, from Revel's answers -------------------------------------------------


class Answer(_Frozen):
    """What Revel answered to one write (what the order holds after it, as far as it says)."""

    line: RevelLine | None = None  # an added line
    removed: int | None = None  # the id of a removed line
    paid: Decimal | None = None  # the amount of a payment written
    history: bool = False
    totals: OrderTotals | None = None  # the order after the final PATCH
    refused: str | None = None  # Revel refused the write (the order was left as it was)


def after(before: OrderSnapshot, answers: list[Answer]) -> OrderSnapshot:
    """The order once the writes were made, built from Revel's answers to them."""
    removed = {a.removed for a in answers if a.removed is not None}
    lines = [line for line in before.lines if line.id not in removed]
    lines += [a.line for a in answers if a.line is not None]
    totals = next((a.totals for a in reversed(answers) if a.totals is not None), before.totals)
    return OrderSnapshot(
        order_id=before.order_id,
        totals=totals,
        lines=tuple(lines),
        paid=before.paid + sum((a.paid for a in answers if a.paid is not None), ZERO),
        has_history=before.has_history or any(a.history for a in answers),
    )


def _out_of_reach(plan: OrderPlan, snapshot: OrderSnapshot) -> str | None:
    """The order cannot be written to at all: voided, in another establishment, closed."""
    held = snapshot.totals
    if held.deleted:
        return _voided(snapshot.order_id)
    if held.establishment is not None and held.establishment != plan.establishment:
        return (
            f"Revel order {snapshot.order_id} is in establishment {held.establishment} and the event "
            f"is now for establishment {plan.establishment}; its order stays where it was"
        )
    if held.closed:
        return f"Revel order {snapshot.order_id} is closed; change it at the POS"
    return None


def _voided(order_id: int) -> str:
    return f"Revel order {order_id} was voided (deleted) at the POS; re-enter it there, or acknowledge"


def differences(plan: OrderPlan, order: OrderSnapshot) -> list[str]:
    """How the order differs from the plan, in words (empty: it is exactly the plan)."""
    if order.totals.deleted:
        return [_voided(order.order_id)]
    found: list[str] = []
    want = Counter(_signature(i) for i in plan.items)
    have = Counter(line.signature for line in order.lines)
    found += [f"line {_describe(sig)} is missing" for sig in sorted((want - have).elements(), key=str)]
    found += [
        f"line {_describe(sig)} is not in the plan" for sig in sorted((have - want).elements(), key=str)
    ]
    for name in ORDER_TOTALS:
        planned, held = getattr(plan.totals, name), getattr(order.totals, name)
        if planned != held:
            found.append(f"{name.replace('_', ' ')}: planned {planned:.2f}, Revel has {held:.2f}")
    if order.paid != plan.totals.paid:
        found.append(f"paid: planned {plan.totals.paid:.2f}, Revel has {order.paid:.2f}")
    applied = order.totals.applied_discounts
    if applied is not None and applied != plan.totals.discount:
        found.append(f"applied discounts: planned {plan.totals.discount:.2f}, Revel has {applied:.2f}")
    return found + _header_differences(plan, order.totals)


def _describe(sig: Signature) -> str:
    product, quantity, price = sig
    return f"{quantity} x product {product} @ {price:.2f}"
