"""The planner (pure): a TripleSeat event + configuration -> the Revel order it should become.

No I/O. The money rules are documented with a worked example in docs/money.md: the order's
subtotal, discount, final total and paid amount equal the TripleSeat documents' to the cent, and a
document whose own figures do not add up is refused rather than injected with wrong money.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, computed_field

from tripleseat_revel.config import MoneyRules, RevelIds, Rules
from tripleseat_revel.integrations.tripleseat.schemas import Event, LineItem
from tripleseat_revel.kit.money import TOTALS_FIELDS, cents
from tripleseat_revel.sync.matching import Catalogue, Mappings, Suggestion
from tripleseat_revel.sync.money import EventMoney, MoneyProblem, counted_documents, event_money, line_total

LOCAL_ID_PREFIX = "Triple Seat"
TEST_LOCAL_ID_PREFIX = "Triple Seat TEST"


def local_id_for(event_id: int, *, override: bool = False) -> str:
    """The Revel `local_id` of an event's order (the replaced system's form: its orders match)."""
    return f"{TEST_LOCAL_ID_PREFIX if override else LOCAL_ID_PREFIX} {event_id}"


class ProblemKind(StrEnum):
    UNMAPPED = "UNMAPPED"
    MISSING_DATA = "MISSING_DATA"
    MONEY_MISMATCH = "MONEY_MISMATCH"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class PlannedItem(_Frozen):
    name: str
    menu_item_id: int | None
    product_id: int
    quantity: int
    unit_price: Decimal
    total: Decimal
    matched_by: str  # "mapping" | "name"
    note: str | None = None


class UnmappedItem(_Frozen):
    name: str
    menu_item_id: int | None
    quantity: Decimal
    total: Decimal
    suggestions: tuple[Suggestion, ...] = ()
    detail: str = "no Revel product"


class Totals(_Frozen):
    """An order's money; `TOTALS_FIELDS` lists them in the order they are shown everywhere."""

    subtotal: Decimal
    discount: Decimal
    service_charge: Decimal
    gratuity: Decimal
    tax: Decimal
    final_total: Decimal
    paid: Decimal

    @computed_field  # type: ignore[prop-decorator]
    @property
    def remaining_due(self) -> Decimal:
        return self.final_total - self.paid


class OrderPlan(_Frozen):
    """The Revel order an event should become. `to_json()` is its snapshot in the ledger and the
    API (Decimals as strings); `OrderPlan.model_validate(snapshot)` reads one back."""

    event_id: int
    local_id: str
    establishment: int
    items: tuple[PlannedItem, ...]
    totals: Totals
    call_name: str
    notes: str
    number_of_people: int | None
    pickup_time: str | None  # venue wall-clock "YYYY-MM-DDTHH:MM:SS" (Revel wants store-local time)
    event_date: str | None
    revel: RevelIds
    skipped_items: tuple[UnmappedItem, ...] = ()
    fingerprint: str = ""

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe snapshot (Decimals as strings) for the ledger and the API."""
        return self.model_dump(mode="json")


@dataclass(frozen=True)
class PlanProblem:
    kind: ProblemKind
    reason: str
    unmapped: tuple[UnmappedItem, ...] = ()


@dataclass(frozen=True)
class PlanInputs:
    """Everything the planner needs besides the event."""

    establishment: int
    local_id: str
    rules: Rules
    revel: RevelIds
    money: MoneyRules
    catalogue: Catalogue
    mappings: Mappings


# --------------------------------------------------------------------------------------------


def _resolve(line: LineItem, inputs: PlanInputs) -> tuple[int | None, str, str]:
    """(product id, how matched, detail if unmatched)."""
    mapped = inputs.mappings.lookup(line.menu_item_id, inputs.establishment)
    if mapped is not None:
        product = inputs.catalogue.products.get(mapped)
        if product is None or not product.active:
            detail = f"mapped product {mapped} is not active in establishment {inputs.establishment}"
            return None, "", detail
        return mapped, "mapping", ""
    by_name = inputs.catalogue.by_name(line.name) if line.name else None
    if by_name is None:
        return None, "", "no Revel product with this name"
    return by_name.id, "name", ""


def _plan_line(line: LineItem, inputs: PlanInputs) -> PlannedItem | UnmappedItem:
    total = line_total(line)
    product_id, matched_by, detail = _resolve(line, inputs)
    name = line.name or f"menu item {line.menu_item_id}"
    if product_id is None:
        suggestions = tuple(inputs.catalogue.suggest(name)) if line.name else ()
        return UnmappedItem(
            name=name,
            menu_item_id=line.menu_item_id,
            quantity=line.quantity,
            total=total,
            suggestions=suggestions,
            detail=detail,
        )
    quantity = line.quantity
    item = {"name": name, "menu_item_id": line.menu_item_id, "product_id": product_id, "total": total}
    if quantity == quantity.to_integral_value() and cents(quantity * line.price) == total:
        return PlannedItem(**item, quantity=int(quantity), unit_price=line.price, matched_by=matched_by)
    # Revel quantities are whole units: a fractional (or TripleSeat-rounded) line becomes one unit
    # at the line's total, and the note keeps what TripleSeat said.
    note = f"{quantity.normalize():f} x {line.price:.2f}"
    return PlannedItem(**item, quantity=1, unit_price=total, matched_by=matched_by, note=note)


def _customer(event: Event, skipped: tuple[UnmappedItem, ...]) -> tuple[str, str]:
    contact = event.contact
    who = (contact.full_name if contact else "") or (event.account.name if event.account else "") or ""
    call_name = (who or event.name or f"Event {event.id}")[:60]
    lines = [f"Triple Seat Event #{event.id}: {event.name or ''}".rstrip(": ")]
    when = " ".join(p for p in (event.event_date, (event.event_start or "")[11:]) if p)
    guests = f"{event.guest_count} guests" if event.guest_count is not None else ""
    rooms = ", ".join(r.name for r in event.rooms if r.name)
    lines.append(" | ".join(p for p in (when, guests, rooms) if p))
    if contact is not None:
        lines.append("Contact: " + " | ".join(p for p in (who, contact.phone, contact.email) if p))
    if skipped:
        names = "; ".join(f"{u.quantity.normalize():f} x {u.name} ({u.total:.2f})" for u in skipped)
        lines.append(f"NOT ON THIS ORDER (no Revel product): {names}")
    return call_name, "\n".join(line for line in lines if line)


def fingerprint_of(plan: OrderPlan) -> str:
    """A hash of what matters for drift: where, items, money, guests, date and time."""
    material = {
        "establishment": plan.establishment,
        "items": [(i.product_id, i.quantity, str(i.unit_price), i.note) for i in plan.items],
        "totals": {k: str(getattr(plan.totals, k)) for k in TOTALS_FIELDS},
        "guests": plan.number_of_people,
        "date": plan.event_date,
        "start": plan.pickup_time,
    }
    encoded = json.dumps(material, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


def _money(event: Event, money: MoneyRules) -> EventMoney | PlanProblem:
    try:
        return event_money(event, money)
    except MoneyProblem as exc:
        kind = ProblemKind.MISSING_DATA if exc.missing else ProblemKind.MONEY_MISMATCH
        return PlanProblem(kind, exc.reason)


def plan_order(event: Event, inputs: PlanInputs) -> OrderPlan | PlanProblem:
    """The desired Revel order for `event`, or the problem that prevents one."""
    try:
        lines = [li for doc in counted_documents(event.live_documents) for li in doc.line_items]
    except MoneyProblem as exc:
        return PlanProblem(ProblemKind.MONEY_MISMATCH, exc.reason)
    if not lines:
        return PlanProblem(ProblemKind.MISSING_DATA, "the event has no line items (no document with a menu?)")
    planned = [_plan_line(li, inputs) for li in lines]
    items = tuple(p for p in planned if isinstance(p, PlannedItem))
    unmapped = tuple(p for p in planned if isinstance(p, UnmappedItem))
    if unmapped and (inputs.rules.unmapped == "block" or not items):
        names = ", ".join(u.name for u in unmapped)
        return PlanProblem(ProblemKind.UNMAPPED, f"{len(unmapped)} unmapped item(s): {names}", unmapped)
    money = _money(event, inputs.money)
    if isinstance(money, PlanProblem):
        return money
    totals = Totals(**{f: getattr(money, f) for f in TOTALS_FIELDS})
    call_name, notes = _customer(event, unmapped)
    start = event.start_local
    plan = OrderPlan(
        event_id=event.id,
        local_id=inputs.local_id,
        establishment=inputs.establishment,
        items=items,
        totals=totals,
        call_name=call_name,
        notes=notes,
        number_of_people=event.guest_count,
        pickup_time=start.strftime("%Y-%m-%dT%H:%M:%S") if start else None,
        event_date=event.local_date.isoformat() if event.local_date else None,
        revel=inputs.revel,
        skipped_items=unmapped,
    )
    return plan.model_copy(update={"fingerprint": fingerprint_of(plan)})
