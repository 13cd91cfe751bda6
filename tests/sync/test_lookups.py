"""Webhook syncs that start together share one `local_id__in` lookup (with the events queued behind
them), trusted only as a reconcile's batch is."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import cast

import pytest

from tripleseat_revel.db import Database
from tripleseat_revel.integrations.revel.client import RevelClient
from tripleseat_revel.integrations.revel.errors import RevelError
from tripleseat_revel.integrations.revel.schemas import Order
from tripleseat_revel.sync import ledger
from tripleseat_revel.sync.lookups import SharedLookup

KNOWN = "Triple Seat 1"
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


class FakeRevel:
    """`orders_by_local_ids` as the client answers it: {local_id: orders} or None (untrusted)."""

    def __init__(self, orders: dict[str, list[Order]] | None = None, *, trusted: bool = True) -> None:
        self.orders = orders or {}
        self.trusted = trusted
        self.calls: list[tuple[list[str], str | None]] = []
        self.error: Exception | None = None
        self.newest: Order | None = None  # what Revel lists first (a POS order has no local_id)

    def newest_order(self, *, with_local_id: bool) -> Order | None:
        if self.newest is None or (with_local_id and not self.newest.local_id):
            return None
        return self.newest

    def orders_by_local_ids(
        self, local_ids: list[str], *, known: str | None, raise_transient: bool = False
    ) -> dict[str, list[Order]] | None:
        self.calls.append((sorted(local_ids), known))
        if self.error is not None:
            raise self.error
        if not self.trusted:
            return None
        return {lid: self.orders.get(lid, []) for lid in local_ids}


@pytest.fixture
def db(migrated_db: Database) -> Database:
    return migrated_db


def _with_known_order(db: Database) -> None:
    with db.session() as session:
        ledger.op_done(session, KNOWN, "order", 1, revel_id=501)


def _ask_together(lookup: SharedLookup, local_ids: list[str]) -> dict[str, str | None]:
    """Each local_id asked from its own thread, all released at once (syncs starting together)."""
    answers: dict[str, str | None] = {}
    start = threading.Barrier(len(local_ids))

    def ask(local_id: str) -> None:
        start.wait()
        answers[local_id] = lookup.absent(local_id)

    threads = [threading.Thread(target=ask, args=(lid,)) for lid in local_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return answers


def _lookup(db: Database, revel: FakeRevel, window: float = 0.5) -> SharedLookup:
    return SharedLookup(cast(RevelClient, revel), db, window, now=lambda: NOW)


def test_syncs_asking_together_share_one_call_with_the_known_order_as_its_check(db: Database) -> None:
    _with_known_order(db)
    existing = Order.model_validate({"id": 7, "local_id": "Triple Seat 3", "deleted": False})
    revel = FakeRevel({"Triple Seat 3": [existing]})
    wanted = [f"Triple Seat {n}" for n in (2, 3, 4)]

    answers = _ask_together(_lookup(db, revel), wanted)

    assert revel.calls == [(wanted, KNOWN)]
    # Only "no order carries it" spares a sync its own lookup; the one with an order looks it up.
    checked = NOW.isoformat()
    assert answers == {"Triple Seat 2": checked, "Triple Seat 3": None, "Triple Seat 4": checked}


@pytest.mark.parametrize("failure", ["untrusted", "error"])
def test_an_answer_that_cannot_be_trusted_sends_every_sync_to_its_own_lookup(
    db: Database, failure: str
) -> None:
    _with_known_order(db)
    revel = FakeRevel(trusted=failure != "untrusted")
    if failure == "error":
        revel.error = RevelError("refused", status=400)

    answers = _ask_together(_lookup(db, revel), ["Triple Seat 2", "Triple Seat 3"])

    assert len(revel.calls) == 1
    assert answers == {"Triple Seat 2": None, "Triple Seat 3": None}


def test_after_an_answer_that_cannot_be_trusted_it_is_not_asked_again_for_a_while(db: Database) -> None:
    _with_known_order(db)
    revel = FakeRevel(trusted=False)
    lookup = _lookup(db, revel)
    _ask_together(lookup, ["Triple Seat 2", "Triple Seat 3"])

    answers = _ask_together(lookup, ["Triple Seat 4", "Triple Seat 5"])

    assert len(revel.calls) == 1  # the second pair looked up alone, without a wasted call first
    assert set(answers.values()) == {None}


def test_with_no_order_of_ours_on_record_an_order_revel_has_is_the_check(db: Database) -> None:
    revel = FakeRevel()
    revel.newest = Order.model_validate({"id": 3, "local_id": "Triple Seat 77"})

    answers = _ask_together(_lookup(db, revel), ["Triple Seat 2", "Triple Seat 3"])

    assert revel.calls == [(["Triple Seat 2", "Triple Seat 3"], "Triple Seat 77")]
    assert set(answers.values()) == {NOW.isoformat()}


def test_with_only_orders_without_a_local_id_to_check_against_nothing_is_asked(db: Database) -> None:
    revel = FakeRevel()
    revel.newest = Order.model_validate({"id": 3, "local_id": None})  # a POS order

    answers = _ask_together(_lookup(db, revel), ["Triple Seat 2", "Triple Seat 3"])

    assert revel.calls == []
    assert set(answers.values()) == {None}


def test_a_sync_alone_looks_up_as_before(db: Database) -> None:
    _with_known_order(db)
    revel = FakeRevel()

    assert _lookup(db, revel, window=0.01).absent("Triple Seat 2") is None
    assert revel.calls == []  # its own lookup costs the same one call and needs no check


def test_a_window_of_zero_switches_it_off(db: Database) -> None:
    _with_known_order(db)
    revel = FakeRevel()

    assert _ask_together(_lookup(db, revel, window=0), ["Triple Seat 2", "Triple Seat 3"]) == {
        "Triple Seat 2": None,
        "Triple Seat 3": None,
    }
    assert revel.calls == []


def test_a_sync_running_alone_does_not_wait_for_company(db: Database) -> None:
    _with_known_order(db)
    naps: list[float] = []
    lookup = SharedLookup(
        cast(RevelClient, FakeRevel()), db, 0.5, now=lambda: NOW, others=lambda: False, sleep=naps.append
    )

    assert lookup.absent("Triple Seat 2") is None
    assert naps == []


def test_the_events_queued_behind_a_sync_are_looked_up_with_it_and_wait_for_their_turn(
    db: Database,
) -> None:
    _with_known_order(db)
    revel = FakeRevel()
    lookup = SharedLookup(cast(RevelClient, revel), db, 0.01, now=lambda: NOW, others=lambda: False)
    queued = ["Triple Seat 3", "Triple Seat 4"]

    assert lookup.absent("Triple Seat 2", queued) == NOW.isoformat()
    assert lookup.absent("Triple Seat 3", ["Triple Seat 4"]) == NOW.isoformat()  # from the first call
    assert lookup.absent("Triple Seat 4") == NOW.isoformat()
    assert revel.calls == [(["Triple Seat 2", *queued], KNOWN)]
    # A finding serves one sync: a later sync of the same event asks again (alone here).
    assert lookup.absent("Triple Seat 4") is None


def test_a_sync_whose_event_is_being_asked_for_waits_for_that_answer(db: Database) -> None:
    _with_known_order(db)
    answers: dict[str, str | None] = {}
    started: list[threading.Thread] = []

    class Slow(FakeRevel):
        def orders_by_local_ids(
            self, local_ids: list[str], *, known: str | None, raise_transient: bool = False
        ) -> dict[str, list[Order]] | None:
            # While Revel answers the first batch, the sync of the queued event starts.
            thread = threading.Thread(target=lambda: answers.update({"B": lookup.absent("Triple Seat 3")}))
            thread.start()
            started.append(thread)
            thread.join(0.2)
            return super().orders_by_local_ids(local_ids, known=known)

    revel = Slow()
    lookup = _lookup(db, revel, window=0.01)

    answers["A"] = lookup.absent("Triple Seat 2", ["Triple Seat 3"])
    started[0].join(30)

    assert revel.calls == [(["Triple Seat 2", "Triple Seat 3"], KNOWN)]
    assert answers == {"A": NOW.isoformat(), "B": NOW.isoformat()}
