"""Sites, locations and the money arithmetic of TripleSeat documents.

`compute_document` is the single place where a document's money is worked out; the seed corpus
(corpus.py) and the control API (events created or changed by tests) both go through it, so every
document stays consistent to the cent:

    line total_price = round(quantity × price)                  S = Σ line totals
    D  = discount: a fixed amount (at most S) or round(S × pct)
    SC = round((S − D) × service rate)        "Service Charge"
    G  = round((S − D) × gratuity rate)       "Gratuity"
    T  = round((S − D + SC) × tax rate)       "Sales Tax"
    grand_total = S − D + SC + G + T,   amount_due = grand_total − Σ paid payments

Every rounding is half-up to the cent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal

from tripleseat_revel.kit.money import cents
from tripleseat_revel.kit.timezones import zone
from tripleseat_revel.sandbox.catalog import CATEGORY_IDS
from tripleseat_revel.sandbox.tripleseat.models import (
    BillingLine,
    Contact,
    DocumentRec,
    DocumentSpec,
    EventRec,
    ItemSpec,
    LineItem,
    Location,
    PaymentRec,
    Room,
    Site,
    StatusChange,
)

ZERO = Decimal("0.00")
SERVICE, GRATUITY, TAX = "Service Charge", "Gratuity", "Sales Tax"


def build_sites() -> dict[int, Site]:
    west = Site(
        15691,
        "Pacific Events Group",
        "pacificevents",
        "Pacific Time (US & Canada)",
        Decimal("0.0875"),
        {SERVICE: 1101, GRATUITY: 1102, TAX: 1103},
    )
    east = Site(
        15692,
        "Atlantic Hospitality",
        "atlantichospitality",
        "Eastern Time (US & Canada)",
        Decimal("0.06625"),
        {SERVICE: 2101, GRATUITY: 2102, TAX: 2103},
    )
    return {west.id: west, east.id: east}


def build_locations() -> dict[int, Location]:
    locations = [
        Location(
            20271,
            "Special Events (Catering)",
            15691,
            [Room(238254, "Private Dining Room", 60), Room(238255, "Off-Site Catering", 400)],
        ),
        Location(
            20272,
            "Downtown Private Dining",
            15691,
            [Room(238260, "Wine Cellar", 24), Room(238261, "Mezzanine", 80)],
        ),
        Location(
            20281,
            "Harbor Room",
            15692,
            [Room(239101, "Harbor Room", 180), Room(239102, "Captain's Table", 20)],
        ),
        Location(
            20289,
            "Rooftop Garden (no POS)",
            15692,
            [Room(239150, "Rooftop Terrace", 120)],
            configured=False,
        ),
    ]
    return {loc.id: loc for loc in locations}


@dataclass
class Ids:
    """Id sequences for the records a document is made of (deterministic per seed run)."""

    document: int = 296_000
    line_item: int = 7_000_000
    payment: int = 880_000
    contact: int = 4_655_000
    account: int = 1_746_000
    booking: int = 52_511_000

    def next(self, kind: str) -> int:
        value: int = getattr(self, kind) + 1
        setattr(self, kind, value)
        return value


def compute_document(
    spec: DocumentSpec,
    site: Site,
    ids: Ids,
    *,
    paid_at: datetime,
    due_on: date,
    doc_id: int | None = None,
) -> DocumentRec:
    """Price a document from its spec (the formulas are in the module docstring)."""
    billing_ids = _billing_ids(spec, site)
    lines = [_line(i, item, billing_ids, ids) for i, item in enumerate(spec.items, start=1)]
    subtotal = sum((line.total_price for line in lines), ZERO)
    discount = _discount(spec.discount, subtotal)
    billing = _billing_lines(spec, site, subtotal - discount)
    grand_total = subtotal - discount + sum((b.total_price for b in billing), ZERO)
    ident = doc_id if doc_id is not None else ids.next("document")
    return DocumentRec(
        id=ident,
        spec=spec,
        view_hash=hashlib.sha1(f"doc-{ident}".encode()).hexdigest()[:20],
        line_items=lines,
        billing_totals=billing,
        subtotal=subtotal,
        discounts_total=discount,
        grand_total=grand_total,
        payments=_payments(spec, grand_total, ids, paid_at, due_on),
    )


def _billing_ids(spec: DocumentSpec, site: Site) -> list[int]:
    names = [SERVICE if spec.service_rate else "", GRATUITY if spec.gratuity_rate else "", TAX]
    return [site.billing_ids[n] for n in names if n and (n != TAX or spec.tax_rate)]


def _line(position: int, item: ItemSpec, billing_ids: list[int], ids: Ids) -> LineItem:
    return LineItem(
        id=ids.next("line_item"),
        quantity=item.quantity,
        price=item.price,
        total_price=cents(item.quantity * item.price),
        display_name=item.display_name,
        category_id=CATEGORY_IDS.get(item.category, 9),
        category_name=item.category,
        section=item.section,
        menu_item_id=item.menu_item_id,
        billing_ids=list(billing_ids),
        position=position,
    )


def _discount(text: str | None, subtotal: Decimal) -> Decimal:
    if not text:
        return ZERO
    if text.strip().endswith("%"):
        return cents(subtotal * Decimal(text.strip()[:-1]) / 100)
    return min(cents(Decimal(text)), subtotal)


def _percent(rate: Decimal) -> str:
    text = format((rate * 100).normalize(), "f")
    return f"{text}%"


def _billing_lines(spec: DocumentSpec, site: Site, base: Decimal) -> list[BillingLine]:
    lines: list[BillingLine] = []
    service = cents(base * spec.service_rate) if spec.service_rate else ZERO
    if spec.service_rate:
        lines.append(BillingLine(site.billing_ids[SERVICE], SERVICE, _percent(spec.service_rate), service))
    if spec.gratuity_rate:
        gratuity = cents(base * spec.gratuity_rate)
        lines.append(
            BillingLine(site.billing_ids[GRATUITY], GRATUITY, _percent(spec.gratuity_rate), gratuity)
        )
    if spec.tax_rate:
        tax = cents((base + service) * spec.tax_rate)
        lines.append(BillingLine(site.billing_ids[TAX], TAX, _percent(spec.tax_rate), tax))
    return lines


def default_deposit(grand_total: Decimal) -> Decimal:
    """A quarter of the grand total in whole dollars (all of it when that is nothing)."""
    quarter = (grand_total / 4).quantize(Decimal("1"), rounding=ROUND_DOWN)
    return Decimal(quarter) if quarter > 0 else grand_total


def _payments(
    spec: DocumentSpec, total: Decimal, ids: Ids, paid_at: datetime, due_on: date
) -> list[PaymentRec]:
    plan = spec.payment_plan
    if plan == "none" or total <= 0:
        return []
    deposit = cents(min(spec.deposit if spec.deposit is not None else default_deposit(total), total))

    def pay(amount: Decimal, title: str, paid: bool, days: int = 0) -> PaymentRec:
        when = paid_at + timedelta(days=days) if paid else None
        return PaymentRec(
            ids.next("payment"),
            amount,
            "paid" if paid else "scheduled",
            title,
            when,
            None if paid else due_on,
            "credit_card" if days == 0 else "check",
        )

    if plan == "deposit_scheduled":
        return [pay(deposit, "Deposit", False)]
    payments, rest = [pay(deposit, "Deposit", True)], total - deposit
    if plan == "deposit_only" or rest <= 0:
        return payments
    if plan == "partial":
        part = cents(rest / 2)
        payments.append(pay(part, "Payment", True, days=1))
        rest -= part
    payments.append(pay(rest, "Balance", plan == "full", days=2))
    return payments


@dataclass
class EventPlan:
    """What an event is built from (by the seed corpus or the control API)."""

    id: int
    name: str
    status: str
    location_id: int
    event_date: date
    start: time
    minutes: int
    guests: int
    documents: list[DocumentSpec]
    contact: Contact | None
    created_at: datetime
    updated_at: datetime
    room_id: int | None = None
    account_name: str | None = None


def build_event(plan: EventPlan, site: Site, location: Location, ids: Ids) -> EventRec:
    start = datetime.combine(plan.event_date, plan.start)
    docs = price_documents(plan.documents, site, ids, plan.created_at, plan.event_date)
    account = plan.account_name or (
        f"{plan.contact.last_name} Family" if plan.contact else f"{plan.name} Account"
    )
    return EventRec(
        id=plan.id,
        name=plan.name,
        status=plan.status,
        location_id=location.id,
        start_local=start,
        end_local=start + timedelta(minutes=plan.minutes),
        guest_count=plan.guests,
        booking_id=ids.next("booking"),
        account_id=ids.next("account"),
        account_name=account,
        room_id=plan.room_id or location.rooms[0].id,
        contact=plan.contact,
        documents=docs,
        created_at=plan.created_at,
        updated_at=plan.updated_at,
        status_changes=[StatusChange(plan.status, None, plan.created_at)],
    )


def price_documents(
    specs: list[DocumentSpec],
    site: Site,
    ids: Ids,
    booked_at: datetime,
    event_date: date,
    doc_ids: list[int] | None = None,
) -> list[DocumentRec]:
    """Price each spec; payments are dated a day after booking and due on the event date."""
    existing = doc_ids or []
    return [
        compute_document(
            spec,
            site,
            ids,
            paid_at=booked_at + timedelta(days=1),
            due_on=event_date,
            doc_id=existing[i] if i < len(existing) else None,
        )
        for i, spec in enumerate(specs)
    ]


def local_midnight(day: date, site: Site) -> datetime:
    """The instant a site's local day starts (aware)."""
    return datetime.combine(day, time(0), tzinfo=zone(site.timezone))
