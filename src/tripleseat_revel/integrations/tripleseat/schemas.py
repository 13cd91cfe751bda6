"""Pydantic models of the TripleSeat resources the connector reads.

Tolerant by design (see reference/tripleseat-api.md): money arrives as numeric strings, numbers or
null; ids are sometimes strings; unknown keys are ignored; event-level and document-level billing
totals use different key names.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from tripleseat_revel.kit.money import to_decimal, to_money

Money = Annotated[Decimal, BeforeValidator(to_money)]
Number = Annotated[Decimal, BeforeValidator(to_decimal)]


def _none_if_blank(value: Any) -> Any:
    return None if value == "" else value


OptInt = Annotated[int | None, BeforeValidator(_none_if_blank)]


class TSModel(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Category(TSModel):
    id: OptInt = None
    name: str | None = None


class LineItem(TSModel):
    id: OptInt = None
    quantity: Number = Decimal(0)
    price: Money = Decimal("0.00")
    total_price: Money | None = None
    discount: Money | None = None
    display_name: str | None = None
    description: str | None = None
    category: Category | None = None
    section: str | None = None
    menu_item_id: OptInt = None
    billing_ids: list[int] = Field(default_factory=list)

    @property
    def name(self) -> str:
        return (self.display_name or self.description or "").strip()


class BillingTotal(TSModel):
    """A tax, service charge, gratuity or fee line of a document (or of the event)."""

    billing_id: OptInt = None
    description: str | None = None
    value: str | None = None
    total_price: Money = Decimal("0.00")

    @model_validator(mode="before")
    @classmethod
    def _event_level_keys(cls, data: Any) -> Any:
        # Event-level billing_totals use {name, total}; document-level {description, total_price}.
        if isinstance(data, dict):
            data = dict(data)
            data.setdefault("description", data.get("name"))
            if "total_price" not in data and "total" in data:
                data["total_price"] = data["total"]
            if data.get("value") is not None:
                data["value"] = str(data["value"])
        return data


class Financials(TSModel):
    amount_due: Money | None = None
    grand_total: Money | None = None
    discounts_total: Money | None = None
    subtotal: Money | None = None


class Payment(TSModel):
    id: OptInt = None
    amount: Money = Decimal("0.00")
    state: str | None = None
    custom_title: str | None = None
    paid_at: str | None = None
    due_at: str | None = None
    payment_method: str | None = None
    refunded_at: str | None = None
    amount_refunded: Money | None = None

    @property
    def is_paid(self) -> bool:
        return (self.state or "").lower() in {"paid", "completed", "captured", "succeeded"}

    @property
    def net_paid(self) -> Decimal:
        """What this payment contributes to the amount paid (0 unless paid; less refunds)."""
        if not self.is_paid:
            return Decimal("0.00")
        return self.amount - (self.amount_refunded or Decimal("0.00"))


class PaymentSet(TSModel):
    amount_due: Money | None = None
    payments: list[Payment] = Field(default_factory=list)


class DocumentView(TSModel):
    name: str | None = None
    url: str | None = None


class Document(TSModel):
    id: OptInt = None
    title: str | None = None
    deleted_at: str | None = None
    views: list[DocumentView] = Field(default_factory=list)
    line_items: list[LineItem] = Field(default_factory=list)
    billing_totals: list[BillingTotal] = Field(default_factory=list)
    financials: Financials | None = None
    payment_set: PaymentSet | None = None


class EmailAddress(TSModel):
    address: str | None = None


class PhoneNumber(TSModel):
    number: str | None = None
    extension: str | None = None


class Contact(TSModel):
    id: OptInt = None
    first_name: str | None = None
    last_name: str | None = None
    email_addresses: list[EmailAddress] = Field(default_factory=list)
    phone_numbers: list[PhoneNumber] = Field(default_factory=list)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p).strip()

    @property
    def email(self) -> str | None:
        return next((e.address for e in self.email_addresses if e.address), None)

    @property
    def phone(self) -> str | None:
        return next((p.number for p in self.phone_numbers if p.number), None)


class Account(TSModel):
    id: OptInt = None
    name: str | None = None


class LocationRef(TSModel):
    id: OptInt = None
    name: str | None = None
    site_id: OptInt = None


class Room(TSModel):
    id: OptInt = None
    name: str | None = None


def parse_ts_date(value: str | None) -> date | None:
    """'12/28/2025' or '2025-12-28' -> date; None when absent or unparseable."""
    if not value:
        return None
    for fmt in ("%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip()[:10], fmt).date()
        except ValueError:
            continue
    return None


def parse_ts_instant(value: str | None) -> datetime | None:
    """An ISO-8601 instant ('2025-12-29T02:00:00Z' or with an offset) -> aware UTC datetime."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.astimezone(UTC)


def parse_ts_local(value: str | None) -> datetime | None:
    """'12/28/2025 6:00 PM' (venue wall-clock time, no zone) -> naive datetime."""
    if not value:
        return None
    for fmt in ("%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
    return None


class Event(TSModel):
    """A TripleSeat event as `GET /v1/events/{id}.json?show_financial=true` returns it."""

    id: int
    name: str | None = None
    status: str | None = None
    event_date: str | None = None
    event_date_iso8601: str | None = None
    event_start: str | None = None
    event_end: str | None = None
    event_start_utc: str | None = None
    event_end_utc: str | None = None
    event_start_iso8601: str | None = None
    event_end_iso8601: str | None = None
    guest_count: OptInt = None
    guaranteed_guest_count: OptInt = None
    site_id: OptInt = None
    location_id: OptInt = None
    location: LocationRef | None = None
    room_ids: list[int] = Field(default_factory=list)
    rooms: list[Room] = Field(default_factory=list)
    booking_id: OptInt = None
    contact: Contact | None = None
    account: Account | None = None
    documents: list[Document] = Field(default_factory=list)
    grand_total: Money | None = None
    amount_due: Money | None = None
    deposit_amount: Money | None = None
    created_at: str | None = None
    updated_at: str | None = None
    deleted_at: str | None = None

    @property
    def status_upper(self) -> str:
        return (self.status or "").strip().upper()

    @property
    def local_date(self) -> date | None:
        """The event's date at the venue."""
        return parse_ts_date(self.event_date_iso8601) or parse_ts_date(self.event_date)

    @property
    def start_instant(self) -> datetime | None:
        """The start as an aware UTC instant (from event_start_utc or event_start_iso8601)."""
        return parse_ts_instant(self.event_start_utc) or parse_ts_instant(self.event_start_iso8601)

    @property
    def start_local(self) -> datetime | None:
        """The start as venue wall-clock time (naive)."""
        return parse_ts_local(self.event_start)

    @property
    def effective_location_id(self) -> int | None:
        return (
            self.location_id
            if self.location_id is not None
            else (self.location.id if self.location else None)
        )

    @property
    def effective_site_id(self) -> int | None:
        return (
            self.site_id if self.site_id is not None else (self.location.site_id if self.location else None)
        )

    @property
    def live_documents(self) -> list[Document]:
        return [d for d in self.documents if not d.deleted_at]


class EventEnvelope(TSModel):
    event: Event


class SearchPage(TSModel):
    total_pages: int = 0
    results: list[Event] = Field(default_factory=list)


class Site(TSModel):
    id: int
    name: str | None = None
    timezone: str | None = None


class LocationInfo(TSModel):
    id: int
    name: str | None = None
    site_id: OptInt = None


class TokenResponse(TSModel):
    access_token: str
    token_type: str = "Bearer"  # noqa: S105 - a scheme name, not a secret
    expires_in: int = 7200
    refresh_token: str | None = None
    scope: str | None = None
    created_at: int | None = None
