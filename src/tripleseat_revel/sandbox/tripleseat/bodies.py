"""Control-API bodies for creating and changing events, and their conversion to the specs the
money arithmetic (seed.compute_document) works from."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tripleseat_revel.sandbox.catalog import MENU_BY_ID
from tripleseat_revel.sandbox.tripleseat.models import (
    Contact,
    DocumentSpec,
    EventRec,
    ItemSpec,
    PaymentPlan,
    Site,
)

Status = Literal["PROSPECT", "TENTATIVE", "DEFINITE", "CLOSED", "LOST"]


class ItemIn(BaseModel):
    """A line: a catalogue item by `menu_item_id` (name, price, category filled in), or a custom
    line by `name` (no menu item, so no Revel product)."""

    model_config = ConfigDict(extra="forbid")

    menu_item_id: int | None = None
    name: str | None = None
    quantity: Decimal = Field(gt=0)
    price: Decimal | None = Field(default=None, ge=0)
    category: str | None = None
    section: str | None = None


class MoneyIn(BaseModel):
    """Money settings of a document (None: keep / use the default)."""

    model_config = ConfigDict(extra="forbid")

    discount: str | None = Field(default=None, pattern=r"^\d+(\.\d+)?%?$")
    service_charge_rate: Decimal | None = Field(default=None, ge=0, le=1)
    gratuity_rate: Decimal | None = Field(default=None, ge=0, le=1)
    tax_rate: Decimal | None = Field(default=None, ge=0, le=1)
    payments: PaymentPlan | None = None
    deposit: Decimal | None = Field(default=None, ge=0)


class DocumentIn(MoneyIn):
    title: str = "BEO / Invoice"
    items: list[ItemIn]


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first_name: str
    last_name: str
    email: str | None = None
    phone: str | None = None


class EventChange(MoneyIn):
    """Fields to change (all optional). `items`/money fields rework the first document;
    `documents` replaces them all ([] = no documents)."""

    name: str | None = None
    status: Status | None = None
    location_id: int | None = None
    event_date: str | None = None  # "today", "today+2", "2026-11-25" or "11/25/2026"
    start_time: str | None = Field(default=None, pattern=r"^\d{1,2}:\d{2}$")
    duration_minutes: int | None = Field(default=None, gt=0, le=24 * 60)
    guest_count: int | None = Field(default=None, ge=0)
    items: list[ItemIn] | None = None
    documents: list[DocumentIn] | None = None
    contact: ContactIn | None = None
    no_contact: bool = False
    updated_at: datetime | None = None
    fire_webhook: bool = False
    trigger: str | None = None


class EventIn(EventChange):
    """A new event; defaults make a CLOSED event today at location 20271."""

    id: int | None = None
    name: str | None = "Sandbox Event"
    status: Status | None = "CLOSED"
    location_id: int | None = 20271
    event_date: str | None = "today"
    start_time: str | None = "18:00"
    duration_minutes: int | None = 180
    guest_count: int | None = 20
    created_at: datetime | None = None


def parse_day(text: str, today: date) -> date:
    match = re.fullmatch(r"today(?:\s*([+-])\s*(\d+))?", text.strip().lower())
    if match:
        days = int(match.group(2) or 0) * (-1 if match.group(1) == "-" else 1)
        return today + timedelta(days=days)
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(f"event_date {text!r}: expected today, today+N, YYYY-MM-DD or MM/DD/YYYY")


def parse_time(text: str) -> time:
    hour, minute = (int(p) for p in text.split(":"))
    return time(hour, minute)


def item_spec(item: ItemIn) -> ItemSpec:
    known = MENU_BY_ID.get(item.menu_item_id) if item.menu_item_id is not None else None
    if item.menu_item_id is not None and known is None:
        raise ValueError(f"unknown menu_item_id {item.menu_item_id}")
    name = item.name or (known.name if known else None)
    if name is None:
        raise ValueError("an item needs a menu_item_id or a name")
    price = item.price if item.price is not None else (known.price if known else Decimal("0"))
    return ItemSpec(
        item.menu_item_id,
        name,
        item.quantity,
        price,
        item.category or (known.category if known else "Food"),
        item.section or (known.section if known else "Custom"),
    )


def document_spec(doc: DocumentIn, site: Site) -> DocumentSpec:
    base = DocumentSpec(
        doc.title,
        tuple(item_spec(i) for i in doc.items),
        service_rate=Decimal("0.20"),
        tax_rate=site.tax_rate,
    )
    return apply_money(base, doc)


def apply_money(spec: DocumentSpec, money: MoneyIn) -> DocumentSpec:
    """`spec` with the money fields `money` sets (an explicit null removes a discount or rate)."""
    given = money.model_fields_set
    service = money.service_charge_rate or None
    gratuity = money.gratuity_rate or None
    return dataclasses.replace(
        spec,
        discount=money.discount if "discount" in given else spec.discount,
        service_rate=service if "service_charge_rate" in given else spec.service_rate,
        gratuity_rate=gratuity if "gratuity_rate" in given else spec.gratuity_rate,
        tax_rate=money.tax_rate if money.tax_rate is not None else spec.tax_rate,
        payment_plan=money.payments or spec.payment_plan,
        deposit=money.deposit if money.deposit is not None else spec.deposit,
    )


MONEY_FIELDS = {
    "items",
    "discount",
    "service_charge_rate",
    "gratuity_rate",
    "tax_rate",
    "payments",
    "deposit",
}


def new_documents(body: EventIn, site: Site) -> list[DocumentSpec]:
    if body.documents is not None:
        return [document_spec(d, site) for d in body.documents]
    doc = DocumentIn(
        items=body.items or [],
        **body.model_dump(include=set(MoneyIn.model_fields), exclude_unset=True),
    )
    if not body.items:
        doc = doc.model_copy(
            update={"items": [ItemIn(menu_item_id=5025, quantity=Decimal(body.guest_count or 1))]}
        )
    return [document_spec(doc, site)]


def changed_documents(body: EventChange, ev: EventRec, site: Site) -> list[DocumentSpec] | None:
    """The documents after `body`, or None when it changes no money."""
    if body.documents is not None:
        return [document_spec(d, site) for d in body.documents]
    if not (MONEY_FIELDS & body.model_fields_set):
        return None
    if not ev.documents:
        return [
            document_spec(
                DocumentIn(
                    items=body.items or [],
                    **body.model_dump(include=set(MoneyIn.model_fields), exclude_unset=True),
                ),
                site,
            )
        ]
    first = ev.documents[0].spec
    if body.items is not None:
        first = dataclasses.replace(first, items=tuple(item_spec(i) for i in body.items))
    return [apply_money(first, body), *(d.spec for d in ev.documents[1:])]


def contact_of(body: EventChange, fallback_id: int) -> Contact | None:
    if body.contact is None:
        return None
    c = body.contact
    email = c.email or f"{c.first_name}.{c.last_name}@example.com".lower()
    return Contact(fallback_id, c.first_name, c.last_name, email, c.phone or "555-0199")
