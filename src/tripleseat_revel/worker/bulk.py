"""On-demand bulk sync (API, CLI, dashboard): a durable run whose summary keeps the replaced
system's response shape `{success, mode, summary: {queried, injected, skipped, failed}, events}`."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from dbos import DBOS, SetWorkflowID

from tripleseat_revel.kit.http import VendorError
from tripleseat_revel.logging import correlation, new_correlation_id
from tripleseat_revel.models import SyncRun, utcnow
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.sync.results import EventResult, event_result, summarise
from tripleseat_revel.worker.dbos_private import MaxStepRetriesExceeded
from tripleseat_revel.worker.reconcile import ReconcileSteps, enqueue_found

BulkWorkflow = Callable[[dict[str, Any]], dict[str, Any]]


def _store(rt: Runtime, run_id: str, params: dict[str, Any], result: dict[str, Any]) -> None:
    """Keep a finished bulk run's result (the API and the dashboard read it back)."""
    with rt.db.session() as session:
        run = session.get(SyncRun, run_id) or SyncRun(id=run_id, mode="bulk", params=params)
        run.status = "done"
        run.result = result
        run.finished_at = utcnow()
        session.merge(run)


def _result_of(
    event_id: int, workflow_id: str, settled: Callable[[list[int]], list[EventResult]]
) -> EventResult:
    """A sync's result; one that ended without one (cancelled, crashed for good) reports what
    the ledger holds, so the run always finishes with every event."""
    try:
        result = DBOS.get_result(workflow_id)
    except Exception:  # whatever ended that sync, this run reports the event
        result = None
    if isinstance(result, EventResult):
        return result
    (recorded,) = settled([event_id])
    return recorded.model_copy(update={"workflow_id": workflow_id})


def register_bulk(rt: Runtime, steps: ReconcileSteps) -> BulkWorkflow:
    @DBOS.step(name="bulk.settled")
    def settled_results_step(event_ids: list[int]) -> list[EventResult]:
        return [event_result(rt, e) for e in event_ids]

    @DBOS.step(name="bulk.store")
    def store_step(run_id: str, params: dict[str, Any], result: dict[str, Any]) -> None:
        _store(rt, run_id, params, result)

    def result_of(event_id: int, workflow_id: str) -> EventResult:
        return _result_of(event_id, workflow_id, settled_results_step)

    @DBOS.workflow(name="bulk_sync")
    def bulk_sync(params: dict[str, Any]) -> dict[str, Any]:
        """Sync every event updated in the last `hours_back` hours and report each one."""
        run_id = DBOS.workflow_id or "bulk"
        cid = params.get("correlation_id") or new_correlation_id()
        with correlation(cid):
            try:
                found = steps.collect(params)
            except (VendorError, MaxStepRetriesExceeded) as exc:  # the events cannot even be listed
                result = _unlisted(exc)
                store_step(run_id, params, result)
                return result
            todo: list[int] = found["to_sync"]
            DBOS.set_event("progress", {"done": 0, "total": len(todo)})
            workflow_ids = enqueue_found(steps, found, params.get("source", "api"), cid)
            events = _await_each(todo, workflow_ids, result_of)
            events += settled_results_step(found["settled"])
            result = summarise("bulk", events, found["queried"])
            store_step(run_id, params, result)
            return result

    return bulk_sync


def _unlisted(exc: VendorError | MaxStepRetriesExceeded) -> dict[str, Any]:
    """A bulk run's result when the events could not even be listed."""
    cause = exc.errors[-1] if isinstance(exc, MaxStepRetriesExceeded) and exc.errors else exc
    return {**summarise("bulk", [], 0), "success": False, "error": f"could not list the events: {cause}"}


def _await_each(
    todo: list[int], workflow_ids: list[str], result_of: Callable[[int, str], EventResult]
) -> list[EventResult]:
    """Every enqueued sync's result, in order, with the run's progress published as they come."""
    events: list[EventResult] = []
    for done, (event_id, wid) in enumerate(zip(todo, workflow_ids, strict=True), 1):
        events.append(result_of(event_id, wid))
        if done % 10 == 0 or done == len(workflow_ids):
            DBOS.set_event("progress", {"done": done, "total": len(todo)})
    return events


def start_bulk(rt: Runtime, workflow: BulkWorkflow, hours_back: int, *, source: str) -> str:
    """Start a bulk run in this process; returns its run id (also its workflow id)."""
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
        DBOS.start_workflow(workflow, params)
    return run_id


def progress(run_id: str) -> dict[str, int]:
    value = DBOS.get_event(run_id, "progress", timeout_seconds=0)
    return value if isinstance(value, dict) else {"done": 0, "total": 0}
