"""Recording a sync's outcome on the ledger and the audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tripleseat_revel.metrics import SYNCS
from tripleseat_revel.sync import ledger
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.sync.outcomes import Outcome
from tripleseat_revel.sync.prepare import AnyPrepared, Problem, Skip
from tripleseat_revel.sync.results import EventResult, event_result


def _plan_json(prepared: AnyPrepared | None) -> dict[str, Any] | None:
    plan = getattr(prepared, "plan", None)
    return plan.to_json() if plan is not None else None


def _differs(
    outcome: Outcome, reason: str, prepared: AnyPrepared | None, changes: list[str] | None
) -> dict[str, Any] | None:
    """What differs, kept on the ledger for the problems page (None: a standing drift or mismatch
    keeps what its first run found)."""
    if isinstance(prepared, Skip):
        return None
    if changes or outcome in (Outcome.DRIFT, Outcome.FAILED_MONEY_MISMATCH):
        return {"changes": changes or [], "reason": reason}
    return None


def _store(
    session: Session,
    event_id: int,
    outcome: Outcome,
    reason: str,
    prepared: AnyPrepared | None,
    changes: list[str] | None,
    *,
    error: str | None,
    correlation_id: str | None,
) -> None:
    """The outcome on the event's ledger row (and, for a success, the plan now verified)."""
    plan = _plan_json(prepared)
    ts_fingerprint = prepared.ts_fingerprint if prepared is not None else None
    if outcome.on_the_pos and plan is not None:
        ledger.mark_verified(session, event_id, plan=plan, ts_fingerprint=ts_fingerprint)
    ledger.record_outcome(
        session,
        event_id,
        outcome,
        reason,
        correlation_id=correlation_id,
        ts_updated_at=prepared.ts_updated_at if prepared is not None else None,
        ts_fingerprint=ts_fingerprint,
        plan=plan,
        unmapped=[u.model_dump(mode="json") for u in prepared.unmapped]
        if isinstance(prepared, Problem)
        else None,
        drift=_differs(outcome, reason, prepared, changes),
        error=error,
    )


def record(
    rt: Runtime,
    event_id: int,
    outcome: Outcome,
    reason: str,
    *,
    prepared: AnyPrepared | None = None,
    changes: list[str] | None = None,
    error: str | None = None,
    correlation_id: str | None = None,
    workflow_id: str | None = None,
) -> EventResult:
    """Store the outcome and audit it. A success means Revel's answers showed the order equal to the
    plan: that plan becomes the verified one, the baseline the next change is compared with."""
    changes = changes if changes is not None else getattr(prepared, "changes", None)
    data: dict[str, Any] = {"outcome": outcome.value, "order_id": getattr(prepared, "order_id", None)}
    if changes:
        data["changes"] = changes
    with rt.db.session() as session:
        _store(
            session, event_id, outcome, reason, prepared, changes, error=error, correlation_id=correlation_id
        )
        ledger.audit(
            session,
            event_id,
            f"sync.{outcome.bucket}",
            f"{outcome.value}: {reason}",
            correlation_id=correlation_id,
            workflow_id=workflow_id,
            data=data,
        )
    SYNCS.labels(outcome.value, outcome.bucket).inc()
    result = event_result(rt, event_id, workflow_id=workflow_id)
    if outcome.passive:  # the ledger kept what it held; the run's answer is still what it did
        return result.model_copy(
            update={"outcome": outcome.value, "status": outcome.bucket, "reason": reason}
        )
    return result
