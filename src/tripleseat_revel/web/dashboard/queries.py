"""Read models for the dashboard, from the connector's own tables (no vendor call)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from tripleseat_revel.integrations.tripleseat.webhooks import MAX_ID
from tripleseat_revel.models import AuditEntry, EventRecord, ProductMappingRow, Switch
from tripleseat_revel.sync import ledger
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.sync.decide import Switches
from tripleseat_revel.sync.switches import read_switches

ATTENTION_STATES = ("failed", "drift", "missed")
ATTENTION_DAYS = 30
UNKNOWN_LOCATION = "No configured location"
MAX_ID_DIGITS = len(str(MAX_ID))


@dataclass(frozen=True)
class EventRow:
    id: int
    name: str
    date: str | None
    start_at: datetime | None
    location: str
    timezone: str
    ts_status: str | None
    state: str
    outcome: str | None
    reason: str | None
    revel_order_id: int | None
    attempts: int
    last_error: str | None
    last_synced_at: datetime | None


@dataclass(frozen=True)
class EventFilter:
    start: str
    end: str
    location: str | None = None
    state: str | None = None
    text: str | None = None


def timezones(rt: Runtime) -> dict[str, str]:
    """Location name -> IANA time zone (the first location's zone for anything unknown)."""
    return {loc.name: loc.timezone for loc in rt.config.location}


def default_timezone(rt: Runtime) -> str:
    return rt.config.location[0].timezone


def today(rt: Runtime, tz: str | None = None) -> date:
    return rt.clock().astimezone(ZoneInfo(tz or default_timezone(rt))).date()


def _row(rt: Runtime, record: EventRecord) -> EventRow:
    location = record.location_name or UNKNOWN_LOCATION
    return EventRow(
        id=record.event_id,
        name=record.name or f"Event {record.event_id}",
        date=record.event_date,
        start_at=record.start_at,
        location=location,
        timezone=timezones(rt).get(location, default_timezone(rt)),
        ts_status=record.ts_status,
        state=record.state,
        outcome=record.outcome,
        reason=record.reason,
        revel_order_id=record.revel_order_id,
        attempts=record.attempts,
        last_error=record.last_error,
        last_synced_at=record.last_synced_at,
    )


def _where(query: sa.Select[Any], f: EventFilter) -> sa.Select[Any]:
    query = query.where(EventRecord.event_date >= f.start, EventRecord.event_date <= f.end)
    if f.location == UNKNOWN_LOCATION:
        query = query.where(EventRecord.location_name.is_(None))
    elif f.location:
        query = query.where(EventRecord.location_name == f.location)
    if f.state:
        query = query.where(EventRecord.state == f.state)
    text = (f.text or "").strip()
    if text.isascii() and text.isdigit():
        # A number past any event id matches none (as a bound parameter it would overflow).
        digits = text.lstrip("0")
        wanted = int(text) if len(digits) <= MAX_ID_DIGITS and int(text) <= MAX_ID else -1
        query = query.where(EventRecord.event_id == wanted)
    elif text:
        query = query.where(EventRecord.name.ilike(f"%{text}%"))
    return query


def events(rt: Runtime, f: EventFilter, limit: int = 500) -> list[EventRow]:
    """The ledger's events dated within the filter's window, by date and start time."""
    query = _where(sa.select(EventRecord), f)
    query = query.order_by(EventRecord.event_date, EventRecord.start_at, EventRecord.event_id).limit(limit)
    with rt.db.session() as session:
        return [_row(rt, record) for record in session.scalars(query)]


def events_by_id(rt: Runtime, ids: list[int]) -> dict[int, EventRow]:
    if not ids:
        return {}
    query = sa.select(EventRecord).where(EventRecord.event_id.in_(ids[:500]))
    with rt.db.session() as session:
        return {record.event_id: _row(rt, record) for record in session.scalars(query)}


def by_location(rows: list[EventRow]) -> list[tuple[str, list[EventRow]]]:
    groups: dict[str, list[EventRow]] = {}
    for row in rows:
        groups.setdefault(row.location, []).append(row)
    return sorted(groups.items(), key=lambda item: (item[0] == UNKNOWN_LOCATION, item[0]))


def state_counts(rows: list[EventRow]) -> Counter[str]:
    return Counter(row.state for row in rows)


def location_names(rt: Runtime) -> list[str]:
    return [loc.name for loc in rt.config.location] + [UNKNOWN_LOCATION]


def _attention_query(rt: Runtime) -> sa.Select[Any]:
    since = (today(rt) - timedelta(days=ATTENTION_DAYS)).isoformat()
    return sa.select(EventRecord).where(
        EventRecord.state.in_(ATTENTION_STATES),
        sa.or_(EventRecord.event_date >= since, EventRecord.event_date.is_(None)),
    )


def attention_count(rt: Runtime) -> int:
    query = sa.select(sa.func.count()).select_from(_attention_query(rt).subquery())
    with rt.db.session() as session:
        return int(session.scalar(query) or 0)


def event(rt: Runtime, event_id: int) -> tuple[EventRecord | None, list[AuditEntry]]:
    """An event's ledger row and audit trail (detached: safe to read after the session)."""
    with rt.db.session() as session:
        record = ledger.get_record(session, event_id)
        trail = ledger.audit_trail(session, event_id)
        session.expunge_all()
    return record, trail


def switches(rt: Runtime) -> Switches:
    with rt.db.session() as session:
        return read_switches(session, rt.settings)


def switch_rows(rt: Runtime) -> dict[str, Switch]:
    with rt.db.session() as session:
        rows = {row.name: row for row in session.scalars(sa.select(Switch))}
        session.expunge_all()
    return rows


def recent_audit(rt: Runtime, kind: str, limit: int = 20) -> list[AuditEntry]:
    """The latest audit entries of one kind (switch changes, saved mappings), newest first."""
    query = sa.select(AuditEntry).where(AuditEntry.kind == kind).order_by(AuditEntry.id.desc()).limit(limit)
    with rt.db.session() as session:
        rows = list(session.scalars(query))
        session.expunge_all()
    return rows


def saved_mappings(rt: Runtime) -> list[ProductMappingRow]:
    query = sa.select(ProductMappingRow).order_by(ProductMappingRow.created_at.desc()).limit(200)
    with rt.db.session() as session:
        rows = list(session.scalars(query))
        session.expunge_all()
    return rows
