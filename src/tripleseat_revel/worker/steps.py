"""The checkpointed steps of one event's sync, registered with DBOS over a runtime.

Each step's inputs and output are typed values (pydantic models or plain data) that DBOS records,
so a step that completed replays identically after a crash and one that did not runs again.
The Revel writes are idempotent by design (see sync/revel_writer.py), so running one again is safe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from dbos import DBOS
from pydantic import BaseModel

from tripleseat_revel.integrations.tripleseat.schemas import Event
from tripleseat_revel.kit.http import is_retryable
from tripleseat_revel.sync import findings, ledger
from tripleseat_revel.sync.context import Ask, Runtime
from tripleseat_revel.sync.lookups import QUEUED_SCAN, queued_event_ids
from tripleseat_revel.sync.notifications import notify_outcome
from tripleseat_revel.sync.order_diff import AddLine, Answer, AnyWrite, RevelBehaviour
from tripleseat_revel.sync.outcomes import Outcome
from tripleseat_revel.sync.plan import local_id_for
from tripleseat_revel.sync.prepare import AnyPrepared, Begun, Write, fetch_event, prepare
from tripleseat_revel.sync.record import record
from tripleseat_revel.sync.results import EventResult
from tripleseat_revel.sync.revel_writer import OrderRef, OrderWriter, WritePlan
from tripleseat_revel.sync.switches import read_switches

# Webhook syncs share their order lookups (sync/lookups.py); a reconcile's syncs had theirs in its
# batch lookup, and an operator's single sync runs alone.
SHARED_LOOKUP_SOURCE = "webhook"


def write_retry(rt: Runtime) -> dict[str, Any]:
    """A Revel write step's retries: 5 attempts, pauses doubling from RETRY_BASE_SECONDS."""
    base = rt.settings.RETRY_BASE_SECONDS
    return {
        "retries_allowed": True,
        "max_attempts": 5,
        "interval_seconds": base,
        "backoff_rate": 2.0,
        "should_retry": is_retryable,
    }


def read_retry(rt: Runtime) -> dict[str, Any]:
    """A read step's retries (the client retries each call too): 3 attempts."""
    base = rt.settings.RETRY_BASE_SECONDS
    return {
        "retries_allowed": True,
        "max_attempts": 3,
        "interval_seconds": base,
        "should_retry": is_retryable,
    }


class RunContext(BaseModel):
    """Who asked for this sync run, and what a reconcile already knew about its Revel order."""

    correlation_id: str
    workflow_id: str
    source: str = "unknown"
    revel_absent: dict[str, str] | None = None  # a reconcile's batch lookup found no order
    ask: Ask | None = None  # an operator's re-check or "amend now"


def begin(rt: Runtime, event_id: int, run: RunContext) -> Begun:
    """Claim the pending trigger, note the start, snapshot the clock and the switches."""
    with rt.db.session() as session:
        ledger.claim_pending(session, event_id, run.workflow_id)
        switches = read_switches(session, rt.settings)
        ledger.audit(
            session,
            event_id,
            "sync.started",
            f"sync requested by {run.source}",
            correlation_id=run.correlation_id,
            workflow_id=run.workflow_id,
            data={"source": run.source},
        )
    return Begun(
        now=rt.clock(),
        switches=switches,
        recheck=run.ask == "recheck",
        force_amend=run.ask == "amend",
        revel_absent=shared_lookup(rt, event_id, run, override=switches.location_override)
        if switches.enabled  # the kill switch: nothing is read from the vendors
        else None,
    )


def shared_lookup(rt: Runtime, event_id: int, run: RunContext, *, override: bool) -> dict[str, str] | None:
    """A webhook sync's order looked up with the syncs starting beside it and the events queued
    behind them (sync/lookups.py): the dated "no such order" a reconcile's batch lookup gives,
    trusted by the writer the same way."""
    if rt.lookups is None or run.source != SHARED_LOOKUP_SOURCE or run.revel_absent or run.ask:
        return None
    if not findings.batch_lookup(rt.db, rt.settings):  # `doctor --probe` found local_id__in unfiltered
        return None
    local_id = local_id_for(event_id, override=override)
    queued = [local_id_for(e, override=override) for e in queued_event_ids(rt.db, QUEUED_SCAN)]
    checked_at = rt.lookups.absent(local_id, queued)
    if checked_at is None:
        return None
    return {"local_id": local_id, "checked_at": checked_at, "by": "shared"}


def behaviour(rt: Runtime, establishment: int, payment_type: int | None = None) -> RevelBehaviour:
    """What the connector assumes of this establishment's Revel where its documentation is silent
    (the settings, switched off where `doctor --probe` found them refuted; a payment type's
    finding only for the payment type it tried)."""
    return findings.behaviour_for(rt.db, rt.settings, establishment, payment_type)


def writer(rt: Runtime, prepared: Write, run: RunContext, *, planning: bool = False) -> OrderWriter:
    """The order's writer; `planning`: with what Revel is assumed to do (only the planning of the
    writes reads it, so the other steps do not look the findings up)."""
    return OrderWriter(
        rt.db,
        rt.revel,
        tz=ZoneInfo(prepared.timezone),
        clock=rt.clock,
        behaviour=behaviour(rt, prepared.plan.establishment, prepared.plan.revel.payment_type)
        if planning
        else None,
        correlation_id=run.correlation_id,
        workflow_id=run.workflow_id,
    )


@dataclass(frozen=True)
class SyncSteps:
    """The steps of `sync_event`, each a DBOS step bound to one runtime."""

    begin: Callable[[int, RunContext], Begun]
    fetch: Callable[[int], Event | None]
    prepare: Callable[[int, Event | None, Begun], AnyPrepared]
    order: Callable[[Write, RunContext], OrderRef]
    plan_writes: Callable[[Write, RunContext, OrderRef], WritePlan]
    write: Callable[[Write, RunContext, int, str, AnyWrite], Answer]
    write_lines: Callable[[Write, RunContext, int, str, list[AddLine]], list[Answer]]
    record: Callable[
        [int, Outcome, str, AnyPrepared | None, list[str] | None, str | None, RunContext], EventResult
    ]
    notify: Callable[[EventResult, AnyPrepared | None], None]


def _read_steps(rt: Runtime) -> dict[str, Any]:
    @DBOS.step(name="sync.begin")
    def begin_step(event_id: int, run: RunContext) -> Begun:
        return begin(rt, event_id, run)

    @DBOS.step(name="sync.fetch", **read_retry(rt))
    def fetch_step(event_id: int) -> Event | None:
        return fetch_event(rt, event_id)

    @DBOS.step(name="sync.prepare", **read_retry(rt))
    def prepare_step(event_id: int, event: Event | None, begun: Begun) -> AnyPrepared:
        return prepare(rt, event_id, event, begun)

    return {"begin": begin_step, "fetch": fetch_step, "prepare": prepare_step}


def _write_steps(rt: Runtime) -> dict[str, Any]:
    @DBOS.step(name="revel.order", **write_retry(rt))
    def order_step(prepared: Write, run: RunContext) -> OrderRef:
        known = prepared.order_id if prepared.mode != "create" else None
        return writer(rt, prepared, run).order(prepared.plan, known=known, absent=run.revel_absent)

    @DBOS.step(name="revel.plan_writes", **write_retry(rt))
    def plan_writes_step(prepared: Write, run: RunContext, ref: OrderRef) -> WritePlan:
        return writer(rt, prepared, run, planning=True).plan_writes(prepared.plan, ref, mode=prepared.mode)

    @DBOS.step(name="revel.write", **write_retry(rt))
    def write_step(prepared: Write, run: RunContext, order_id: int, scope: str, write: AnyWrite) -> Answer:
        return writer(rt, prepared, run).write(prepared.plan, order_id, scope, write)

    @DBOS.step(name="revel.write_lines", **write_retry(rt))
    def write_lines_step(
        prepared: Write, run: RunContext, order_id: int, scope: str, writes: list[AddLine]
    ) -> list[Answer]:
        """Independent line adds issued at once: one checkpoint for all of them (each line is
        still recorded ahead in revel_ops, so a repeat finds the ones that landed)."""
        return writer(rt, prepared, run).write_many(prepared.plan, order_id, scope, writes)

    return {
        "order": order_step,
        "plan_writes": plan_writes_step,
        "write": write_step,
        "write_lines": write_lines_step,
    }


def _outcome_steps(rt: Runtime) -> dict[str, Any]:
    @DBOS.step(name="sync.record")
    def record_step(
        event_id: int,
        outcome: Outcome,
        reason: str,
        prepared: AnyPrepared | None,
        changes: list[str] | None,
        error: str | None,
        run: RunContext,
    ) -> EventResult:
        return record(
            rt,
            event_id,
            outcome,
            reason,
            prepared=prepared,
            changes=changes,
            error=error,
            correlation_id=run.correlation_id,
            workflow_id=run.workflow_id,
        )

    @DBOS.step(name="sync.notify")
    def notify_step(result: EventResult, prepared: AnyPrepared | None) -> None:
        notify_outcome(rt, result, prepared)

    return {"record": record_step, "notify": notify_step}


def register_sync_steps(rt: Runtime) -> SyncSteps:
    """The steps of `sync_event` over `rt` (defined here, so DBOS records them by name)."""
    return SyncSteps(**_read_steps(rt), **_write_steps(rt), **_outcome_steps(rt))
