"""The DBOS internals this connector relies on, in one place, pinned to the version they were
written for (`tests/worker/test_dbos_private.py` fails when the installed DBOS differs: re-check
each name below before moving the pin in pyproject.toml and constraints.txt).

- `DBOSException`: the base of DBOS's own errors (cancellation, engine failures), which a workflow
  must let through; `MaxStepRetriesExceeded`: a step whose retries ran out (it wraps the step's
  own errors, which say what failed).
- `recover_pending`: re-enqueue another executor's unfinished workflows (what DBOS Conductor does
  for a replica that never comes back; see replicas.py).
- `destroy`: DBOS.destroy, but its wait for the running workflows looks every 50 ms (DBOS's own
  sleeps a whole second before its first look, which every stop of a process paid).
"""

from __future__ import annotations

import time

from dbos import DBOS, WorkflowHandle
from dbos import _dbos as dbos_module
from dbos._error import DBOSException, DBOSMaxStepRetriesExceeded

from tripleseat_revel.logging import get_logger

log = get_logger(__name__)

WRITTEN_FOR = "3.4.0"
MaxStepRetriesExceeded = DBOSMaxStepRetriesExceeded

__all__ = ["WRITTEN_FOR", "DBOSException", "MaxStepRetriesExceeded", "destroy", "recover_pending"]


def recover_pending(executor_ids: list[str]) -> list[WorkflowHandle[object]]:
    """Re-enqueue the PENDING workflows of these executors (on their own queues and partitions)."""
    handles: list[WorkflowHandle[object]] = DBOS._recover_pending_workflows(executor_ids)
    return handles


def destroy(workflow_completion_timeout_sec: float) -> None:
    """Stop DBOS in this process as `DBOS.destroy` does: stop taking work, let the queue manager
    hand over what it already claimed, wait up to the timeout for the workflows running or handed
    over here, then tear down (registrations included). DBOS's own wait sleeps a whole second before
    its first look, which every stop paid; this one looks every 50 ms."""
    instance = dbos_module._dbos_global_instance
    if instance is not None:
        for stop in instance.background_thread_stop_events:
            stop.set()
        deadline = time.monotonic() + workflow_completion_timeout_sec
        for thread in instance._background_threads:
            if thread.name.endswith("(queue_thread)"):  # it joins the queues' workers as it ends
                thread.join(max(0.0, deadline - time.monotonic()))
        while _still_running(instance) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _running(instance):
            executor = instance._executor_field
            log.warning(
                "engine.stop_timeout",
                running=instance._active_workflows_set.activeList(),
                not_started=executor._work_queue.qsize() if executor is not None else 0,
            )
    DBOS.destroy(workflow_completion_timeout_sec=0, destroy_registry=True)


def _still_running(instance: DBOS) -> bool:
    """Running, or seen idle only once: an executor thread takes a workflow off its queue a moment
    before the workflow counts as active, so idle must be seen twice, 50 ms apart."""
    if _running(instance):
        return True
    time.sleep(0.05)
    return _running(instance)


def _running(instance: DBOS) -> bool:
    """Workflows running in this process, or handed to its executor and not started yet."""
    executor = instance._executor_field
    waiting = executor._work_queue.qsize() if executor is not None else 0
    return bool(instance._active_workflows_set.activeList()) or waiting > 0
