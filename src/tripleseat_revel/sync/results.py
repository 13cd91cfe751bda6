"""What a sync reports: one event's result (the replaced system's shape, plus detail) and the
summary of several (`{success, mode, summary: {queried, injected, skipped, failed}, events}`)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import BaseModel

from tripleseat_revel.sync import ledger
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.sync.outcomes import Outcome


class EventResult(BaseModel):
    id: int
    name: str | None = None
    date: str | None = None
    status: str  # injected | skipped | failed | pending (the replaced system's buckets)
    outcome: str | None = None
    revel_order_id: int | None = None
    reason: str | None = None
    error: str | None = None
    workflow_id: str | None = None
    correlation_id: str | None = None
    plan: dict[str, Any] | None = None


def event_result(rt: Runtime, event_id: int, *, workflow_id: str | None = None) -> EventResult:
    """An event's result as the ledger has it now."""
    with rt.db.session() as session:
        record = ledger.get_record(session, event_id)
        if record is None:
            return EventResult(
                id=event_id, status="pending", reason="not synced yet", workflow_id=workflow_id
            )
        outcome = Outcome(record.outcome) if record.outcome else None
        return EventResult(
            id=event_id,
            name=record.name,
            date=record.event_date,
            status=outcome.bucket if outcome else "pending",
            outcome=record.outcome,
            revel_order_id=record.revel_order_id,
            reason=record.reason,
            error=record.last_error,
            workflow_id=workflow_id,
            correlation_id=record.correlation_id,
        )


def summarise(mode: str, events: list[EventResult], queried: int | None = None) -> dict[str, Any]:
    """The sync API's response for `events` (a pending event counts as failed: not on the POS)."""
    counts = Counter(e.status for e in events)
    summary = {
        "queried": queried if queried is not None else len(events),
        "injected": counts.get("injected", 0),
        "skipped": counts.get("skipped", 0),
        "failed": counts.get("failed", 0) + counts.get("pending", 0),
    }
    return {
        "success": summary["failed"] == 0,
        "mode": mode,
        "summary": summary,
        "events": [e.model_dump() for e in events],
    }
