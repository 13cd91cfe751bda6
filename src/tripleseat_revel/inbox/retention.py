"""Retention: webhook deliveries and old audit bodies are not kept for ever (INBOX_RETENTION_DAYS).

A `webhook_inbox` row received before the cutoff is deleted, unless its sync is still pending
(its event has a queued run in `sync_pending`, or its workflow is still active); an `audit_log` row
from before the cutoff keeps its message (the trail stays readable) and loses its `data` body.
Work is done in batches of short transactions, so a large backlog never holds the write lock long.
A re-delivery of a pruned webhook is accepted again: its sync finds the order already made.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from tripleseat_revel.db import Database
from tripleseat_revel.models import AuditEntry, InboxDelivery, SyncPending

BATCH = 500


@dataclass(frozen=True)
class Pruned:
    deliveries: int
    audit_bodies: int


def _expired_deliveries(cutoff: datetime, active: Collection[str], batch: int) -> sa.Select[Any]:
    queued = sa.select(SyncPending.event_id)
    query = sa.select(InboxDelivery.id).where(
        InboxDelivery.received_at < cutoff,
        sa.or_(InboxDelivery.event_id.is_(None), InboxDelivery.event_id.not_in(queued)),
    )
    if active:
        kept = sa.or_(InboxDelivery.workflow_id.is_(None), InboxDelivery.workflow_id.not_in(list(active)))
        query = query.where(kept)
    return query.limit(batch)


def _old_audit_bodies(cutoff: datetime, batch: int) -> sa.Select[Any]:
    return sa.select(AuditEntry.id).where(AuditEntry.at < cutoff, AuditEntry.data.is_not(None)).limit(batch)


def _until_done(db: Database, statement: sa.Executable) -> int:
    total = 0
    while True:
        with db.engine.begin() as conn:
            done = int(conn.execute(statement).rowcount)
        total += done
        if done == 0:
            return total


def prune_old_records(
    db: Database, cutoff: datetime, *, active_workflows: Collection[str], batch: int = BATCH
) -> Pruned:
    """Delete the inbox rows and empty the audit bodies older than `cutoff` (see module doc)."""
    deliveries = sa.delete(InboxDelivery).where(
        InboxDelivery.id.in_(_expired_deliveries(cutoff, active_workflows, batch).scalar_subquery())
    )
    bodies = (
        sa.update(AuditEntry)
        .where(AuditEntry.id.in_(_old_audit_bodies(cutoff, batch).scalar_subquery()))
        .values(data=sa.null())  # SQL NULL (None would be stored as JSON null)
    )
    return Pruned(_until_done(db, deliveries), _until_done(db, bodies))
