"""Requesting a sync: at most one queued run per event, enqueued in the caller's transaction.

A `sync_pending` row marks the queued, not yet started run of an event. Triggers that arrive while
it waits collapse into it; once it starts (its first step deletes the row) the next trigger queues
a new run, because the event may have changed after that run fetched it.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from dbos import DBOS, DBOSClient, EnqueueOptions

from tripleseat_revel.db import Database
from tripleseat_revel.logging import current_correlation_id, new_correlation_id
from tripleseat_revel.models import SyncPending, utcnow
from tripleseat_revel.sync.context import Ask, Runtime, SyncRequest
from tripleseat_revel.sync.results import EventResult, event_result
from tripleseat_revel.worker.queues import SYNC_QUEUE, TERMINAL, wait_for

STALE_PENDING = timedelta(minutes=15)
_INSERT = sa.text(
    "INSERT INTO sync_pending (event_id, workflow_id, source, requested_at, collapsed) "
    "VALUES (:event_id, :workflow_id, :source, :requested_at, 0) ON CONFLICT (event_id) DO NOTHING"
)
_COLLAPSE = sa.text(
    "UPDATE sync_pending SET collapsed = collapsed + 1 WHERE event_id = :event_id RETURNING workflow_id"
)


class DbosSyncRequester:
    """The domain's `SyncRequester`, on the DBOS `sync` queue (partitioned by event)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @functools.cached_property
    def _client(self) -> DBOSClient:
        # Lazy: connects on first use, so a process that never enqueues never opens it.
        return DBOSClient(system_database_engine=self.db.engine, lazy=True)

    def _enqueue(self, conn: sa.Connection, event_id: int, workflow_id: str, request: dict[str, Any]) -> None:
        options: EnqueueOptions = {
            "workflow_name": "sync_event",
            "queue_name": SYNC_QUEUE,
            "workflow_id": workflow_id,
            "queue_partition_key": str(event_id),
        }
        self._client.enqueue_in_transaction(conn, options, event_id, request)

    def request_in(
        self,
        conn: sa.Connection,
        event_id: int,
        *,
        source: str,
        correlation_id: str | None = None,
        revel_absent: dict[str, str] | None = None,
    ) -> SyncRequest:
        """Request a sync inside the caller's transaction (commit makes it real). `revel_absent` is
        a reconcile's finding that Revel has no order for the event yet (see
        reconcile.absent_orders); a trigger that collapses into a queued run does not pass it on."""
        workflow_id = f"sync-{event_id}-{uuid.uuid4().hex[:12]}"
        params = {
            "event_id": event_id,
            "workflow_id": workflow_id,
            "source": source,
            "requested_at": utcnow(),
        }
        if conn.execute(_INSERT, params).rowcount:
            cid = correlation_id or current_correlation_id() or new_correlation_id()
            request: dict[str, Any] = {"source": source, "correlation_id": cid}
            if revel_absent:
                request["revel_absent"] = revel_absent
            self._enqueue(conn, event_id, workflow_id, request)
            return SyncRequest(event_id, workflow_id, collapsed=False)
        existing = conn.execute(_COLLAPSE, {"event_id": event_id}).scalar()
        if existing is None:  # the queued run started between our two statements: queue a new one
            return self.request_in(
                conn, event_id, source=source, correlation_id=correlation_id, revel_absent=revel_absent
            )
        return SyncRequest(event_id, str(existing), collapsed=True)

    def request(
        self,
        event_id: int,
        *,
        source: str,
        correlation_id: str | None = None,
        revel_absent: dict[str, str] | None = None,
        ask: Ask | None = None,
    ) -> SyncRequest:
        """Request a sync in a transaction of its own (an operator's `ask` is a run of its own, never
        joined to a queued one; the event's queue partition still runs one sync at a time)."""
        with self.db.engine.begin() as conn:
            if ask is not None:
                workflow_id = f"{ask}-{event_id}-{uuid.uuid4().hex[:12]}"
                cid = correlation_id or current_correlation_id() or new_correlation_id()
                self._enqueue(
                    conn, event_id, workflow_id, {"source": source, "correlation_id": cid, "ask": ask}
                )
                return SyncRequest(event_id, workflow_id, collapsed=False)
            return self.request_in(
                conn, event_id, source=source, correlation_id=correlation_id, revel_absent=revel_absent
            )


@dataclass(frozen=True)
class SyncWait:
    """A sync requested and waited for: its result, or None while it is still running."""

    request: SyncRequest
    result: EventResult | None


def sync_and_wait(
    rt: Runtime, event_id: int, *, source: str, timeout: float, ask: Ask | None = None
) -> SyncWait:
    """Sync one event now and wait up to `timeout` seconds for its result (API, dashboard, CLI).
    `ask`: an operator's re-check or amend (see sync.context.Ask)."""
    request = rt.syncs.request(event_id, source=source, ask=ask)
    state, output = wait_for(request.workflow_id, timeout)
    if isinstance(output, EventResult):
        return SyncWait(request, output)
    if state in TERMINAL:  # ended without a result of its own (cancelled, say): the ledger's word
        return SyncWait(request, event_result(rt, event_id, workflow_id=request.workflow_id))
    return SyncWait(request, None)


def sweep_stale_pending(rt: Runtime, now: datetime) -> int:
    """Drop pending markers whose workflow will never run (so triggers stop collapsing into it)."""
    removed = 0
    with rt.db.session() as session:
        rows = session.scalars(sa.select(SyncPending).where(SyncPending.requested_at < now - STALE_PENDING))
        for row in list(rows):
            status = DBOS.get_workflow_status(row.workflow_id)
            if status is None or status.status not in ("ENQUEUED", "PENDING"):
                session.delete(row)
                removed += 1
    return removed
