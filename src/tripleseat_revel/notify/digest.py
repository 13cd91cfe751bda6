"""The daily digest: the day's events with their order state, and what needs someone.

Read from the connector's own ledger (no vendor call). Sent once per day (its `email_log` key is
the day), by `tripleseat-revel digest` from cron or any scheduler.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from tripleseat_revel.db import Database
from tripleseat_revel.kit.states import STATE_LABELS as LABELS
from tripleseat_revel.models import EventRecord
from tripleseat_revel.notify.emails import dashboard_link, nice_date, render
from tripleseat_revel.notify.service import Email, Notifier

# Failures and missed events stand out in the digest.
STATE_LABELS = {
    state: label.upper() if state in ("failed", "missed") else label for state, label in LABELS.items()
}
ATTENTION = ("failed", "drift", "missed")
WINDOW_DAYS = 7


@dataclass(frozen=True)
class DigestRow:
    event_id: int
    name: str
    date: str | None
    location: str
    state: str
    outcome: str | None
    reason: str | None
    revel_order_id: int | None

    @property
    def label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)


@dataclass(frozen=True)
class Digest:
    day: date
    events: list[DigestRow]
    attention: list[DigestRow]
    counts: Counter[str] = field(default_factory=Counter)


def _row(record: EventRecord) -> DigestRow:
    return DigestRow(
        record.event_id,
        record.name or f"Event {record.event_id}",
        record.event_date,
        record.location_name or "No configured location",
        record.state,
        record.outcome,
        record.reason,
        record.revel_order_id,
    )


def collect(db: Database, day: date) -> Digest:
    """The events dated `day`, and the failed/changed/missed ones within a week of it."""
    on_day = sa.select(EventRecord).where(EventRecord.event_date == day.isoformat())
    around = sa.select(EventRecord).where(
        EventRecord.state.in_(ATTENTION),
        EventRecord.event_date >= (day - timedelta(days=WINDOW_DAYS)).isoformat(),
        EventRecord.event_date <= (day + timedelta(days=WINDOW_DAYS)).isoformat(),
    )
    order = (EventRecord.location_name, EventRecord.start_at, EventRecord.event_id)
    with db.session() as session:
        events = [_row(r) for r in session.scalars(on_day.order_by(*order))]
        attention = [_row(r) for r in session.scalars(around.order_by(EventRecord.event_date, *order))]
    return Digest(day, events, attention, Counter(row.state for row in events))


def compose_digest(digest: Digest, *, public_url: str | None = None) -> Email:
    injected, needs = digest.counts["verified"], len(digest.attention)
    subject = (
        f"Daily summary {nice_date(digest.day.isoformat())}: {injected} of "
        f"{len(digest.events)} events on the POS, {needs} need attention"
    )
    context = {
        "digest": digest,
        "day": digest.day.isoformat(),
        "labels": STATE_LABELS,
        "link": dashboard_link(public_url, "/"),
        "path": "/",
        "base": (public_url or "").rstrip("/"),
    }
    text, html = render("digest", context)
    return Email("digest", None, subject, text, html, dedup=digest.day.isoformat())


def send_digest(notifier: Notifier, db: Database, day: date, *, public_url: str | None = None) -> bool:
    """Send `day`'s digest unless it went out already. True if sent now."""
    return notifier.send(compose_digest(collect(db, day), public_url=public_url))
