"""DBOS workflows: `sync_event` (one event, each Revel write a checkpointed step) and reconcile.

A crash anywhere resumes at the first step that did not complete; the steps themselves are
idempotent (see service.py), so a step that ran but was not checkpointed is safe to run again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dbos import DBOS
from dbos._error import DBOSException

from tripleseat_revel.kit.http import VendorError, is_retryable
from tripleseat_revel.logging import correlation, get_logger, new_correlation_id
from tripleseat_revel.sync import reconcile as reconcile_mod
from tripleseat_revel.sync import steps
from tripleseat_revel.sync.notifications import notify_outcome
from tripleseat_revel.sync.outcomes import Outcome
from tripleseat_revel.sync.plan import plan_from_json
from tripleseat_revel.sync.record import record
from tripleseat_revel.sync.runtime import Runtime, runtime
from tripleseat_revel.sync.service import OrderWriter

log = get_logger(__name__)
WRITE_RETRY: dict[str, Any] = {
    "retries_allowed": True,
    "max_attempts": 5,
    "interval_seconds": 1.0,
    "backoff_rate": 2.0,
    "should_retry": is_retryable,
}


def _writer(rt: Runtime, prepared: dict[str, Any], ctx: dict[str, Any]) -> OrderWriter:
    return OrderWriter(
        rt.db,
        rt.revel,
        tz=steps.local_tz(prepared),
        clock=rt.clock,
        correlation_id=ctx.get("correlation_id"),
        workflow_id=ctx.get("workflow_id"),
    )


# ---- steps -----------------------------------------------------------------------------------


@DBOS.step(name="sync.begin")
def begin_step(event_id: int, workflow_id: str, request: dict[str, Any]) -> dict[str, Any]:
    return steps.begin(runtime(), event_id, workflow_id, request)


@DBOS.step(name="sync.fetch", retries_allowed=True, max_attempts=3, should_retry=is_retryable)
def fetch_step(event_id: int) -> dict[str, Any]:
    return steps.fetch(runtime(), event_id)


@DBOS.step(name="sync.prepare", retries_allowed=True, max_attempts=3, should_retry=is_retryable)
def prepare_step(event_id: int, fetched: dict[str, Any], begun: dict[str, Any]) -> dict[str, Any]:
    return steps.prepare(runtime(), event_id, fetched, begun)


@DBOS.step(name="revel.order", **WRITE_RETRY)
def order_step(prepared: dict[str, Any], ctx: dict[str, Any]) -> dict[str, Any]:
    writer = _writer(runtime(), prepared, ctx)
    ref = writer.ensure_order(plan_from_json(prepared["plan"]), absent=ctx.get("revel_absent"))
    return {"order_id": ref.order_id, "adopted": ref.adopted, "complete": ref.complete}


@DBOS.step(name="revel.item", **WRITE_RETRY)
def item_step(prepared: dict[str, Any], ctx: dict[str, Any], order_id: int, index: int) -> None:
    _writer(runtime(), prepared, ctx).ensure_item(plan_from_json(prepared["plan"]), order_id, index)


@DBOS.step(name="revel.payment", **WRITE_RETRY)
def payment_step(prepared: dict[str, Any], ctx: dict[str, Any], order_id: int, adopted: bool) -> None:
    plan = plan_from_json(prepared["plan"])
    _writer(runtime(), prepared, ctx).ensure_payment(plan, order_id, adopted=adopted)


@DBOS.step(name="revel.history", **WRITE_RETRY)
def history_step(prepared: dict[str, Any], ctx: dict[str, Any], order_id: int, adopted: bool) -> None:
    plan = plan_from_json(prepared["plan"])
    _writer(runtime(), prepared, ctx).ensure_history(plan, order_id, adopted=adopted)


@DBOS.step(name="revel.finalize", **WRITE_RETRY)
def finalize_step(prepared: dict[str, Any], ctx: dict[str, Any], order_id: int) -> dict[str, str]:
    order = _writer(runtime(), prepared, ctx).finalize(plan_from_json(prepared["plan"]), order_id)
    return {"final_total": str(order.final_total), "subtotal": str(order.subtotal)}


@DBOS.step(name="revel.amend", **WRITE_RETRY)
def amend_step(prepared: dict[str, Any], ctx: dict[str, Any]) -> str | None:
    plan = plan_from_json(prepared["plan"])
    return _writer(runtime(), prepared, ctx).amend(plan, int(prepared["order_id"]))


@DBOS.step(name="sync.record")
def record_step(
    event_id: int,
    outcome: str,
    reason: str,
    prepared: dict[str, Any] | None,
    order_id: int | None,
    error: str | None,
    ctx: dict[str, Any],
) -> dict[str, Any]:
    return record(
        runtime(),
        event_id,
        Outcome(outcome),
        reason,
        prepared=prepared,
        order_id=order_id,
        error=error,
        correlation_id=ctx.get("correlation_id"),
        workflow_id=ctx.get("workflow_id"),
    )


@DBOS.step(name="sync.notify")
def notify_step(event_id: int, result: dict[str, Any], prepared: dict[str, Any] | None) -> None:
    notify_outcome(runtime(), event_id, result, prepared or {})


# ---- the event workflow ----------------------------------------------------------------------


def _inject(event_id: int, prepared: dict[str, Any], ctx: dict[str, Any]) -> tuple[Outcome, str, int]:
    ref = order_step(prepared, ctx)
    order_id = int(ref["order_id"])
    if ref["complete"]:
        return (
            Outcome.ALREADY_INJECTED,
            f"Revel order {order_id} already existed (found by local_id)",
            order_id,
        )
    for index in range(len(prepared["plan"]["items"])):
        item_step(prepared, ctx, order_id, index)
    payment_step(prepared, ctx, order_id, bool(ref["adopted"]))
    history_step(prepared, ctx, order_id, bool(ref["adopted"]))
    finalize_step(prepared, ctx, order_id)
    skipped = prepared["plan"].get("skipped_items") or []
    reason = f"Revel order {order_id} created"
    if skipped:
        reason += f"; {len(skipped)} unmapped item(s) left off (listed in the order notes)"
    return Outcome.INJECTED, reason, order_id


def _act(event_id: int, prepared: dict[str, Any], ctx: dict[str, Any]) -> tuple[Outcome, str, int | None]:
    kind = prepared["kind"]
    order_id = prepared.get("order_id")
    if kind in ("skip", "problem", "cancelled"):
        return Outcome(prepared["outcome"]), prepared["reason"], order_id
    if kind == "unchanged":
        return Outcome.ALREADY_INJECTED, "the order matches the event", order_id
    if kind == "dry_run":
        return (
            Outcome.WOULD_INJECT,
            "dry run: the order was planned, nothing written to Revel",
            None,
        )
    if kind == "drift":
        return (
            Outcome.DRIFT,
            "the event changed after injection: " + "; ".join(prepared["changes"]),
            order_id,
        )
    if kind == "amend":
        refused = amend_step(prepared, ctx)
        if refused:
            return Outcome.DRIFT, f"{refused}. Changes: " + "; ".join(prepared["changes"]), order_id
        return Outcome.AMENDED, "order amended: " + "; ".join(prepared["changes"]), order_id
    return _inject(event_id, prepared, ctx)


@DBOS.workflow(name="sync_event", max_recovery_attempts=20)
def sync_event(event_id: int, request: dict[str, Any]) -> dict[str, Any]:
    """Fetch, decide, plan, make Revel match, record, notify: for one TripleSeat event."""
    workflow_id = DBOS.workflow_id or f"adhoc-{event_id}"
    ctx = {
        "correlation_id": request.get("correlation_id") or new_correlation_id(),
        "workflow_id": workflow_id,
        "revel_absent": request.get("revel_absent"),  # a reconcile's batch lookup found no order
    }
    with correlation(ctx["correlation_id"], event_id=event_id):
        prepared: dict[str, Any] | None = None
        begun = begin_step(event_id, workflow_id, request)
        try:
            if not begun["switches"]["enabled"]:
                prepared = {
                    "kind": "skip",
                    "outcome": Outcome.SKIPPED_DISABLED.value,
                    "reason": "the connector is disabled (ENABLE_CONNECTOR)",
                }
            else:
                prepared = prepare_step(event_id, fetch_step(event_id), begun)
            outcome, reason, order_id = _act(event_id, prepared, ctx)
            error = None
        except VendorError as exc:
            outcome, reason, order_id, error = (
                Outcome.FAILED,
                f"{exc.vendor} error: {exc}",
                None,
                str(exc),
            )
            log.warning("sync.failed", error=str(exc))
        except DBOSException:
            raise  # cancellation and engine errors belong to DBOS
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            outcome, reason, order_id = Outcome.FAILED, f"internal error: {error}", None
            log.exception("sync.crashed")
        result = record_step(event_id, outcome.value, reason, prepared, order_id, error, ctx)
        notify_step(event_id, result, prepared)
        return result


# ---- reconcile -------------------------------------------------------------------------------


@DBOS.step(name="reconcile.collect", retries_allowed=True, max_attempts=3, should_retry=is_retryable)
def collect_step(params: dict[str, Any]) -> dict[str, Any]:
    return reconcile_mod.collect(runtime(), params)


@DBOS.step(name="reconcile.lookup")
def lookup_step(event_ids: list[int], override: bool) -> dict[str, dict[str, str]]:
    try:
        hints = reconcile_mod.absent_orders(runtime(), event_ids, override)
    except Exception:  # a hint only saves calls: without it each sync looks its order up
        log.warning("reconcile.batch_lookup.failed", exc_info=True)
        return {}
    return {str(k): v for k, v in hints.items()}


@DBOS.step(name="reconcile.enqueue")
def enqueue_step(
    event_ids: list[int], source: str, correlation_id: str, hints: dict[str, Any] | None = None
) -> list[str]:
    from tripleseat_revel.sync.trigger import request_sync

    rt = runtime()
    hints = hints or {}
    return [
        request_sync(
            rt, e, source=source, correlation_id=correlation_id, revel_absent=hints.get(str(e))
        ).workflow_id
        for e in event_ids
    ]


def enqueue_found(found: dict[str, Any], source: str, correlation_id: str) -> list[str]:
    """Enqueue the sync of every event a collect step found, 200 per step, with the batch lookup's
    hints for those that may be due."""
    todo: list[int] = found["to_sync"]
    maybe_due = set(found.get("maybe_due") or [])
    workflow_ids: list[str] = []
    for start in range(0, len(todo), 200):
        batch = todo[start : start + 200]
        lookup = [e for e in batch if e in maybe_due]
        hints = lookup_step(lookup, bool(found.get("override"))) if len(lookup) > 1 else {}
        workflow_ids += enqueue_step(batch, source, correlation_id, hints)
    return workflow_ids


@DBOS.workflow(name="reconcile")
def reconcile(params: dict[str, Any]) -> dict[str, Any]:
    """Find the events that need a sync and enqueue them (it never calls Revel itself)."""
    cid = params.get("correlation_id") or new_correlation_id()
    with correlation(cid):
        found = collect_step(params)
        todo = found["to_sync"]
        enqueued = enqueue_found(found, params.get("source", "reconcile"), cid)
        workflow_ids = dict(zip(todo, enqueued, strict=True))
        log.info(
            "reconcile.done",
            queried=found["queried"],
            enqueued=len(todo),
            settled=len(found["settled"]),
        )
        return {
            **found,
            "workflow_ids": {str(k): v for k, v in workflow_ids.items()},
            "correlation_id": cid,
        }


@DBOS.workflow(name="scheduled_reconcile")
def scheduled_reconcile(scheduled_time: datetime, context: Any) -> dict[str, Any] | None:
    """Fires every minute (deduplicated across replicas); runs a reconcile when one is due."""
    params = reconcile_mod.scheduled_params(runtime(), scheduled_time, context or {})
    if params is None:
        return None
    return reconcile(params)
