"""The durable webhook inbox: store a verified delivery and enqueue its sync in one transaction.

A re-delivery (the same body again, because TripleSeat did not see our 200) hits the unique
delivery key and enqueues nothing new. Deliveries for an event whose sync is still queued
collapse into that run (see sync/trigger.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa

from tripleseat_revel.db import Database
from tripleseat_revel.models import utcnow
from tripleseat_revel.sync.trigger import request_sync_in

_INSERT = sa.text(
    "INSERT INTO webhook_inbox (delivery_key, received_at, trigger, event_id, actionable, reason, "
    "signature_scheme, body, correlation_id, deliveries) VALUES (:key, :at, :trigger, :event_id, "
    ":actionable, :reason, :scheme, :body, :cid, 1) "
    "ON CONFLICT (delivery_key) DO NOTHING RETURNING id"
)
_REDELIVERED = sa.text(
    "UPDATE webhook_inbox SET deliveries = deliveries + 1 WHERE delivery_key = :key RETURNING id, workflow_id"
)
_LINK = sa.text("UPDATE webhook_inbox SET workflow_id = :wid WHERE id = :id")


@dataclass(frozen=True)
class Accepted:
    delivery_id: int
    duplicate: bool
    workflow_id: str | None
    collapsed: bool


def delivery_key(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def accept(
    db: Database,
    *,
    body: bytes,
    trigger: str | None,
    event_id: int | None,
    actionable: bool,
    reason: str | None,
    scheme: str | None,
    correlation_id: str,
) -> Accepted:
    """Record the delivery and, if actionable, request the event's sync atomically with it."""
    key = delivery_key(body)
    params = {
        "key": key,
        "at": utcnow(),
        "trigger": trigger,
        "event_id": event_id,
        "actionable": actionable,
        "reason": reason,
        "scheme": scheme,
        "body": body.decode("utf-8", "replace"),
        "cid": correlation_id,
    }
    with db.engine.begin() as conn:
        delivery_id = conn.execute(_INSERT, params).scalar()
        if delivery_id is None:
            row = conn.execute(_REDELIVERED, {"key": key}).one()
            return Accepted(int(row.id), duplicate=True, workflow_id=row.workflow_id, collapsed=True)
        if not actionable or event_id is None:
            return Accepted(int(delivery_id), duplicate=False, workflow_id=None, collapsed=False)
        request = request_sync_in(conn, event_id, source="webhook", correlation_id=correlation_id)
        conn.execute(_LINK, {"wid": request.workflow_id, "id": delivery_id})
        return Accepted(int(delivery_id), False, request.workflow_id, request.collapsed)
