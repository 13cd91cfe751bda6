"""Recording a sync's outcome on the ledger and the audit trail."""

from __future__ import annotations

from typing import Any

from tripleseat_revel.metrics import SYNCS
from tripleseat_revel.sync import ledger
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.sync.outcomes import Outcome
from tripleseat_revel.sync.prepare import AnyPrepared, Problem
from tripleseat_revel.sync.results import EventResult, event_result

ON_THE_POS = (Outcome.INJECTED, Outcome.AMENDED, Outcome.ALREADY_INJECTED)


def _plan_json(prepared: AnyPrepared | None) -> dict[str, Any] | None:
    plan = getattr(prepared, "plan", None)
    return plan.to_json() if plan is not None else None


def _changes(prepared: AnyPrepared | None) -> list[str] | None:
    changes: list[str] | None = getattr(prepared, "changes", None)
    return changes


def record(
    rt: Runtime,
    event_id: int,
    outcome: Outcome,
    reason: str,
    *,
    prepared: AnyPrepared | None = None,
    order_id: int | None = None,
    error: str | None = None,
    correlation_id: str | None = None,
    workflow_id: str | None = None,
) -> EventResult:
    """Store the outcome; an injected (or adopted, matching) order becomes the drift baseline."""
    plan, changes = _plan_json(prepared), _changes(prepared)
    ts_updated_at = prepared.ts_updated_at if prepared is not None else None
    ts_fingerprint = prepared.ts_fingerprint if prepared is not None else None
    with rt.db.session() as session:
        if order_id is not None and plan is not None and outcome in ON_THE_POS:
            ledger.mark_injected(
                session,
                event_id,
                local_id=plan["local_id"],
                order_id=order_id,
                plan=plan,
                ts_updated_at=ts_updated_at,
                ts_fingerprint=ts_fingerprint,
            )
        ledger.record_outcome(
            session,
            event_id,
            outcome,
            reason,
            correlation_id=correlation_id,
            ts_updated_at=ts_updated_at,
            ts_fingerprint=ts_fingerprint,
            plan=plan,
            unmapped=[u.model_dump(mode="json") for u in prepared.unmapped]
            if isinstance(prepared, Problem)
            else None,
            drift={"changes": changes, "reason": reason} if outcome is Outcome.DRIFT else None,
            error=error,
            order_id=order_id,
        )
        data: dict[str, Any] = {"outcome": outcome.value, "order_id": order_id}
        if changes:
            data["changes"] = changes
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
    return event_result(rt, event_id, workflow_id=workflow_id)
