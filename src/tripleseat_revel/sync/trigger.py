"""Requesting a sync: at most one queued run per event, enqueued in the caller's transaction.

A `sync_pending` row marks the queued, not yet started run of an event. Triggers that arrive while
it waits collapse into it; once it starts (its first step deletes the row) the next trigger queues
a new run, because the event may have changed after that run fetched it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from dbos import EnqueueOptions

from tripleseat_revel.logging import current_correlation_id, new_correlation_id
from tripleseat_revel.models import utcnow
from tripleseat_revel.sync.engine import SYNC_QUEUE, engine
from tripleseat_revel.sync.runtime import Runtime

_INSERT = sa.text(
    "INSERT INTO sync_pending (event_id, workflow_id, source, requested_at, collapsed) "
    "VALUES (:event_id, :workflow_id, :source, :requested_at, 0) ON CONFLICT (event_id) DO NOTHING"
)
_COLLAPSE = sa.text(
    "UPDATE sync_pending SET collapsed = collapsed + 1 WHERE event_id = :event_id RETURNING workflow_id"
)


@dataclass(frozen=True)
class SyncRequest:
    event_id: int
    workflow_id: str
    collapsed: bool  # joined a run that was already queued


def _enqueue(conn: sa.Connection, event_id: int, workflow_id: str, request: dict[str, Any]) -> None:
    options: EnqueueOptions = {
        "workflow_name": "sync_event",
        "queue_name": SYNC_QUEUE,
        "workflow_id": workflow_id,
        "queue_partition_key": str(event_id),
    }
    engine().client.enqueue_in_transaction(conn, options, event_id, request)


def request_sync_in(
    conn: sa.Connection,
    event_id: int,
    *,
    source: str,
    correlation_id: str | None = None,
    revel_absent: dict[str, str] | None = None,
) -> SyncRequest:
    """Request a sync inside the caller's transaction (commit makes it real). `revel_absent` is a
    reconcile's finding that Revel has no order for the event yet (see reconcile.absent_orders);
    a trigger that collapses into a queued run does not pass it on."""
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
        _enqueue(conn, event_id, workflow_id, request)
        return SyncRequest(event_id, workflow_id, collapsed=False)
    existing = conn.execute(_COLLAPSE, {"event_id": event_id}).scalar()
    if existing is None:  # the queued run started between our two statements: queue a new one
        return request_sync_in(
            conn, event_id, source=source, correlation_id=correlation_id, revel_absent=revel_absent
        )
    return SyncRequest(event_id, str(existing), collapsed=True)


def request_sync(
    rt: Runtime,
    event_id: int,
    *,
    source: str,
    correlation_id: str | None = None,
    revel_absent: dict[str, str] | None = None,
) -> SyncRequest:
    """Request a sync in a transaction of its own."""
    with rt.db.engine.begin() as conn:
        return request_sync_in(
            conn, event_id, source=source, correlation_id=correlation_id, revel_absent=revel_absent
        )
