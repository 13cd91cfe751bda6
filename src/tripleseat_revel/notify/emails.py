"""Email content for each kind of outcome: Jinja templates, plain text and HTML (notify/templates).

`dedup` is what makes an email distinct for its event and kind: the same outcome composed again
(a retry failing the same way, a re-check of an unchanged order) gets the same key in `email_log`
and is not sent again. It holds only stable facts, never a vendor's error text, which can differ
on every attempt.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import jinja2

from tripleseat_revel.notify.service import Email

WHAT_TO_DO = {
    "FAILED_UNMAPPED": "Map each item to a Revel product (dashboard: Unmapped items), then Retry.",
    "FAILED_MISSING_DATA": "Complete the event in TripleSeat (date, menu document), then Retry.",
    "FAILED_MONEY_MISMATCH": "Check the event's document totals in TripleSeat, then Retry.",
    "FAILED_CONFIG": "Fix the locations file (see the reason), restart, then Retry.",
    "FAILED": "It retries by itself; if this persists, check the vendor status, then Retry.",
    "MISSED": "The event day passed without an order: enter it in Revel by hand if still needed.",
}
WHAT_FAILED = {
    "FAILED_UNMAPPED": "items with no Revel product",
    "FAILED_MISSING_DATA": "the event is missing data",
    "FAILED_MONEY_MISMATCH": "the event's totals do not add up",
    "FAILED_CONFIG": "a configuration problem",
    "FAILED": "a TripleSeat or Revel error",
}
TOTALS = (
    ("subtotal", "Subtotal"),
    ("discount", "Discount"),
    ("service_charge", "Service charge"),
    ("gratuity", "Gratuity"),
    ("tax", "Tax"),
    ("final_total", "Total"),
    ("paid", "Paid"),
    ("remaining_due", "Due"),
)


def money(value: Any) -> str:
    """'1234.5' -> '1,234.50'."""
    try:
        return f"{Decimal(str(value)):,.2f}"
    except InvalidOperation:
        return str(value)


def quantity(value: Any) -> str:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{number:,.0f}" if number == number.to_integral_value() else f"{number.normalize():,}"


def nice_date(value: str | None) -> str:
    """'2026-11-25' -> 'Wed 25 Nov 2026'."""
    try:
        return date.fromisoformat(value or "").strftime("%a %d %b %Y")
    except ValueError:
        return value or "no date"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tripleseat_revel.notify", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(money=money, quantity=quantity, nice_date=nice_date)
    return env


ENV = _environment()


def render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """(text, html) of `template` (`<template>.txt` and `<template>.html`)."""
    text = ENV.get_template(f"{template}.txt").render(context)
    return text, ENV.get_template(f"{template}.html").render(context)


def dashboard_link(public_url: str | None, path: str) -> str | None:
    return f"{public_url.rstrip('/')}{path}" if public_url else None


def _plan(plan: dict[str, Any] | None) -> dict[str, Any] | None:
    if not plan:
        return None
    totals = [(label, plan["totals"].get(key, "0")) for key, label in TOTALS]
    return {"items": plan["items"], "totals": totals, "skipped": plan.get("skipped_items") or []}


def _context(
    event_id: int, result: dict[str, Any], prepared: dict[str, Any], public_url: str | None
) -> dict[str, Any]:
    event = prepared.get("event") or {}
    outcome = result.get("outcome") or ""
    return {
        "event_id": event_id,
        "name": result.get("name") or event.get("name") or f"Event {event_id}",
        "date": result.get("date") or event.get("date"),
        "location": event.get("location"),
        "outcome": outcome,
        "reason": result.get("reason") or "",
        "error": result.get("error"),
        "revel_order_id": result.get("revel_order_id"),
        "plan": _plan(prepared.get("plan")),
        "unmapped": prepared.get("unmapped") or [],
        "changes": prepared.get("changes") or [result.get("reason") or ""],
        "what_failed": WHAT_FAILED.get(outcome, "an error"),
        "what_to_do": WHAT_TO_DO.get(outcome, WHAT_TO_DO["FAILED"]),
        "link": dashboard_link(public_url, f"/events/{event_id}"),
        "path": f"/events/{event_id}",
    }


def _subject(kind: str, c: dict[str, Any]) -> str:
    when = nice_date(c["date"])
    if kind == "success":
        return f"On the POS: {c['name']}, {when} (Revel order #{c['revel_order_id']})"
    if kind == "drift":
        return f"Changed after its order was made: {c['name']}, {when}"
    if kind == "missed":
        return f"MISSED: {c['name']}, {when} never reached the POS"
    return f"Action needed: {c['name']}, {when} is not on the POS ({c['what_failed']})"


def _dedup(kind: str, result: dict[str, Any], prepared: dict[str, Any]) -> str:
    outcome = result.get("outcome") or ""
    if kind == "success":
        return f"{outcome}:{(prepared.get('plan') or {}).get('fingerprint')}"
    if kind == "drift":
        # The event's material state: a re-check of the same change (which may carry the diff only
        # in its reason) is not a new change.
        return f"{outcome}:{prepared.get('ts_fingerprint') or result.get('reason')}"
    if kind == "missed":
        return outcome
    if outcome == "FAILED":
        # A vendor error's text differs from one attempt to the next: one email per vendor.
        return f"{outcome}:{str(result.get('reason') or '').split(':', 1)[0]}"
    return f"{outcome}:{result.get('reason')}"


def compose(
    kind: str,
    event_id: int,
    result: dict[str, Any],
    prepared: dict[str, Any],
    *,
    public_url: str | None = None,
) -> Email:
    """The email of an outcome. `kind`: success | failure | drift | missed."""
    context = _context(event_id, result, prepared, public_url)
    text, html = render(kind, context)
    subject = _subject(kind, context)
    return Email(kind, event_id, subject, text, html, dedup=_dedup(kind, result, prepared))
