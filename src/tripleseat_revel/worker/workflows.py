"""The DBOS workflows, registered over one runtime by the composition root before launch:
`sync_event` (one event, each Revel write a checkpointed step), the reconciles, bulk runs and the
janitor.

A crash anywhere resumes at the first step that did not complete; the steps themselves are
idempotent (see sync/revel_writer.py), so a step that ran but was not checkpointed is safe to run again.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dbos import DBOS, ScheduleInput

from tripleseat_revel.kit.http import VendorError
from tripleseat_revel.logging import correlation, get_logger, new_correlation_id
from tripleseat_revel.sync import order_diff
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.sync.outcomes import Outcome
from tripleseat_revel.sync.prepare import (
    AnyPrepared,
    Begun,
    Cancelled,
    Drift,
    DryRun,
    Problem,
    Skip,
    Unchanged,
    Write,
)
from tripleseat_revel.sync.results import EventResult
from tripleseat_revel.sync.revel_writer import OrderRef
from tripleseat_revel.worker import bulk, janitor
from tripleseat_revel.worker.dbos_private import DBOSException, MaxStepRetriesExceeded
from tripleseat_revel.worker.reconcile import ReconcileSteps, register_reconcile_steps, run_reconcile
from tripleseat_revel.worker.schedules import (
    janitor_schedule,
    reconcile_schedules,
    retention_schedule,
    scheduled_params,
)
from tripleseat_revel.worker.steps import RunContext, SyncSteps, register_sync_steps

log = get_logger(__name__)


@dataclass(frozen=True)
class Workflows:
    """The registered workflows of one process, and the schedules that fire the periodic ones."""

    sync_event: Callable[[int, dict[str, Any]], EventResult]
    reconcile: Callable[[dict[str, Any]], dict[str, Any]]
    bulk_sync: Callable[[dict[str, Any]], dict[str, Any]]
    schedules: list[ScheduleInput]


@dataclass(frozen=True)
class Ended:
    """How a sync run ended: its outcome, why, and the differences it found (drift, mismatch)."""

    outcome: Outcome
    reason: str
    changes: list[str] | None = None


def _refused(refusal: str, problems: list[str]) -> Ended:
    reason = refusal + (": " + "; ".join(problems) if problems else "")
    return Ended(Outcome.DRIFT, reason, problems)


def _write(steps: SyncSteps, prepared: Write, run: RunContext) -> Ended:
    """Make Revel's order equal the plan, then compare what Revel answered with the plan."""
    ref = steps.order(prepared, run)
    planned = steps.plan_writes(prepared, run, ref)
    if planned.refusal:
        return _refused(planned.refusal, order_diff.differences(prepared.plan, planned.before))
    answers: list[order_diff.Answer] = []
    for batch in order_diff.write_batches(planned.writes):
        if len(batch) > 1:
            lines = [w for w in batch if isinstance(w, order_diff.AddLine)]
            answers += steps.write_lines(prepared, run, ref.order_id, planned.key, lines)
        else:
            answers.append(steps.write(prepared, run, ref.order_id, planned.key, batch[0]))
        if answers[-1].refused:
            now = order_diff.after(planned.before, answers)
            return _refused(str(answers[-1].refused), order_diff.differences(prepared.plan, now))
    problems = order_diff.differences(prepared.plan, order_diff.after(planned.before, answers))
    if problems:
        reason = f"Revel's order {ref.order_id} differs from the plan after the writes: " + "; ".join(
            problems
        )
        if planned.note:
            reason = f"{planned.note}. {reason}"
        return Ended(Outcome.FAILED_MONEY_MISMATCH, reason, problems)
    return _verified(prepared, ref, written=bool(planned.writes))


def _verified(prepared: Write, ref: OrderRef, *, written: bool) -> Ended:
    order = ref.order_id
    if not written:
        return Ended(Outcome.ALREADY_INJECTED, f"Revel order {order} matches the event (checked)")
    if prepared.mode == "amend":
        return Ended(Outcome.AMENDED, "order amended: " + "; ".join(prepared.changes or ["to the event"]))
    verb = "created" if ref.fresh or prepared.mode == "create" and ref.ours else "completed"
    reason = f"Revel order {order} {verb}"
    if prepared.plan.skipped_items:
        reason += (
            f"; {len(prepared.plan.skipped_items)} unmapped item(s) left off (listed in the order notes)"
        )
    return Ended(Outcome.INJECTED, reason)


def _act(steps: SyncSteps, prepared: AnyPrepared, run: RunContext) -> Ended:
    """Make Revel match what `prepare` decided, and say how it ended."""
    if isinstance(prepared, Skip | Problem | Cancelled):
        return Ended(prepared.outcome, prepared.reason)
    if isinstance(prepared, Unchanged):
        return Ended(Outcome.ALREADY_INJECTED, "the order matches the event")
    if isinstance(prepared, DryRun):
        return Ended(Outcome.WOULD_INJECT, "dry run: the order was planned, nothing written to Revel")
    if isinstance(prepared, Drift):
        return Ended(Outcome.DRIFT, f"{prepared.reason}: " + "; ".join(prepared.changes), prepared.changes)
    return _write(steps, prepared, run)


def _failure(exc: Exception) -> tuple[str, str]:
    """(reason, error) of a sync that raised: the vendor's error, also when retries ran out."""
    cause: BaseException = exc
    if isinstance(exc, MaxStepRetriesExceeded) and exc.errors:
        cause = exc.errors[-1]
    if isinstance(cause, VendorError):
        return f"{cause.vendor} error: {cause}", str(cause)
    error = f"{type(cause).__name__}: {cause}"
    return f"internal error: {error}", error


def _slot(rt: Runtime) -> AbstractContextManager[object]:
    """A place among the syncs this process runs at once (AIMD: see kit/concurrency.py)."""
    return rt.slots if rt.slots is not None else nullcontext()


def _prepared(steps: SyncSteps, event_id: int, begun: Begun) -> AnyPrepared:
    """The event fetched and prepared, unless the connector is switched off (then nothing is read)."""
    if not begun.switches.enabled:
        return Skip(outcome=Outcome.SKIPPED_DISABLED, reason="the connector is disabled (ENABLE_CONNECTOR)")
    return steps.prepare(event_id, steps.fetch(event_id), begun)


def _run_context(event_id: int, request: dict[str, Any]) -> RunContext:
    """What one sync run knows of why and how it was asked for."""
    return RunContext(
        correlation_id=request.get("correlation_id") or new_correlation_id(),
        workflow_id=DBOS.workflow_id or f"adhoc-{event_id}",
        source=request.get("source", "unknown"),
        revel_absent=request.get("revel_absent"),
        ask=request.get("ask") or ("amend" if request.get("amend") else None),
    )


def _register_sync_event(rt: Runtime) -> Callable[[int, dict[str, Any]], EventResult]:
    steps = register_sync_steps(rt)

    def run_sync(event_id: int, run: RunContext) -> EventResult:
        prepared: AnyPrepared | None = None
        begun = steps.begin(event_id, run)
        if begun.revel_absent and not run.revel_absent:
            run = run.model_copy(update={"revel_absent": begun.revel_absent})
        error: str | None = None
        try:
            prepared = _prepared(steps, event_id, begun)
            ended = _act(steps, prepared, run)
        except (VendorError, MaxStepRetriesExceeded) as exc:  # retries ran out: a recorded failure
            reason, error = _failure(exc)
            ended = Ended(Outcome.FAILED, reason)
            log.warning("sync.failed", error=error)
        except DBOSException:
            raise  # cancellation and engine errors belong to DBOS
        except Exception as exc:
            reason, error = _failure(exc)
            ended = Ended(Outcome.FAILED, reason)
            log.exception("sync.crashed")
        result = steps.record(event_id, ended.outcome, ended.reason, prepared, ended.changes, error, run)
        steps.notify(result, prepared)
        return result

    @DBOS.workflow(name="sync_event", max_recovery_attempts=20)
    def sync_event(event_id: int, request: dict[str, Any]) -> EventResult:
        """Fetch, decide, plan, make Revel match, record, notify: for one TripleSeat event."""
        run = _run_context(event_id, request)
        with correlation(run.correlation_id, event_id=event_id), _slot(rt):
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
    retention = janitor.register_retention(rt)
    return Workflows(
        sync_event=sync_event,
        reconcile=reconcile,
        bulk_sync=bulk_sync,
        schedules=[
            *reconcile_schedules(rt, scheduled_reconcile),
            janitor_schedule(rt, replica_janitor),
            retention_schedule(retention),
        ],
    )
