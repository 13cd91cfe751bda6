"""Open problems: events in drift or failed (or missed, or left mid-write by a run that ended), with
what differs, until a sync makes the order right or an operator resolves them. What an operator can
do: re-sync (the order is compared with the event again), amend now (a drift on an order the
connector could change), acknowledge (resolved until the event changes again)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from tripleseat_revel.models import EventRecord
from tripleseat_revel.sync import ledger
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.sync.outcomes import EventState

OPEN = tuple(s.value for s in EventState if s.open_alert)
LOOK_BACK = timedelta(days=30)


@dataclass(frozen=True)
class Problem:
    event_id: int
    name: str | None
    date: str | None
    location: str | None
    state: str
    outcome: str | None
    reason: str | None
    revel_order_id: int | None
    changes: list[str] = field(default_factory=list)  # what differs (a drift's diff)
    unmapped: list[dict[str, Any]] = field(default_factory=list)
    alert_key: str | None = None

    @property
    def amendable(self) -> bool:
        """A drift on an order that exists: "amend now" may make it follow the event."""
        return self.state == EventState.DRIFT.value and self.revel_order_id is not None


def _reason(record: EventRecord) -> str | None:
    if record.state == EventState.WRITING.value:
        return (
            f"a write to Revel order {record.revel_order_id} began and was never verified (its run "
            "ended); the next reconcile finishes it, or re-sync it now"
        )
    return record.reason


def _problem(record: EventRecord) -> Problem:
    drift = record.drift or {}
    return Problem(
        event_id=record.event_id,
        name=record.name,
        date=record.event_date,
        location=record.location_name,
        state=record.state,
        outcome=record.outcome,
        reason=_reason(record),
        revel_order_id=record.revel_order_id,
        changes=list(drift.get("changes") or []),
        unmapped=[u for u in record.unmapped or [] if isinstance(u, dict)],
        alert_key=record.alert_key,
    )


def open_problems(rt: Runtime, *, since: datetime | None = None) -> list[Problem]:
    """Every open drift, failure, missed event and write left unfinished, dated from `since` (30
    days back) on, soonest first."""
    now = rt.clock()
    earliest = (since or now - LOOK_BACK).date().isoformat()
    dated = sa.or_(EventRecord.event_date >= earliest, EventRecord.event_date.is_(None))
    query = (
        sa.select(EventRecord)
        .where(sa.or_(EventRecord.state.in_(OPEN), ledger.left_writing(now)), dated)
        .order_by(EventRecord.event_date, EventRecord.event_id)
        .limit(1000)
    )
    with rt.db.session() as session:
        return [_problem(record) for record in session.scalars(query)]


def problem_of(rt: Runtime, event_id: int) -> Problem | None:
    with rt.db.session() as session:
        record = ledger.get_record(session, event_id)
        return _problem(record) if record is not None else None


def acknowledge(rt: Runtime, event_id: int, *, by: str, note: str) -> Problem | None:
    """An operator resolves an open problem (audited): it stays resolved until TripleSeat changes
    the event. None when the event has no open problem."""
    with rt.db.session() as session:
        record = ledger.get_record(session, event_id)
        if record is None or not EventState(record.state).open_alert:
            return None
        before = _problem(record)
        ledger.resolve(session, event_id, by=by, note=note)
        ledger.audit(
            session,
            event_id,
            "problem.acknowledged",
            f"{before.outcome} acknowledged by {by}: {note or 'no note'}",
            data={"by": by, "note": note, "outcome": before.outcome, "changes": before.changes},
        )
    return before
