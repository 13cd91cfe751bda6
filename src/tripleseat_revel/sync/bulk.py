"""On-demand bulk sync (API, CLI, dashboard): a durable run whose summary keeps the replaced
system's response shape `{success, mode, summary: {queried, injected, skipped, failed}, events}`."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from dbos import DBOS, SetWorkflowID

from tripleseat_revel.logging import correlation, new_correlation_id
from tripleseat_revel.models import SyncRun, utcnow
from tripleseat_revel.sync.record import event_result
from tripleseat_revel.sync.runtime import Runtime, runtime
from tripleseat_revel.sync.workflows import collect_step, enqueue_found


def summarise(mode: str, events: list[dict[str, Any]], queried: int | None = None) -> dict[str, Any]:
    counts = Counter(e.get("status") for e in events)
    summary = {
        "queried": queried if queried is not None else len(events),
        "injected": counts.get("injected", 0),
        "skipped": counts.get("skipped", 0),
        "failed": counts.get("failed", 0) + counts.get("pending", 0),
    }
    return {"success": summary["failed"] == 0, "mode": mode, "summary": summary, "events": events}


@DBOS.step(name="bulk.settled")
def settled_results_step(event_ids: list[int]) -> list[dict[str, Any]]:
    rt = runtime()
    return [event_result(rt, e) for e in event_ids]


@DBOS.step(name="bulk.store")
def store_step(run_id: str, params: dict[str, Any], result: dict[str, Any]) -> None:
    with runtime().db.session() as session:
        run = session.get(SyncRun, run_id) or SyncRun(id=run_id, mode="bulk", params=params)
        run.status = "done"
        run.result = result
        run.finished_at = utcnow()
        session.merge(run)


@DBOS.workflow(name="bulk_sync")
def bulk_sync(params: dict[str, Any]) -> dict[str, Any]:
    """Sync every event updated in the last `hours_back` hours and report each one."""
    run_id = DBOS.workflow_id or "bulk"
    cid = params.get("correlation_id") or new_correlation_id()
    with correlation(cid):
        found = collect_step(params)
        todo: list[int] = found["to_sync"]
        DBOS.set_event("progress", {"done": 0, "total": len(todo)})
        workflow_ids = enqueue_found(found, params.get("source", "api"), cid)
        events: list[dict[str, Any]] = []
        for done, wid in enumerate(workflow_ids, 1):
            events.append(DBOS.get_result(wid) or {})
            if done % 10 == 0 or done == len(workflow_ids):
                DBOS.set_event("progress", {"done": done, "total": len(todo)})
        events += settled_results_step(found["settled"])
        result = summarise("bulk", events, found["queried"])
        store_step(run_id, params, result)
        return result


def start_bulk(rt: Runtime, hours_back: int, *, source: str) -> str:
    """Start a bulk run; returns its run id (also its workflow id)."""
    run_id = f"bulk-{uuid.uuid4().hex[:16]}"
    params = {
        "source": source,
        "hours_back": hours_back,
        "include_today": False,
        "sweep": False,
        "correlation_id": new_correlation_id(),
    }
    with rt.db.session() as session:
        session.add(SyncRun(id=run_id, mode="bulk", params=params, status="running"))
    with SetWorkflowID(run_id):
        DBOS.start_workflow(bulk_sync, params)
    return run_id


def progress(run_id: str) -> dict[str, int]:
    value = DBOS.get_event(run_id, "progress", timeout_seconds=0)
    return value if isinstance(value, dict) else {"done": 0, "total": 0}
