"""DBOS set-up: one launch per process, its queues and schedules, and its shutdown.

The app tables and DBOS's system tables live in the same database (SPEC: DATABASE_URL is both),
so a sync can be enqueued in the very transaction that records its trigger (the outbox pattern).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from dbos import DBOS, DBOSConfig

from tripleseat_revel.db import dbos_url
from tripleseat_revel.logging import get_logger
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.worker import dbos_private
from tripleseat_revel.worker.queues import RECONCILE_QUEUE, SYNC_QUEUE
from tripleseat_revel.worker.replicas import Heartbeat, default_executor_id, heartbeat_interval
from tripleseat_revel.worker.workflows import Workflows

log = get_logger(__name__)

APP_NAME = "tripleseat-revel"


@dataclass
class Engine:
    """DBOS launched in this process: its executor id, role and heartbeat."""

    executor_id: str
    role: str
    work: bool
    heartbeat: Heartbeat
    workflows: Workflows


def executor_id_for(rt: Runtime, role: str) -> str:
    return default_executor_id(role, rt.settings.EXECUTOR_ID, sqlite=rt.db.is_sqlite)


def _config(rt: Runtime, executor_id: str) -> DBOSConfig:
    return {
        "name": APP_NAME,
        "system_database_url": dbos_url(rt.db.url),
        "system_database_engine": rt.db.engine,
        "executor_id": executor_id,
        "application_version": "1",
        "log_level": "WARNING",
        "max_executor_threads": max(16, rt.settings.SYNC_CONCURRENCY * 4),
        # SQLite's notification listener sleeps this long between looks (1 s by default), and a
        # stopping process waits for that sleep to end. Its look is a no-op while nothing waits
        # on a notification, which no workflow of the connector does.
        "notification_listener_polling_interval_sec": 0.1,
    }


def _register_queues(rt: Runtime) -> None:
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


def launch(
    rt: Runtime,
    workflows: Workflows,
    *,
    executor_id: str,
    role: str = "serve",
    schedules: bool = True,
    work: bool = True,
) -> Engine:
    """Launch DBOS for this process, once, after `workflows` were registered over `rt`.

    `work=False` only enqueues (the process takes no sync from the queue); `schedules=False`
    leaves the periodic reconcile and janitor to other processes."""
    DBOS(config=_config(rt, executor_id))
    _adopt_dbos_logs()
    if not work:
        DBOS.listen_queues([])
    DBOS.launch()
    _register_queues(rt)
    if schedules:
        DBOS.apply_schedules(workflows.schedules)
    heartbeat = Heartbeat(rt.db, executor_id, role, heartbeat_interval(rt.settings.DEAD_REPLICA_SECONDS))
    heartbeat.start()
    log.info("engine.launched", executor_id=executor_id, role=role)
    return Engine(executor_id, role, work, heartbeat, workflows)


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


def shutdown(engine: Engine, timeout_seconds: int = 10) -> None:
    """Stop this process's engine; its workflows' registrations go with it (the next launch, in a
    test say, registers its own over its own runtime)."""
    engine.heartbeat.stop()
    dbos_private.destroy(workflow_completion_timeout_sec=timeout_seconds)
