"""Replicas: stable executor ids, heartbeats, and recovery of a dead replica's workflows.

DBOS recovers a restarted replica's own unfinished workflows (same executor id). A replica that
never comes back would leave its workflows PENDING, and its events' queue partitions blocked; so
every replica heartbeats, and a janitor (once a minute by default, deduplicated across replicas)
re-enqueues the workflows of executors silent for DEAD_REPLICA_SECONDS. DBOS fences the old owner:
if a "dead" replica was only stalled, its next checkpoint fails instead of running on.
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import datetime, timedelta

import sqlalchemy as sa

from tripleseat_revel.db import Database
from tripleseat_revel.logging import get_logger
from tripleseat_revel.models import Replica, utcnow

log = get_logger(__name__)
HEARTBEAT_SECONDS = 10.0


def heartbeat_interval(dead_replica_seconds: float) -> float:
    """HEARTBEAT_SECONDS, shortened so a live replica beats at least three times per dead window."""
    return min(HEARTBEAT_SECONDS, dead_replica_seconds / 3)


def default_executor_id(role: str, configured: str | None, *, sqlite: bool) -> str:
    """EXECUTOR_ID if set; else "local" for the embedded default's serve/worker (a restart
    recovers its own work), the host name on PostgreSQL (one per replica), a per-process id
    for CLI runs."""
    if configured:
        return configured
    if role in ("serve", "worker"):
        return "local" if sqlite else f"{role}-{socket.gethostname()}"
    return f"{role}-{socket.gethostname()}-{os.getpid()}"


def _beat(db: Database, executor_id: str, role: str, *, starting: bool) -> None:
    now = utcnow()
    with db.session() as session:
        row = session.get(Replica, executor_id)
        if row is None:
            row = Replica(
                executor_id=executor_id,
                role=role,
                hostname=socket.gethostname(),
                pid=os.getpid(),
                started_at=now,
                heartbeat_at=now,
            )
            session.add(row)
        row.heartbeat_at = now
        if starting:
            row.role, row.pid, row.started_at, row.stopped_at = role, os.getpid(), now, None


class Heartbeat:
    """Registers this replica and refreshes its heartbeat every HEARTBEAT_SECONDS."""

    def __init__(
        self, db: Database, executor_id: str, role: str, interval: float = HEARTBEAT_SECONDS
    ) -> None:
        self.db, self.executor_id, self.role, self.interval = db, executor_id, role, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="replica-heartbeat", daemon=True)

    def start(self) -> None:
        _beat(self.db, self.executor_id, self.role, starting=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                _beat(self.db, self.executor_id, self.role, starting=False)
            except Exception as exc:  # a database blip must not kill the thread
                log.warning("replica.heartbeat.failed", error=type(exc).__name__)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(self.interval + 1)
        with self.db.session() as session:
            row = session.get(Replica, self.executor_id)
            if row is not None:
                row.stopped_at = utcnow()


def dead_executors(db: Database, now: datetime, dead_after: timedelta, *, exclude: str) -> list[str]:
    """Executors silent for `dead_after` whose work has not been recovered since their last beat."""
    query = sa.select(Replica.executor_id).where(
        Replica.heartbeat_at < now - dead_after,
        Replica.executor_id != exclude,
        sa.or_(Replica.recovered_at.is_(None), Replica.recovered_at < Replica.heartbeat_at),
    )
    with db.session() as session:
        return list(session.scalars(query))


def mark_recovered(db: Database, executor_id: str, count: int) -> None:
    with db.session() as session:
        row = session.get(Replica, executor_id)
        if row is not None:
            row.recovered_at = utcnow()
            row.recovered_workflows += count


def started_since(db: Database, executor_ids: list[str], since: datetime) -> bool:
    """Whether every one of `executor_ids` registered (started) at `since` or later, and runs."""
    query = sa.select(sa.func.count()).where(
        Replica.executor_id.in_(executor_ids), Replica.started_at >= since, Replica.stopped_at.is_(None)
    )
    with db.session() as session:
        return int(session.scalar(query) or 0) == len(executor_ids)
