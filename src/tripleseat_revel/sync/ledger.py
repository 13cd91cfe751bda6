"""Ledger, audit and write-ahead ops: every query the sync engine makes of its own tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tripleseat_revel.integrations.tripleseat.schemas import Event
from tripleseat_revel.models import AuditEntry, EventRecord, RevelOp, SyncPending
from tripleseat_revel.sync.decide import LedgerView
from tripleseat_revel.sync.outcomes import Outcome


def now_utc() -> datetime:
    return datetime.now(UTC)


# ---- event ledger ----------------------------------------------------------------------------


def get_record(session: Session, event_id: int) -> EventRecord | None:
    return session.get(EventRecord, event_id)


def ledger_view(record: EventRecord | None) -> LedgerView:
    if record is None:
        return LedgerView()
    return LedgerView(
        injected=record.injected_fingerprint is not None and record.revel_order_id is not None,
        local_id=record.local_id,
        ts_fingerprint=record.ts_fingerprint,
        injected_fingerprint=record.injected_fingerprint,
        injected_plan=record.injected_plan,
        revel_order_id=record.revel_order_id,
        drifted=record.state == "drift",
        reason=record.reason,
    )


def _ensure(session: Session, event_id: int) -> EventRecord:
    record = session.get(EventRecord, event_id)
    if record is None:
        record = EventRecord(event_id=event_id, state="pending", attempts=0)
        session.add(record)
    return record


def note_event(
    session: Session,
    event: Event,
    *,
    location_name: str | None = None,
    establishment: int | None = None,
) -> EventRecord:
    """Refresh the ledger's copy of the event's descriptive fields."""
    record = _ensure(session, event.id)
    record.name = event.name
    record.event_date = event.local_date.isoformat() if event.local_date else None
    record.start_at = event.start_instant
    record.ts_status = event.status_upper or None
    record.site_id = event.effective_site_id
    record.location_id = event.effective_location_id
    if location_name is not None:
        record.location_name = location_name
    if establishment is not None:
        record.establishment_id = establishment
    return record


def record_outcome(
    session: Session,
    event_id: int,
    outcome: Outcome,
    reason: str,
    *,
    correlation_id: str | None,
    ts_updated_at: str | None = None,
    ts_fingerprint: str | None = None,
    plan: dict[str, Any] | None = None,
    unmapped: list[Any] | None = None,
    drift: dict[str, Any] | None = None,
    error: str | None = None,
    order_id: int | None = None,
) -> EventRecord:
    """Store the outcome of a sync run on the event's ledger row."""
    record = _ensure(session, event_id)
    if order_id is not None:
        record.revel_order_id = order_id
    record.outcome = outcome.value
    record.state = outcome.state
    record.reason = reason
    record.correlation_id = correlation_id
    record.last_synced_at = now_utc()
    record.attempts = (record.attempts or 0) + 1
    record.last_error = error
    if plan is not None:
        record.plan = plan
        record.plan_fingerprint = plan.get("fingerprint")
    record.unmapped = unmapped if outcome is Outcome.FAILED_UNMAPPED or unmapped else None
    if outcome is not Outcome.DRIFT or drift is not None:
        record.drift = drift
    if ts_updated_at is not None:
        record.ts_updated_at = ts_updated_at
    if ts_fingerprint is not None:
        record.ts_fingerprint = ts_fingerprint
    return record


def mark_injected(
    session: Session,
    event_id: int,
    *,
    local_id: str,
    order_id: int,
    plan: dict[str, Any],
    ts_updated_at: str | None,
    ts_fingerprint: str | None,
) -> None:
    """The order now matches `plan`: it becomes the baseline for drift detection."""
    record = _ensure(session, event_id)
    record.local_id = local_id
    record.revel_order_id = order_id
    record.injected_fingerprint = plan.get("fingerprint")
    record.injected_plan = plan
    record.injected_at = record.injected_at or now_utc()
    record.ts_updated_at = ts_updated_at
    record.ts_fingerprint = ts_fingerprint
    record.drift = None


# ---- audit -----------------------------------------------------------------------------------


def audit(
    session: Session,
    event_id: int | None,
    kind: str,
    message: str = "",
    *,
    correlation_id: str | None = None,
    workflow_id: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            event_id=event_id,
            kind=kind,
            message=message,
            correlation_id=correlation_id,
            workflow_id=workflow_id,
            data=data,
            at=now_utc(),
        )
    )


def audit_trail(session: Session, event_id: int, limit: int = 500) -> list[AuditEntry]:
    query = sa.select(AuditEntry).where(AuditEntry.event_id == event_id).order_by(AuditEntry.id).limit(limit)
    return list(session.scalars(query))


# ---- write-ahead ops of an order -------------------------------------------------------------


def ops_of(session: Session, local_id: str) -> dict[str, RevelOp]:
    rows = session.scalars(sa.select(RevelOp).where(RevelOp.local_id == local_id))
    return {row.op: row for row in rows}


def op_intent(session: Session, local_id: str, op: str, event_id: int) -> None:
    row = session.get(RevelOp, (local_id, op))
    if row is None:
        session.add(RevelOp(local_id=local_id, op=op, event_id=event_id, state="intent", attempts=1))
    else:
        row.state = "intent" if row.state != "done" else row.state
        row.attempts += 1


def op_done(session: Session, local_id: str, op: str, event_id: int, revel_id: int | None) -> None:
    row = session.get(RevelOp, (local_id, op))
    if row is None:
        session.add(RevelOp(local_id=local_id, op=op, event_id=event_id, state="done", revel_id=revel_id))
    else:
        row.state = "done"
        row.revel_id = revel_id


# ---- pending (coalesced) sync requests -------------------------------------------------------


def claim_pending(session: Session, event_id: int, workflow_id: str) -> bool:
    """The run `workflow_id` starts: later triggers must queue a new run. True if it was pending."""
    result = session.execute(
        sa.delete(SyncPending).where(SyncPending.event_id == event_id, SyncPending.workflow_id == workflow_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
