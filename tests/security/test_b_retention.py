"""Webhook deliveries (up to 1 MiB each) and old audit bodies do not pile up for ever: past
INBOX_RETENTION_DAYS an hourly scheduled job deletes the inbox rows and empties the audit rows'
data, never touching a delivery whose sync is still pending (issue 12, finding 6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.fixtures.harness import Connector
from tripleseat_revel import migrate
from tripleseat_revel.db import Database
from tripleseat_revel.inbox.retention import prune_old_records
from tripleseat_revel.models import AuditEntry, InboxDelivery, SyncPending

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
OLD, RECENT = NOW - timedelta(days=31), NOW - timedelta(days=29)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'retention.db'}")
    migrate.upgrade(database.engine)
    return database


def _delivery(db: Database, key: str, at: datetime, *, event_id: int, workflow_id: str | None) -> None:
    with db.session() as session:
        session.add(
            InboxDelivery(
                delivery_key=key, received_at=at, event_id=event_id, body="x" * 1000, workflow_id=workflow_id
            )
        )


def _audit(db: Database, at: datetime, message: str) -> None:
    with db.session() as session:
        session.add(
            AuditEntry(event_id=1, at=at, kind="sync.failed", message=message, data={"body": "y" * 500})
        )


def _inbox_keys(db: Database) -> set[str]:
    with db.session() as session:
        return set(session.scalars(sa.select(InboxDelivery.delivery_key)))


def test_old_deliveries_go_and_recent_ones_stay(db: Database) -> None:
    _delivery(db, "old", OLD, event_id=1, workflow_id="sync-1-a")
    _delivery(db, "recent", RECENT, event_id=2, workflow_id="sync-2-a")

    pruned = prune_old_records(db, NOW - timedelta(days=30), active_workflows=set())

    assert _inbox_keys(db) == {"recent"}
    assert pruned.deliveries == 1


def test_an_old_delivery_whose_sync_is_still_pending_is_kept(db: Database) -> None:
    _delivery(db, "queued", OLD, event_id=1, workflow_id="sync-1-queued")
    _delivery(db, "running", OLD, event_id=2, workflow_id="sync-2-running")
    _delivery(db, "done", OLD, event_id=3, workflow_id="sync-3-done")
    with db.session() as session:
        session.add(SyncPending(event_id=1, workflow_id="sync-1-queued", source="webhook"))

    prune_old_records(db, NOW - timedelta(days=30), active_workflows={"sync-2-running"})

    assert _inbox_keys(db) == {"queued", "running"}


def test_old_audit_rows_keep_their_message_and_lose_their_body(db: Database) -> None:
    _audit(db, OLD, "old failure")
    _audit(db, RECENT, "recent failure")

    pruned = prune_old_records(db, NOW - timedelta(days=30), active_workflows=set())

    with db.session() as session:
        rows = {r.message: r.data for r in session.scalars(sa.select(AuditEntry))}
    assert rows == {"old failure": None, "recent failure": {"body": "y" * 500}}
    assert pruned.audit_bodies == 1


def test_pruning_works_in_batches_until_nothing_is_left(db: Database) -> None:
    for n in range(7):
        _delivery(db, f"old-{n}", OLD, event_id=n, workflow_id=None)

    pruned = prune_old_records(db, NOW - timedelta(days=30), active_workflows=set(), batch=3)

    assert pruned.deliveries == 7 and _inbox_keys(db) == set()


def test_the_scheduled_retention_job_prunes_past_inbox_retention_days(connector: Connector) -> None:
    (job,) = [s for s in connector.engine.workflows.schedules if s["schedule_name"] == "retention"]
    assert job["schedule"] == "0 45 * * * *"  # hourly
    db, days = connector.rt.db, connector.settings.INBOX_RETENTION_DAYS
    now = datetime.now(UTC)
    _delivery(db, "expired", now - timedelta(days=days, hours=1), event_id=1, workflow_id=None)
    _delivery(db, "kept", now - timedelta(days=days - 1), event_id=2, workflow_id=None)

    job["workflow_fn"](now, job.get("context"))

    assert _inbox_keys(db) == {"kept"}
