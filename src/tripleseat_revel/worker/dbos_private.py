"""The DBOS internals this connector relies on, in one place, pinned to the version they were
written for (`tests/worker/test_dbos_private.py` fails when the installed DBOS differs: re-check
each name below before moving the pin in pyproject.toml and constraints.txt).

- `DBOSException`: the base of DBOS's own errors (cancellation, engine failures), which a workflow
  must let through; `MaxStepRetriesExceeded`: a step whose retries ran out (it wraps the step's
  own errors, which say what failed).
- `recover_pending`: re-enqueue another executor's unfinished workflows (what DBOS Conductor does
  for a replica that never comes back; see replicas.py).
"""

from __future__ import annotations

from dbos import DBOS, WorkflowHandle
from dbos._error import DBOSException, DBOSMaxStepRetriesExceeded

WRITTEN_FOR = "3.4.0"
MaxStepRetriesExceeded = DBOSMaxStepRetriesExceeded

__all__ = ["WRITTEN_FOR", "DBOSException", "MaxStepRetriesExceeded", "recover_pending"]


def recover_pending(executor_ids: list[str]) -> list[WorkflowHandle[object]]:
    """Re-enqueue the PENDING workflows of these executors (on their own queues and partitions)."""
    handles: list[WorkflowHandle[object]] = DBOS._recover_pending_workflows(executor_ids)
    return handles
