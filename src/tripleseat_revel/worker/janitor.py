"""The janitor: once a minute (deduplicated across replicas), recover dead replicas' work, send the
emails whose first send failed (the outbox), and prune finished DBOS workflow records past
WORKFLOW_RETENTION_DAYS (the audit trail is kept: it is ours). And the hourly retention job:
webhook deliveries and audit bodies past INBOX_RETENTION_DAYS (inbox/retention.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from dbos import DBOS

from tripleseat_revel.inbox.retention import prune_old_records
from tripleseat_revel.logging import get_logger
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.worker.dbos_private import recover_pending
from tripleseat_revel.worker.replicas import dead_executors, mark_recovered

log = get_logger(__name__)
PRUNE_BATCH = 500


def recover_executors(rt: Runtime, executor_ids: list[str]) -> dict[str, int]:
    """Re-enqueue the PENDING workflows of these executors (on their own queues and partitions)."""
    recovered: dict[str, int] = {}
    for executor_id in executor_ids:
        handles = recover_pending([executor_id])
        mark_recovered(rt.db, executor_id, len(handles))
        recovered[executor_id] = len(handles)
        log.warning("replica.recovered", executor_id=executor_id, workflows=len(handles))
    return recovered


def register_janitor(rt: Runtime, executor_id: str) -> Callable[[datetime, Any], None]:
    """The janitor workflow of the replica `executor_id` (it never recovers its own work)."""

    @DBOS.step(name="janitor.recover")
    def recover_dead_step(me: str) -> dict[str, int]:
        dead_after = timedelta(seconds=rt.settings.DEAD_REPLICA_SECONDS)
        dead = dead_executors(rt.db, rt.clock(), dead_after, exclude=me)
        return recover_executors(rt, dead) if dead else {}

    @DBOS.step(name="janitor.finished")
    def finished_before_step(cutoff: str) -> list[str]:
        done = DBOS.list_workflows(
            status=["SUCCESS", "ERROR", "CANCELLED"],
            completed_before=cutoff,
            limit=PRUNE_BATCH,
            load_input=False,
            load_output=False,
        )
        return [w.workflow_id for w in done]

    @DBOS.step(name="janitor.outbox")
    def outbox_step() -> int:
        return rt.notifier.drain()

    @DBOS.workflow(name="replica_janitor")
    def replica_janitor(scheduled_time: datetime, context: Any) -> None:
        recover_dead_step(executor_id)
        outbox_step()
        cutoff = scheduled_time - timedelta(days=rt.settings.WORKFLOW_RETENTION_DAYS)
        old = finished_before_step(cutoff.isoformat())
        if old:
            DBOS.delete_workflows(old)

    return replica_janitor


def register_retention(rt: Runtime) -> Callable[[datetime, Any], None]:
    """The retention workflow: deliveries whose sync is still queued or running are kept."""

    @DBOS.step(name="retention.active")
    def active_step() -> list[str]:
        active = DBOS.list_workflows(status=["ENQUEUED", "PENDING"], load_input=False, load_output=False)
        return [w.workflow_id for w in active]

    @DBOS.step(name="retention.prune")
    def prune_step(cutoff: str, active: list[str]) -> dict[str, int]:
        pruned = prune_old_records(rt.db, datetime.fromisoformat(cutoff), active_workflows=set(active))
        if pruned.deliveries or pruned.audit_bodies:
            log.info("retention.pruned", deliveries=pruned.deliveries, audit_bodies=pruned.audit_bodies)
        return {"deliveries": pruned.deliveries, "audit_bodies": pruned.audit_bodies}

    @DBOS.workflow(name="retention")
    def retention(scheduled_time: datetime, context: Any) -> None:
        cutoff = scheduled_time - timedelta(days=rt.settings.INBOX_RETENTION_DAYS)
        prune_step(cutoff.isoformat(), active_step())

    return retention
