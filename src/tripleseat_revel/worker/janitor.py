"""The janitor: once a minute (deduplicated across replicas), recover dead replicas' work, send the
emails whose first send failed (the outbox), and prune finished DBOS workflow records past
WORKFLOW_RETENTION_DAYS (the audit trail is kept: it is ours)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from dbos import DBOS

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
