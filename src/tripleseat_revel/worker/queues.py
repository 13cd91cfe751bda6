"""The durable queues, and waiting a bounded time for a workflow's result."""

from __future__ import annotations

import time
from typing import Any

from dbos import DBOS

SYNC_QUEUE = "sync"  # one sync per event at a time (partitioned by event id)
RECONCILE_QUEUE = "reconcile"

TERMINAL = {"SUCCESS", "ERROR", "CANCELLED", "MAX_RECOVERY_ATTEMPTS_EXCEEDED"}


def wait_for(workflow_id: str, timeout: float, poll: float = 0.1) -> tuple[str, Any]:
    """Wait up to `timeout` s for a workflow: (status, result or None)."""
    deadline = time.monotonic() + timeout
    while True:
        status = DBOS.get_workflow_status(workflow_id)
        state = status.status if status is not None else "UNKNOWN"
        if state in TERMINAL:
            return state, (status.output if status is not None and state == "SUCCESS" else None)
        if time.monotonic() >= deadline:
            return state, None
        time.sleep(poll)
