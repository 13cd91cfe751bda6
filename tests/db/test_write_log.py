"""The write-ahead log of an order's Revel writes (`revel_ops`), on both databases: an intent is
recorded before each write, repeats are counted, a done write keeps its answer and is never
re-claimed, and the audit line lands in the same transaction."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from tripleseat_revel import migrate
from tripleseat_revel.db import Database
from tripleseat_revel.models import AuditEntry, RevelOp
from tripleseat_revel.sync import ledger

LOCAL = "Triple Seat 7"
LINE = {"line": {"id": 11, "product_id": 3, "quantity": 2, "price": "12.50"}}


@pytest.fixture
def db(database: Database) -> Database:
    migrate.upgrade(database.engine)
    return database


def _row(db: Database, op: str) -> tuple[str, int, int | None, Any] | None:
    with db.session() as s:
        row = s.get(RevelOp, (LOCAL, op))
        return None if row is None else (row.state, row.attempts, row.revel_id, row.answer)


def _claim(db: Database, op: str) -> tuple[str, Any]:
    with db.session() as s:
        return ledger.claim_op(s, LOCAL, op, 7)


def test_a_first_claim_records_the_intent_before_the_write(db: Database) -> None:
    assert _claim(db, "k:line:0") == ("", None)
    assert _row(db, "k:line:0") == ("intent", 1, None, None)


def test_a_repeated_claim_of_an_unfinished_write_counts_the_attempt(db: Database) -> None:
    _claim(db, "k:line:0")
    assert _claim(db, "k:line:0") == ("intent", None)
    assert _claim(db, "k:line:0") == ("intent", None)
    assert _row(db, "k:line:0") == ("intent", 3, None, None)


def test_a_done_write_keeps_its_answer_and_a_later_claim_writes_nothing(db: Database) -> None:
    _claim(db, "k:line:0")
    with db.session() as s:
        ledger.op_done(s, LOCAL, "k:line:0", 7, 11, LINE)
    assert _claim(db, "k:line:0") == ("done", LINE)
    assert _row(db, "k:line:0") == ("done", 1, 11, LINE)  # not re-claimed: attempts unchanged


def test_a_done_write_without_an_answer_stays_done_when_claimed_again(db: Database) -> None:
    with db.session() as s:  # a write recorded done before answers were kept
        ledger.op_done(s, LOCAL, "k:history", 7, 5)
    assert _claim(db, "k:history") == ("done", None)
    assert _row(db, "k:history") == ("done", 1, 5, None)


def test_done_without_a_recorded_intent_is_recorded(db: Database) -> None:
    with db.session() as s:
        ledger.op_done(s, LOCAL, "order", 7, 501, {"totals": None})
        ledger.audit(s, 7, "revel.order.found", "order 501 found", data={"op": "order", "revel_id": 501})
    assert _row(db, "order") == ("done", 0, 501, {"totals": None})
    with db.session() as s:
        (line,) = s.scalars(sa.select(AuditEntry).where(AuditEntry.event_id == 7))
        assert (line.kind, line.message, line.data) == (
            "revel.order.found",
            "order 501 found",
            {"op": "order", "revel_id": 501},
        )


def test_a_done_and_its_audit_line_are_undone_together_when_the_transaction_fails(db: Database) -> None:
    _claim(db, "k:pay")

    def done_then_die() -> None:
        with db.session() as s:
            ledger.op_done(s, LOCAL, "k:pay", 7, 9, {"paid": "10.00"})
            ledger.audit(s, 7, "revel.payment.created", "payment of 10.00")
            raise RuntimeError("the process died before the commit")

    with pytest.raises(RuntimeError):
        done_then_die()
    assert _row(db, "k:pay") == ("intent", 1, None, None)
    with db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0
