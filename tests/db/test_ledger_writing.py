"""A run left `writing` stays listed, whatever passive runs (dry run, switched off) do after it."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tripleseat_revel import migrate
from tripleseat_revel.db import Database
from tripleseat_revel.models.event_record import EventRecord
from tripleseat_revel.sync import ledger
from tripleseat_revel.sync.outcomes import Outcome


def _left(database: Database) -> list[int]:
    now = ledger.now_utc()
    with database.session() as s:
        return list(s.scalars(sa.select(EventRecord.event_id).where(ledger.left_writing(now))))


def test_a_paused_connector_does_not_hide_a_half_written_order(database: Database) -> None:
    migrate.upgrade(database.engine)
    with database.session() as s:
        ledger.record_outcome(s, 1, Outcome.INJECTED, "ok", correlation_id=None)
        ledger.begin_writes(s, 1)  # an amend began, then its run ended without an outcome
    with database.session() as s:  # ... 40 minutes ago
        s.execute(sa.update(EventRecord).values(updated_at=ledger.now_utc() - timedelta(minutes=40)))
    assert _left(database) == [1]

    for passive in (Outcome.SKIPPED_DISABLED, Outcome.WOULD_INJECT):  # switched off, then a dry run
        with database.session() as s:
            ledger.record_outcome(s, 1, passive, "paused", correlation_id=None)

    assert _left(database) == [1]
