"""TripleSeat's JSON shapes (reference/tripleseat-api.md §3): events, documents, sites, locations.

Money is rendered the way Rails renders decimals ("1800.0", "2741.25") by default, or as JSON
numbers with `money_format="number"` (the sources disagree; clients must accept both).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal

from tripleseat_revel.kit.timezones import zone
from tripleseat_revel.sandbox.tripleseat.models import (
    DocumentRec,
    EventRec,
    LineItem,
    Location,
    PaymentRec,
    Site,
)

MoneyFormat = Literal["string", "number"]
Json = dict[str, Any]
CUSTOMER_ID = 1001
OWNER_ID = 42


def money(value: Decimal | None, fmt: MoneyFormat) -> str | float | None:
    """Decimal → "1800.0" / "2741.25" (Rails BigDecimal style) or a JSON number."""
    if value is None:
        return None
    if fmt == "number":
        return float(value)
    if value == value.to_integral_value():
        return f"{int(value)}.0"
    return format(value.normalize(), "f")


def us_date(day: date) -> str:
    return day.strftime("%m/%d/%Y")


def us_datetime(value: datetime, *, pad_hour: bool = True) -> str:
    """'12/28/2025 06:00 PM' (pad_hour) or '12/28/2025 6:00 PM'."""
    hour = value.strftime("%I")
    hour = hour if pad_hour else hour.lstrip("0")
    return f"{value.strftime('%m/%d/%Y')} {hour}:{value.strftime('%M %p')}"


def clock_time(value: datetime) -> str:
    return f"{value.strftime('%I').lstrip('0')}:{value.strftime('%M %p')}"


def site_local(instant: datetime, site: Site) -> datetime:
    return instant.astimezone(zone(site.timezone))


def _instants(local: datetime, site: Site) -> tuple[str, str]:
    aware = local.replace(tzinfo=zone(site.timezone))
    utc = aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return utc, aware.isoformat(timespec="seconds")


def render_event(ev: EventRec, site: Site, loc: Location, *, financial: bool, fmt: MoneyFormat) -> Json:
    data = _event_core(ev, site, loc, fmt)
    data["documents"] = [render_document(d, site, financial=financial, fmt=fmt) for d in ev.documents]
    if financial:
        data["category_totals"] = _category_totals(ev, fmt)
        data["billing_totals"] = _billing_totals(ev, fmt)
    return data


def _event_core(ev: EventRec, site: Site, loc: Location, fmt: MoneyFormat) -> Json:
    start_utc, start_iso = _instants(ev.start_local, site)
    end_utc, end_iso = _instants(ev.end_local, site)
    room = next((r for r in loc.rooms if r.id == ev.room_id), loc.rooms[0])
    return {
        "id": ev.id,
        "name": ev.name,
        "status": ev.status,
        "event_date": us_date(ev.event_date),
        "event_date_iso8601": ev.event_date.isoformat(),
        "event_start": us_datetime(ev.start_local, pad_hour=False),
        "event_end": us_datetime(ev.end_local, pad_hour=False),
        "start_time": us_datetime(ev.start_local, pad_hour=False),
        "end_time": us_datetime(ev.end_local, pad_hour=False),
        "event_start_time": clock_time(ev.start_local),
        "event_end_time": clock_time(ev.end_local),
        "event_start_utc": start_utc,
        "event_end_utc": end_utc,
        "event_start_iso8601": start_iso,
        "event_end_iso8601": end_iso,
        "setup_time": ev.setup_minutes,
        "teardown_time": ev.teardown_minutes,
        "guest_count": ev.guest_count,
        "guaranteed_guest_count": ev.guest_count,
        **_event_money(ev, fmt),
        "customer_id": CUSTOMER_ID,
        "site_id": site.id,
        "location_id": loc.id,
        "location": {
            "id": loc.id,
            "name": loc.name,
            "customer_id": CUSTOMER_ID,
            "site_id": site.id,
        },
        "room_ids": [room.id],
        "rooms": [
            {
                "id": room.id,
                "name": room.name,
                "capacity": room.capacity,
                "description": None,
                "site_id": site.id,
                "location_id": loc.id,
                "is_unassigned": False,
            }
        ],
        "booking_id": ev.booking_id,
        "account_id": ev.account_id,
        "contact_id": ev.contact.id if ev.contact else None,
        "contact": _contact(ev),
        "account": {"id": ev.account_id, "name": ev.account_name},
        "owned_by": OWNER_ID,
        "created_by": OWNER_ID,
        "updated_by": OWNER_ID,
        "event_style": "On-Premise Event",
        "document_ids": ",".join(str(d.id) for d in ev.documents),
        "custom_fields": [],
        "status_changes": [
            {
                "status": c.status,
                "previous_status": c.previous_status,
                "created_at": us_datetime(site_local(c.created_at, site)),
                "created_by": OWNER_ID,
            }
            for c in ev.status_changes
        ],
        "created_at": us_datetime(site_local(ev.created_at, site)),
        "updated_at": us_datetime(site_local(ev.updated_at, site)),
        "deleted_at": None,
    }


def _event_money(ev: EventRec, fmt: MoneyFormat) -> Json:
    if not ev.documents:
        keys = ("deposit_amount", "actual_amount", "grand_total", "amount_due")
        return {key: None for key in keys}
    deposits = [p.amount for d in ev.documents for p in d.payments if p.custom_title == "Deposit"]
    return {
        "deposit_amount": money(sum(deposits, Decimal("0.00")), fmt),
        "actual_amount": money(sum((d.subtotal for d in ev.documents), Decimal("0.00")), fmt),
        "grand_total": money(sum((d.grand_total for d in ev.documents), Decimal("0.00")), fmt),
        "amount_due": money(sum((d.amount_due for d in ev.documents), Decimal("0.00")), fmt),
    }


def _contact(ev: EventRec) -> Json | None:
    c = ev.contact
    if c is None:
        return None
    return {
        "id": c.id,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "account_id": ev.account_id,
        "email_addresses": [{"id": c.id * 10 + 1, "address": c.email}] if c.email else [],
        "phone_numbers": [
            {
                "id": c.id * 10 + 2,
                "number": c.phone,
                "phone_number_type": "Mobile",
                "extension": None,
            }
        ]
        if c.phone
        else [],
    }


def render_document(doc: DocumentRec, site: Site, *, financial: bool, fmt: MoneyFormat) -> Json:
    data: Json = {
        "id": doc.id,
        "title": doc.spec.title,
        "template_document_id": 10,
        "deleted_at": None,
        "views": [
            {
                "name": "Invoice",
                "url": f"https://portal.tripleseat.com/doc/{doc.view_hash}/{doc.id}",
            }
        ],
    }
    if not financial:
        return data
    amount_due = money(doc.amount_due, fmt)
    data["line_items"] = [_line(line, fmt) for line in doc.line_items]
    data["billing_totals"] = [
        {
            "billing_id": b.billing_id,
            "description": b.description,
            "value": b.value,
            "total_price": money(b.total_price, fmt),
        }
        for b in doc.billing_totals
    ]
    data["category_totals"] = [{"name": n, "value": money(v, fmt)} for n, v in _by_category([doc])]
    data["financials"] = {
        "amount_due": amount_due,
        "grand_total": money(doc.grand_total, fmt),
        "discounts_total": money(doc.discounts_total, fmt),
    }
    data["payment_set"] = {
        "amount_due": amount_due,
        "running_balance": amount_due,
        "document_name": doc.spec.title,
        "payments": [_payment(p, site, fmt) for p in doc.payments],
    }
    return data


def _line(line: LineItem, fmt: MoneyFormat) -> Json:
    return {
        "id": line.id,
        "quantity": money(line.quantity, fmt),
        "price": money(line.price, fmt),
        "total_price": money(line.total_price, fmt),
        "discount": money(Decimal("0.0"), fmt),
        "grand_total": money(line.total_price, fmt),
        "position": line.position,
        "billing_ids": list(line.billing_ids),
        "display_name": line.display_name,
        "description": None,
        "long_description": None,
        "category": {
            "id": line.category_id,
            "name": line.category_name,
            "internal_name": line.category_name.lower(),
        },
        "section": line.section,
        "section_position": 1,
        "menu_item_id": line.menu_item_id,
    }


def _payment(p: PaymentRec, site: Site, fmt: MoneyFormat) -> Json:
    return {
        "id": p.id,
        "amount": money(p.amount, fmt),
        "state": p.state,
        "custom_title": p.custom_title,
        "paid_at": us_datetime(site_local(p.paid_at, site)) if p.paid_at else None,
        "due_at": us_date(p.due_at) if p.due_at else None,
        "payment_method": p.payment_method,
        "billing_kind": p.custom_title.lower(),
        "refunded_at": None,
        "amount_refunded": None,
    }


def _by_category(docs: list[DocumentRec]) -> list[tuple[str, Decimal]]:
    totals: dict[str, Decimal] = {}
    for doc in docs:
        for line in doc.line_items:
            totals[line.category_name] = totals.get(line.category_name, Decimal("0.00")) + line.total_price
    return list(totals.items())


def _category_totals(ev: EventRec, fmt: MoneyFormat) -> list[Json]:
    return [{"name": n, "total": money(v, fmt)} for n, v in _by_category(ev.documents)]


def _billing_totals(ev: EventRec, fmt: MoneyFormat) -> list[Json]:
    totals: dict[str, Decimal] = {}
    for doc in ev.documents:
        for b in doc.billing_totals:
            totals[b.description] = totals.get(b.description, Decimal("0.00")) + b.total_price
    return [{"name": n, "total": money(v, fmt)} for n, v in totals.items()]


def webhook_object(ev: EventRec, site: Site, loc: Location) -> Json:
    """The event summary a webhook carries (a hint; the connector re-fetches the event)."""
    core = _event_core(ev, site, loc, "string")
    keys = (
        "id",
        "name",
        "event_date",
        "status",
        "site_id",
        "location_id",
        "updated_at",
        "event_start",
        "event_end",
        "guest_count",
        "booking_id",
    )
    return {key: core[key] for key in keys}


def render_site(site: Site, locations: list[Location]) -> Json:
    return {
        "id": site.id,
        "customer_id": CUSTOMER_ID,
        "name": site.name,
        "subdomain": site.subdomain,
        "timezone": site.timezone,
        "currency_code": "USD",
        "location_ids": [loc.id for loc in locations if loc.site_id == site.id],
        "event_types": [
            {"id": 1, "name": "Dinner"},
            {"id": 2, "name": "Reception"},
            {"id": 3, "name": "Corporate"},
        ],
        "lead_sources": [{"id": 1, "name": "Website"}, {"id": 2, "name": "Referral"}],
    }


def render_location(loc: Location, site: Site) -> Json:
    return {
        "id": loc.id,
        "name": loc.name,
        "customer_id": CUSTOMER_ID,
        "site_id": site.id,
        "site_name": site.name,
        "room_ids": [r.id for r in loc.rooms],
        "currency_code": "USD",
        "created_at": "01/15/2024 09:30 AM",
        "updated_at": "06/02/2025 02:15 PM",
        "custom_fields": [],
        "rooms": [{"id": r.id, "name": r.name, "capacity": r.capacity, "descendants": []} for r in loc.rooms],
    }
