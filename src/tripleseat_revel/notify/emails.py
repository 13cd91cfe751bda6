"""Email content for each kind of outcome: Jinja templates, plain text and HTML (notify/templates).

`dedup` is what makes an email distinct for its event and kind: the same outcome composed again
(a retry failing the same way, a re-check of an unchanged order) gets the same key in `email_log`
and is not sent again. It holds only stable facts, never a vendor's error text, which can differ
on every attempt, and the event's alert episode (bumped when its order is verified or an operator
resolves its alert): the same problem coming back after a recovery is emailed again.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import jinja2
from pydantic import BaseModel, Field

from tripleseat_revel.kit.money import TOTALS, money_text, quantity_text
from tripleseat_revel.logging import get_logger
from tripleseat_revel.notify.service import Email

log = get_logger(__name__)

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
    env.filters.update(money=money_text, quantity=quantity_text, nice_date=nice_date)
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


class OutcomeFacts(BaseModel):
    """What an outcome's email says, as the sync hands it over (this layer knows nothing of syncs)."""

    event_id: int
    outcome: str
    reason: str = ""
    error: str | None = None
    name: str | None = None
    date: str | None = None
    location: str | None = None
    revel_order_id: int | None = None
    plan: dict[str, Any] | None = None  # the plan snapshot (OrderPlan.to_json())
    unmapped: list[dict[str, Any]] = Field(default_factory=list)
    changes: list[str] = Field(default_factory=list)
    ts_fingerprint: str | None = None  # TripleSeat's material state of the event
    episode: int = 0  # the event's alert episode (sync/ledger.py: alert_episode)


def _context(facts: OutcomeFacts, public_url: str | None) -> dict[str, Any]:
    path = f"/events/{facts.event_id}"
    return {
        "event_id": facts.event_id,
        "name": facts.name or f"Event {facts.event_id}",
        "date": facts.date,
        "location": facts.location,
        "outcome": facts.outcome,
        "reason": facts.reason,
        "error": facts.error,
        "revel_order_id": facts.revel_order_id,
        "plan": _plan(facts.plan),
        "unmapped": facts.unmapped,
        "changes": facts.changes or [facts.reason],
        "what_failed": WHAT_FAILED.get(facts.outcome, "an error"),
        "what_to_do": WHAT_TO_DO.get(facts.outcome, WHAT_TO_DO["FAILED"]),
        "link": dashboard_link(public_url, path),
        "path": path,
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


def _dedup(kind: str, facts: OutcomeFacts) -> str:
    # Episode 0 (every event before alert episodes existed) keeps the keys it was emailed under.
    fact = _dedup_fact(kind, facts)
    return f"{fact}#{facts.episode}" if facts.episode else fact


def _dedup_fact(kind: str, facts: OutcomeFacts) -> str:
    outcome = facts.outcome
    if kind == "success":
        return f"{outcome}:{(facts.plan or {}).get('fingerprint')}"
    if kind == "drift":
        # The event's material state: a re-check of the same change (which may carry the diff only
        # in its reason) is not a new change.
        return f"{outcome}:{facts.ts_fingerprint or facts.reason}"
    if kind == "missed":
        return outcome
    if outcome == "FAILED":
        # A vendor error's text differs from one attempt to the next: one email per vendor.
        return f"{outcome}:{facts.reason.split(':', 1)[0]}"
    return f"{outcome}:{facts.reason}"


def _plain_text(context: dict[str, Any]) -> str:
    """The facts of an outcome without a template (when its template fails on unusual data)."""
    where = context["link"] or context["path"]
    return f"{context['name']} ({context['date']}): {context['outcome']}\n{context['reason']}\n\n{where}\n"


def compose(kind: str, facts: OutcomeFacts, *, public_url: str | None = None) -> Email:
    """The email of an outcome. `kind`: success | failure | drift | missed. It never fails: an
    outcome whose template cannot be rendered gets a plain text (and the error is logged)."""
    context = _context(facts, public_url)
    subject = _subject(kind, context)
    try:
        text, html = render(kind, context)
    except Exception as exc:
        log.error("email.template_failed", kind=kind, event_id=facts.event_id, error=type(exc).__name__)
        text, html = _plain_text(context), None
    return Email(kind, facts.event_id, subject, text, html, dedup=_dedup(kind, facts))
