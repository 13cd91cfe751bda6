"""The simulated TripleSeat's records: sites, locations, events and their documents.

Money is Decimal, instants are aware UTC, event times are venue wall-clock (naive). `render.py`
turns them into the API's JSON shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

STATUSES = ("PROSPECT", "TENTATIVE", "DEFINITE", "CLOSED", "LOST")
PaymentPlan = Literal["none", "deposit", "deposit_only", "deposit_scheduled", "partial", "full"]
PAYMENT_PLANS: tuple[PaymentPlan, ...] = (
    "none",
    "deposit",
    "deposit_only",
    "deposit_scheduled",
    "partial",
    "full",
)


@dataclass
class Room:
    id: int
    name: str
    capacity: int


@dataclass
class Site:
    id: int
    name: str
    subdomain: str
    timezone: str  # Rails/ActiveSupport name, as TripleSeat shows it
    tax_rate: Decimal
    billing_ids: dict[str, int]  # "Service Charge" / "Gratuity" / "Sales Tax" -> billing id


@dataclass
class Location:
    id: int
    name: str
    site_id: int
    rooms: list[Room]
    configured: bool = True  # False: exists in TripleSeat but not in locations.toml


@dataclass(frozen=True)
class ItemSpec:
    """One requested line: what the event manager put on the BEO."""

    menu_item_id: int | None
    display_name: str
    quantity: Decimal
    price: Decimal
    category: str
    section: str


@dataclass(frozen=True)
class DocumentSpec:
    """Everything a document's money is computed from (see seed.compute_document)."""

    title: str
    items: tuple[ItemSpec, ...]
    discount: str | None = None  # "10%" (of the subtotal) or "150.00" (fixed); None: no discount
    service_rate: Decimal | None = None  # e.g. Decimal("0.20")
    gratuity_rate: Decimal | None = None
    tax_rate: Decimal = Decimal("0")
    payment_plan: PaymentPlan = "none"
    deposit: Decimal | None = None  # None: a default share of the grand total


@dataclass
class LineItem:
    id: int
    quantity: Decimal
    price: Decimal
    total_price: Decimal
    display_name: str
    category_id: int
    category_name: str
    section: str
    menu_item_id: int | None
    billing_ids: list[int]
    position: int


@dataclass
class BillingLine:
    billing_id: int
    description: str
    value: str  # "20%"
    total_price: Decimal


@dataclass
class PaymentRec:
    id: int
    amount: Decimal
    state: Literal["paid", "scheduled"]
    custom_title: str
    paid_at: datetime | None
    due_at: date | None
    payment_method: str


@dataclass
class DocumentRec:
    id: int
    spec: DocumentSpec
    view_hash: str
    line_items: list[LineItem]
    billing_totals: list[BillingLine]
    subtotal: Decimal
    discounts_total: Decimal
    grand_total: Decimal
    payments: list[PaymentRec]

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments if p.state == "paid"), Decimal("0.00"))

    @property
    def amount_due(self) -> Decimal:
        return self.grand_total - self.paid


@dataclass
class Contact:
    id: int
    first_name: str
    last_name: str
    email: str | None
    phone: str | None


@dataclass
class StatusChange:
    status: str
    previous_status: str | None
    created_at: datetime


@dataclass
class EventRec:
    id: int
    name: str
    status: str
    location_id: int
    start_local: datetime  # venue wall-clock time, naive
    end_local: datetime
    guest_count: int
    booking_id: int
    account_id: int
    account_name: str
    room_id: int
    contact: Contact | None
    documents: list[DocumentRec]
    created_at: datetime  # aware UTC
    updated_at: datetime
    status_changes: list[StatusChange] = field(default_factory=list)
    setup_minutes: int = 30
    teardown_minutes: int = 30

    @property
    def event_date(self) -> date:
        return self.start_local.date()
