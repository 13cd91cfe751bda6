"""The reconcile as checkpointed steps: collect the events that need a sync (sync/reconcile.py),
look their Revel orders up in batches, and enqueue their syncs. It never writes to Revel itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dbos import DBOS

from tripleseat_revel.logging import correlation, get_logger, new_correlation_id
from tripleseat_revel.sync import reconcile as domain
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.worker.steps import read_retry
from tripleseat_revel.worker.trigger import sweep_stale_pending

log = get_logger(__name__)
ENQUEUE_BATCH = 200


@dataclass(frozen=True)
class ReconcileSteps:
    collect: Callable[[dict[str, Any]], dict[str, Any]]
    lookup: Callable[[list[int], bool], dict[str, dict[str, str]]]
    enqueue: Callable[[list[int], str, str, dict[str, Any] | None], list[str]]


def register_reconcile_steps(rt: Runtime) -> ReconcileSteps:
    @DBOS.step(name="reconcile.collect", **read_retry(rt))
    def collect_step(params: dict[str, Any]) -> dict[str, Any]:
        found = domain.collect(rt, params)
        if params.get("sweep", True):
            sweep_stale_pending(rt, rt.clock())
        return found

    @DBOS.step(name="reconcile.lookup")
    def lookup_step(event_ids: list[int], override: bool) -> dict[str, dict[str, str]]:
        try:
            hints = domain.absent_orders(rt, event_ids, override)
        except Exception:  # a hint only saves calls: without it each sync looks its order up
            log.warning("reconcile.batch_lookup.failed", exc_info=True)
            return {}
        return {str(k): v for k, v in hints.items()}

    @DBOS.step(name="reconcile.enqueue")
    def enqueue_step(
        event_ids: list[int], source: str, correlation_id: str, hints: dict[str, Any] | None = None
    ) -> list[str]:
        hints = hints or {}
        return [
            rt.syncs.request(
                e, source=source, correlation_id=correlation_id, revel_absent=hints.get(str(e))
            ).workflow_id
            for e in event_ids
        ]

    return ReconcileSteps(collect_step, lookup_step, enqueue_step)


def enqueue_found(
    steps: ReconcileSteps, found: dict[str, Any], source: str, correlation_id: str
) -> list[str]:
    """Enqueue the sync of every event a collect step found, 200 per step, with the batch lookup's
    hints for those that may be due."""
    todo: list[int] = found["to_sync"]
    maybe_due = set(found.get("maybe_due") or [])
    workflow_ids: list[str] = []
    for start in range(0, len(todo), ENQUEUE_BATCH):
        batch = todo[start : start + ENQUEUE_BATCH]
        lookup = [e for e in batch if e in maybe_due]
        hints = steps.lookup(lookup, bool(found.get("override"))) if len(lookup) > 1 else {}
        workflow_ids += steps.enqueue(batch, source, correlation_id, hints)
    return workflow_ids


def run_reconcile(steps: ReconcileSteps, params: dict[str, Any]) -> dict[str, Any]:
    """The body of the `reconcile` workflow."""
    cid = params.get("correlation_id") or new_correlation_id()
    with correlation(cid):
        found = steps.collect(params)
        todo = found["to_sync"]
        enqueued = enqueue_found(steps, found, params.get("source", "reconcile"), cid)
        workflow_ids = dict(zip(todo, enqueued, strict=True))
        log.info(
            "reconcile.done", queried=found["queried"], enqueued=len(todo), settled=len(found["settled"])
        )
        return {**found, "workflow_ids": {str(k): v for k, v in workflow_ids.items()}, "correlation_id": cid}
