"""The DBOS workflows, registered over one runtime by the composition root before launch:
`sync_event` (one event, each Revel write a checkpointed step), the reconciles, bulk runs and the
janitor.

A crash anywhere resumes at the first step that did not complete; the steps themselves are
idempotent (see sync/revel_writer.py), so a step that ran but was not checkpointed is safe to run again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dbos import DBOS, ScheduleInput

from tripleseat_revel.kit.http import VendorError
from tripleseat_revel.logging import correlation, get_logger, new_correlation_id
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.sync.outcomes import Outcome
from tripleseat_revel.sync.prepare import (
    Amend,
    AnyPrepared,
    Cancelled,
    Drift,
    DryRun,
    Inject,
    Problem,
    Skip,
    Unchanged,
)
from tripleseat_revel.sync.results import EventResult
from tripleseat_revel.worker import bulk, janitor
from tripleseat_revel.worker.dbos_private import DBOSException
from tripleseat_revel.worker.reconcile import ReconcileSteps, register_reconcile_steps, run_reconcile
from tripleseat_revel.worker.schedules import janitor_schedule, reconcile_schedules, scheduled_params
from tripleseat_revel.worker.steps import RunContext, SyncSteps, register_sync_steps

log = get_logger(__name__)
Result = tuple[Outcome, str, int | None]


@dataclass(frozen=True)
class Workflows:
    """The registered workflows of one process, and the schedules that fire the periodic ones."""

    sync_event: Callable[[int, dict[str, Any]], EventResult]
    reconcile: Callable[[dict[str, Any]], dict[str, Any]]
    bulk_sync: Callable[[dict[str, Any]], dict[str, Any]]
    schedules: list[ScheduleInput]


def _inject(steps: SyncSteps, prepared: Inject, run: RunContext) -> Result:
    ref = steps.order(prepared, run)
    if ref.complete:
        return (
            Outcome.ALREADY_INJECTED,
            f"Revel order {ref.order_id} already existed (found by local_id)",
            ref.order_id,
        )
    for index in range(len(prepared.plan.items)):
        steps.item(prepared, run, ref.order_id, index)
    steps.payment(prepared, run, ref.order_id, ref.adopted)
    steps.history(prepared, run, ref.order_id, ref.adopted)
    steps.finalize(prepared, run, ref.order_id)
    reason = f"Revel order {ref.order_id} created"
    if prepared.plan.skipped_items:
        reason += (
            f"; {len(prepared.plan.skipped_items)} unmapped item(s) left off (listed in the order notes)"
        )
    return Outcome.INJECTED, reason, ref.order_id


def _act(steps: SyncSteps, prepared: AnyPrepared, run: RunContext) -> Result:
    """Make Revel match what `prepare` decided, and say how it ended."""
    if isinstance(prepared, Skip | Problem | Cancelled):
        return prepared.outcome, prepared.reason, getattr(prepared, "order_id", None)
    if isinstance(prepared, Unchanged):
        return Outcome.ALREADY_INJECTED, "the order matches the event", prepared.order_id
    if isinstance(prepared, DryRun):
        return Outcome.WOULD_INJECT, "dry run: the order was planned, nothing written to Revel", None
    if isinstance(prepared, Drift):
        return (
            Outcome.DRIFT,
            "the event changed after injection: " + "; ".join(prepared.changes),
            prepared.order_id,
        )
    if isinstance(prepared, Amend):
        refused = steps.amend(prepared, run)
        if refused:
            return Outcome.DRIFT, f"{refused}. Changes: " + "; ".join(prepared.changes), prepared.order_id
        return Outcome.AMENDED, "order amended: " + "; ".join(prepared.changes), prepared.order_id
    return _inject(steps, prepared, run)


def _register_sync_event(rt: Runtime) -> Callable[[int, dict[str, Any]], EventResult]:
    steps = register_sync_steps(rt)

    def run_sync(event_id: int, run: RunContext) -> EventResult:
        prepared: AnyPrepared | None = None
        begun = steps.begin(event_id, run)
        error: str | None = None
        try:
            if not begun.switches.enabled:
                prepared = Skip(
                    outcome=Outcome.SKIPPED_DISABLED, reason="the connector is disabled (ENABLE_CONNECTOR)"
                )
            else:
                prepared = steps.prepare(event_id, steps.fetch(event_id), begun)
            outcome, reason, order_id = _act(steps, prepared, run)
        except VendorError as exc:
            outcome, reason, order_id, error = Outcome.FAILED, f"{exc.vendor} error: {exc}", None, str(exc)
            log.warning("sync.failed", error=str(exc))
        except DBOSException:
            raise  # cancellation and engine errors belong to DBOS
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            outcome, reason, order_id = Outcome.FAILED, f"internal error: {error}", None
            log.exception("sync.crashed")
        result = steps.record(event_id, outcome, reason, prepared, order_id, error, run)
        steps.notify(result, prepared)
        return result

    @DBOS.workflow(name="sync_event", max_recovery_attempts=20)
    def sync_event(event_id: int, request: dict[str, Any]) -> EventResult:
        """Fetch, decide, plan, make Revel match, record, notify: for one TripleSeat event."""
        run = RunContext(
            correlation_id=request.get("correlation_id") or new_correlation_id(),
            workflow_id=DBOS.workflow_id or f"adhoc-{event_id}",
            source=request.get("source", "unknown"),
            revel_absent=request.get("revel_absent"),
        )
        with correlation(run.correlation_id, event_id=event_id):
            return run_sync(event_id, run)

    return sync_event


def _register_reconcile(rt: Runtime, steps: ReconcileSteps) -> tuple[Any, Any]:
    @DBOS.workflow(name="reconcile")
    def reconcile(params: dict[str, Any]) -> dict[str, Any]:
        """Find the events that need a sync and enqueue them (it never calls Revel itself)."""
        return run_reconcile(steps, params)

    @DBOS.workflow(name="scheduled_reconcile")
    def scheduled_reconcile(scheduled_time: datetime, context: Any) -> None:
        """Fires every minute (deduplicated across replicas); runs a reconcile when one is due."""
        params = scheduled_params(rt, scheduled_time, context or {})
        if params is not None:
            reconcile(params)

    return reconcile, scheduled_reconcile


def register_workflows(rt: Runtime, *, executor_id: str) -> Workflows:
    """Every workflow of the connector, bound to `rt` (call once per process, before launch)."""
    sync_event = _register_sync_event(rt)
    reconcile_steps = register_reconcile_steps(rt)
    reconcile, scheduled_reconcile = _register_reconcile(rt, reconcile_steps)
    bulk_sync = bulk.register_bulk(rt, reconcile_steps)
    replica_janitor = janitor.register_janitor(rt, executor_id)
    return Workflows(
        sync_event=sync_event,
        reconcile=reconcile,
        bulk_sync=bulk_sync,
        schedules=[*reconcile_schedules(rt, scheduled_reconcile), janitor_schedule(rt, replica_janitor)],
    )
