"""DBOS set-up: one launch per process, the queues, the schedules, and bounded waits on results.

The app tables and DBOS's system tables live in the same database (SPEC: DATABASE_URL is both),
so a sync can be enqueued in the very transaction that records its trigger (the outbox pattern).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from dbos import DBOS, DBOSClient, DBOSConfig

from tripleseat_revel.db import dbos_url
from tripleseat_revel.logging import get_logger
from tripleseat_revel.sync.reconcile import schedules as reconcile_schedules
from tripleseat_revel.sync.replicas import Heartbeat, default_executor_id
from tripleseat_revel.sync.runtime import Runtime

log = get_logger(__name__)

SYNC_QUEUE = "sync"
RECONCILE_QUEUE = "reconcile"
APP_NAME = "tripleseat-revel"


@dataclass
class Engine:
    client: DBOSClient
    executor_id: str
    worker: bool
    heartbeat: Heartbeat


_engine: Engine | None = None


def launch(rt: Runtime, *, role: str = "serve", schedules: bool = True, work: bool = True) -> Engine:
    """Launch DBOS for this process (idempotent). `role`: serve | worker | cli.

    `work=False` only enqueues (the process takes no sync from the queue)."""
    global _engine
    if _engine is not None:
        return _engine
    from tripleseat_revel.sync import bulk, janitor, workflows  # noqa: F401 - registered before launch

    executor = default_executor_id(role, rt.settings.EXECUTOR_ID, sqlite=rt.db.is_sqlite)
    config: DBOSConfig = {
        "name": APP_NAME,
        "system_database_url": dbos_url(rt.db.url),
        "system_database_engine": rt.db.engine,
        "executor_id": executor,
        "application_version": "1",
        "log_level": "WARNING",
        "max_executor_threads": max(16, rt.settings.SYNC_CONCURRENCY * 4),
    }
    DBOS(config=config)
    _adopt_dbos_logs()
    if not work:
        DBOS.listen_queues([])
    DBOS.launch()
    DBOS.register_queue(
        SYNC_QUEUE,
        worker_concurrency=rt.settings.SYNC_CONCURRENCY,
        partition_concurrency=1,  # one sync per event at a time, across all replicas
        polling_interval_sec=0.2,
        on_conflict="always_update",
    )
    DBOS.register_queue(
        RECONCILE_QUEUE, global_concurrency=1, polling_interval_sec=0.5, on_conflict="always_update"
    )
    if schedules:
        DBOS.apply_schedules([*reconcile_schedules(rt, workflows.scheduled_reconcile), janitor.SCHEDULE])
    heartbeat = Heartbeat(rt.db, executor, role)
    heartbeat.start()
    _engine = Engine(
        DBOSClient(system_database_engine=rt.db.engine), executor, worker=work, heartbeat=heartbeat
    )
    log.info("engine.launched", executor_id=executor, role=role)
    return _engine


class _OneLineWarnings(logging.Filter):
    """DBOS warns at every step retry (expected under vendor faults) with a full traceback;
    keep the message and the error's one-line summary."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno <= logging.WARNING and record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()}: {type(error).__name__}: {error}"
            record.args = None
            record.exc_info = None
        return True


def _adopt_dbos_logs() -> None:
    """DBOS's records go through our handler: structured (JSON in production) and scrubbed."""
    dbos_logger = logging.getLogger("dbos")
    dbos_logger.handlers = []
    dbos_logger.propagate = True
    if not any(isinstance(f, _OneLineWarnings) for f in dbos_logger.filters):
        dbos_logger.addFilter(_OneLineWarnings())


def engine() -> Engine:
    if _engine is None:
        raise RuntimeError("the DBOS engine is not launched")
    return _engine


def shutdown(timeout_seconds: int = 10) -> None:
    global _engine
    if _engine is None:
        return
    _engine.client.destroy()
    _engine.heartbeat.stop()
    DBOS.destroy(workflow_completion_timeout_sec=timeout_seconds, destroy_registry=False)
    _engine = None


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
