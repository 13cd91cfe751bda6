"""Recording a sync's outcome on the ledger and audit trail, and composing its result."""

from __future__ import annotations

from typing import Any

from tripleseat_revel.metrics import SYNCS
from tripleseat_revel.sync import ledger
from tripleseat_revel.sync.outcomes import Outcome
from tripleseat_revel.sync.runtime import Runtime


def event_result(rt: Runtime, event_id: int, *, workflow_id: str | None = None) -> dict[str, Any]:
    """The API's per-event result from the ledger (the replaced system's shape, plus detail)."""
    with rt.db.session() as session:
        record = ledger.get_record(session, event_id)
        if record is None:
            return {
                "id": event_id,
                "name": None,
                "date": None,
                "status": "pending",
                "outcome": None,
                "revel_order_id": None,
                "reason": "not synced yet",
                "error": None,
                "workflow_id": workflow_id,
            }
        outcome = Outcome(record.outcome) if record.outcome else None
        return {
            "id": event_id,
            "name": record.name,
            "date": record.event_date,
            "status": outcome.bucket if outcome else "pending",
            "outcome": record.outcome,
            "revel_order_id": record.revel_order_id,
            "reason": record.reason,
            "error": record.last_error,
            "workflow_id": workflow_id,
            "correlation_id": record.correlation_id,
        }


def record(
    rt: Runtime,
    event_id: int,
    outcome: Outcome,
    reason: str,
    *,
    prepared: dict[str, Any] | None = None,
    order_id: int | None = None,
    error: str | None = None,
    correlation_id: str | None = None,
    workflow_id: str | None = None,
) -> dict[str, Any]:
    """Store the outcome; an injected (or adopted, matching) order becomes the drift baseline."""
    prepared = prepared or {}
    plan = prepared.get("plan")
    changes = prepared.get("changes")
    with rt.db.session() as session:
        if (
            order_id is not None
            and plan is not None
            and outcome in (Outcome.INJECTED, Outcome.AMENDED, Outcome.ALREADY_INJECTED)
        ):
            ledger.mark_injected(
                session,
                event_id,
                local_id=plan["local_id"],
                order_id=order_id,
                plan=plan,
                ts_updated_at=prepared.get("ts_updated_at"),
                ts_fingerprint=prepared.get("ts_fingerprint"),
            )
        ledger.record_outcome(
            session,
            event_id,
            outcome,
            reason,
            correlation_id=correlation_id,
            ts_updated_at=prepared.get("ts_updated_at"),
            ts_fingerprint=prepared.get("ts_fingerprint"),
            plan=plan,
            unmapped=prepared.get("unmapped"),
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
