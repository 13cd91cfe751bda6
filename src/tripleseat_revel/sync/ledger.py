"""Ledger, audit and write-ahead ops: every query the sync engine makes of its own tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tripleseat_revel.integrations.tripleseat.schemas import Event
from tripleseat_revel.logging import scrub_data, scrub_text
from tripleseat_revel.models import AuditEntry, EventRecord, RevelOp, SyncPending
from tripleseat_revel.sync.decide import LedgerView
from tripleseat_revel.sync.outcomes import EventState, Outcome

# A write begun this long ago and never verified was left by a run that ended (cancelled, crashed
# past its recovery attempts): a sync must finish it, and an operator should see it.
STALE_WRITING = timedelta(minutes=30)


_OPS: sa.Table = RevelOp.__table__  # type: ignore[assignment]
_AUDIT: sa.Table = AuditEntry.__table__  # type: ignore[assignment]

# The statements of the write path, built once: each Revel write runs three of them, and building
# a statement (and its cache key) costs more than SQLite takes to run it.
_THIS_OP = sa.and_(_OPS.c.local_id == sa.bindparam("p_local_id"), _OPS.c.op == sa.bindparam("p_op"))
_OP_RECORDED = sa.select(_OPS.c.state, _OPS.c.answer).where(_THIS_OP)
_OP_NEW = sa.insert(_OPS)
_OP_INTENT = (
    sa.update(_OPS)
    .where(_THIS_OP)
    .values(
        state=sa.case((_OPS.c.state == "done", _OPS.c.state), else_=sa.literal("intent")),
        attempts=_OPS.c.attempts + 1,
    )
)
_OP_DONE = sa.update(_OPS).where(_THIS_OP)
_AUDIT_LINE = sa.insert(_AUDIT)


def now_utc() -> datetime:
    return datetime.now(UTC)


def left_writing(now: datetime) -> sa.ColumnElement[bool]:
    """Ledger rows whose write began more than STALE_WRITING before `now` and never ended."""
    return sa.and_(
        EventRecord.state == EventState.WRITING.value, EventRecord.updated_at < now - STALE_WRITING
    )


# ---- event ledger ----------------------------------------------------------------------------


def get_record(session: Session, event_id: int) -> EventRecord | None:
    return session.get(EventRecord, event_id)


def ledger_view(record: EventRecord | None) -> LedgerView:
    if record is None:
        return LedgerView()
    return LedgerView(
        state=EventState(record.state),
        outcome=record.outcome,
        reason=record.reason,
        ts_fingerprint=record.ts_fingerprint,
        local_id=record.local_id,
        revel_order_id=record.revel_order_id,
        order_establishment=record.order_establishment,
        order_date=record.order_date,
        verified_plan=record.verified_plan,
        verified_fingerprint=record.verified_fingerprint,
        verified_ts_fingerprint=record.verified_ts_fingerprint,
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


# What a passive run (dry run, switched off) leaves as it is.
_STANDING = frozenset(
    {
        EventState.WRITING,
        EventState.VERIFIED,
        EventState.DRIFT,
        EventState.FAILED,
        EventState.MISSED,
        EventState.RESOLVED,
    }
)


def _kept(record: EventRecord) -> EventRecord:
    """A dry run or a pause never hides an order or a problem; a run left writing is not even
    touched (the time it was last written to is what lists it as left unfinished)."""
    if record.state != EventState.WRITING.value:
        record.last_synced_at = now_utc()
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
) -> EventRecord:
    """Store the outcome of a sync run on the event's ledger row (its state follows from it)."""
    record = _ensure(session, event_id)
    if outcome.passive and EventState(record.state) in _STANDING:
        return _kept(record)
    record.outcome = outcome.value
    record.state = outcome.state.value
    # What is stored is shown on the dashboard and emailed: error text from a vendor or a
    # library may carry a key or token, so it is scrubbed here, where every outcome is stored.
    record.reason = scrub_text(reason)
    record.correlation_id = correlation_id
    record.last_synced_at = now_utc()
    record.attempts = (record.attempts or 0) + 1
    record.last_error = scrub_text(error) if error is not None else None
    if plan is not None:
        record.plan = plan
        record.plan_fingerprint = plan.get("fingerprint")
    record.unmapped = unmapped if outcome is Outcome.FAILED_UNMAPPED or unmapped else None
    if drift is not None or outcome not in (Outcome.DRIFT, Outcome.FAILED_MONEY_MISMATCH):
        record.drift = scrub_data(drift)  # a drift or mismatch that stands keeps what differs
    if outcome is not Outcome.RESOLVED:
        record.resolved_by = record.resolved_at = record.resolution = None
    if ts_updated_at is not None:
        record.ts_updated_at = ts_updated_at
    if ts_fingerprint is not None:
        record.ts_fingerprint = ts_fingerprint
    return record


def note_order(
    session: Session, event_id: int, *, local_id: str, order_id: int, establishment: int, date: str | None
) -> None:
    """The event's Revel order exists (made or found): remember it before anything is written to it."""
    record = _ensure(session, event_id)
    if record.local_id != local_id or record.revel_order_id != order_id:
        record.local_id, record.revel_order_id = local_id, order_id
        record.order_establishment, record.order_date = establishment, date
        record.verified_plan = record.verified_fingerprint = record.verified_ts_fingerprint = None


def begin_writes(session: Session, event_id: int) -> None:
    """A write to the order begins: until Revel's answers verify it, it holds no known plan."""
    record = _ensure(session, event_id)
    record.state = EventState.WRITING.value
    record.verified_plan = record.verified_fingerprint = record.verified_ts_fingerprint = None


def mark_verified(
    session: Session, event_id: int, *, plan: dict[str, Any], ts_fingerprint: str | None
) -> None:
    """Revel's answers showed the order equal to `plan` (the TripleSeat state `ts_fingerprint`)."""
    record = _ensure(session, event_id)
    record.verified_plan = plan
    record.verified_fingerprint = plan.get("fingerprint")
    record.verified_ts_fingerprint = ts_fingerprint
    record.verified_at = now_utc()
    record.order_date = plan.get("event_date")
    record.drift = None
    record.alert_episode = (record.alert_episode or 0) + 1  # a problem after this one is news


def alert_episode(session: Session, event_id: int) -> int:
    """The event's alert episode (its emails are once per episode; see EventRecord)."""
    record = session.get(EventRecord, event_id)
    return record.alert_episode if record is not None else 0


def set_alert(session: Session, event_id: int, key: str | None) -> None:
    """The email that alerts about the event's current state (None: nothing is open)."""
    _ensure(session, event_id).alert_key = key


def resolve(session: Session, event_id: int, *, by: str, note: str) -> EventRecord | None:
    """An operator acknowledges a drift or a failure: it stays resolved until the event changes."""
    record = session.get(EventRecord, event_id)
    if record is None or not EventState(record.state).open_alert:
        return record
    record.state, record.outcome = EventState.RESOLVED.value, Outcome.RESOLVED.value
    record.resolved_by, record.resolved_at, record.resolution = by, now_utc(), note
    record.alert_key = None
    record.alert_episode = (record.alert_episode or 0) + 1  # the same problem again is news
    return record


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
    """One line of the audit trail, in the caller's transaction (a plain INSERT: no ORM object)."""
    session.execute(
        _AUDIT_LINE,
        {
            "event_id": event_id,
            "kind": kind,
            "message": scrub_text(message),
            "correlation_id": correlation_id,
            "workflow_id": workflow_id,
            "data": scrub_data(data),
            "at": now_utc(),
        },
    )


def audit_trail(session: Session, event_id: int, limit: int = 500) -> list[AuditEntry]:
    query = sa.select(AuditEntry).where(AuditEntry.event_id == event_id).order_by(AuditEntry.id).limit(limit)
    return list(session.scalars(query))


# ---- write-ahead ops of an order -------------------------------------------------------------


@dataclass(frozen=True)
class RecordedOrder:
    """An order of ours on the write log: its id, and whether its totals were ever written."""

    order_id: int
    finished: bool


def recorded_order(session: Session, local_id: str) -> RecordedOrder | None:
    """The order this connector made under `local_id`, as its write log has it (None: none)."""
    row = session.get(RevelOp, (local_id, "order"))
    if row is None or row.state != "done" or row.revel_id is None:
        return None
    final = sa.select(RevelOp.op).where(
        RevelOp.local_id == local_id, RevelOp.state == "done", RevelOp.op.like("%:final:%")
    )
    return RecordedOrder(row.revel_id, finished=session.scalars(final.limit(1)).first() is not None)


def op_state(session: Session, local_id: str, op: str) -> RevelOp | None:
    return session.get(RevelOp, (local_id, op))


def has_ops(session: Session, local_id: str, *, besides: str | None = None) -> bool:
    """Whether any write of the order `local_id` is on record (other than `besides`)."""
    query = sa.select(RevelOp.op).where(RevelOp.local_id == local_id)
    if besides is not None:
        query = query.where(RevelOp.op != besides)
    return session.scalars(query.limit(1)).first() is not None


def claim_op(session: Session, local_id: str, op: str, event_id: int) -> tuple[str, dict[str, Any] | None]:
    """The op's recorded state ("" if none) and answer; its intent recorded unless it is done with
    an answer (then nothing is left to do). Plain statements: the write path runs them per write."""
    key = {"p_local_id": local_id, "p_op": op}
    row = session.execute(_OP_RECORDED, key).first()
    if row is None:
        new = {"local_id": local_id, "op": op, "event_id": event_id, "state": "intent", "attempts": 1}
        session.execute(_OP_NEW, {**new, "updated_at": now_utc()})  # no answer yet: SQL NULL
        return "", None
    state, answer = str(row.state), row.answer
    if not (state == "done" and answer is not None):
        session.execute(_OP_INTENT, {**key, "updated_at": now_utc()})
    return state, answer


def op_intent(session: Session, local_id: str, op: str, event_id: int) -> None:
    claim_op(session, local_id, op, event_id)


def op_done(
    session: Session,
    local_id: str,
    op: str,
    event_id: int,
    revel_id: int | None,
    answer: dict[str, Any] | None = None,
) -> None:
    values = {"state": "done", "revel_id": revel_id, "answer": answer, "updated_at": now_utc()}
    done = session.execute(_OP_DONE, {"p_local_id": local_id, "p_op": op, **values})
    if not done.rowcount:  # type: ignore[attr-defined]
        session.execute(
            _OP_NEW, {"local_id": local_id, "op": op, "event_id": event_id, "attempts": 0, **values}
        )


# ---- pending (coalesced) sync requests -------------------------------------------------------


def claim_pending(session: Session, event_id: int, workflow_id: str) -> bool:
    """The run `workflow_id` starts: later triggers must queue a new run. True if it was pending."""
    result = session.execute(
        sa.delete(SyncPending).where(SyncPending.event_id == event_id, SyncPending.workflow_id == workflow_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
