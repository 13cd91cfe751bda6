"""Shared order lookups for webhook syncs: one `local_id__in` call for a sync, the syncs starting
within a few milliseconds of it, and the events still queued behind them (`sync_pending`), as a
reconcile does for its due events.

What comes of it is what a reconcile's batch lookup gives (`reconcile.absent_orders`), trusted the
same way: an answer counts only if it holds the order Revel is known to have (our newest order on
record), no order with another local_id, and fits one page; only "Revel had no order with this
local_id at <time>" is kept (for ABSENT_FOR, see revel_writer), and the writer uses it only for a
sync with no op on record for that order. Anything else: the sync looks its order up alone.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from tripleseat_revel.db import Database
from tripleseat_revel.integrations.revel.client import RevelClient
from tripleseat_revel.kit.http import VendorError
from tripleseat_revel.logging import get_logger
from tripleseat_revel.models import RevelOp, SyncPending

log = get_logger(__name__)
MAX_BATCH = 50  # as the reconcile's batches (one page of answers)
OFF_AFTER_UNUSABLE = 600.0  # a Revel that misreads `local_id__in` is not asked again for so long
KEEP_FINDINGS = 1000  # findings kept for syncs still queued (oldest dropped first)
# Queued events read to fill a batch: the oldest are mostly answered already (a batch takes only
# those neither answered nor being asked), so read further than one batch.
QUEUED_SCAN = 10 * MAX_BATCH


def known_local_id(db: Database) -> str | None:
    """The local_id of the newest order this connector made and Revel answered (None: none yet)."""
    with db.session() as session:
        return session.scalars(
            sa.select(RevelOp.local_id)
            .where(RevelOp.op == "order", RevelOp.state == "done", RevelOp.revel_id.is_not(None))
            .order_by(RevelOp.updated_at.desc())
            .limit(1)
        ).first()


def answer_check(db: Database, revel: RevelClient) -> tuple[bool, str | None]:
    """(usable, known): the local_id of an order Revel is known to have, to ride along in every
    batch (an answer without it shows the filter is not doing what we assume, and is not trusted):
    our newest order, else on a new ledger (the switch-over day, say) one borrowed from Revel.
    `known` None with `usable`: Revel has no order at all, so an empty answer is true. Not usable:
    nothing to check an answer against (Revel's orders carry no local_id, or it failed)."""
    known = known_local_id(db)
    if known is not None:
        return True, known
    try:
        sample = revel.newest_order(with_local_id=True)
        if sample is None:  # no order with a local_id; with none at all the empty answer is true
            sample = revel.newest_order(with_local_id=False)
    except VendorError:
        return False, None
    if sample is not None and not sample.local_id:
        return False, None
    return True, sample.local_id if sample is not None else None


def queued_event_ids(db: Database, limit: int) -> list[int]:
    """Events whose sync is queued and not started yet, oldest request first."""
    with db.session() as session:
        query = sa.select(SyncPending.event_id).order_by(SyncPending.requested_at).limit(limit)
        return list(session.scalars(query))


@dataclass
class _Batch:
    local_ids: set[str] = field(default_factory=set)
    done: threading.Event = field(default_factory=threading.Event)


class SharedLookup:
    """`absent(local_id, queued)`: when Revel was last seen to have no order carrying `local_id`
    (an ISO time), asking together with the syncs that ask within `window` seconds and for the
    `queued` local_ids too; None means "look it up yourself"."""

    def __init__(
        self,
        revel: RevelClient,
        db: Database,
        window: float,
        *,
        now: Callable[[], datetime],
        others: Callable[[], bool] = lambda: True,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.revel, self.db, self.window, self._now, self._sleep = revel, db, window, now, sleep
        self._others = others  # whether other syncs are running (else a lookup waits for nobody)
        self._lock = threading.Lock()
        self._open: _Batch | None = None
        self._found: dict[str, str] = {}  # local_id -> when Revel had no order carrying it
        self._asking: dict[str, _Batch] = {}  # local_id -> the batch that asks for it now
        self._off_until = float("-inf")

    def absent(self, local_id: str, queued: list[str] | None = None) -> str | None:
        if self.window <= 0 or time.monotonic() < self._off_until:
            return None
        with self._lock:
            if local_id in self._found:
                return self._found.pop(local_id)
            batch, leader = self._asking.get(local_id), False  # asked already, as a queued one
            if batch is None:
                extra = [q for q in queued or [] if q not in self._found and q not in self._asking]
                extra = [q for q in extra if q != local_id]
                if not extra and not self._others():
                    return None  # alone: its own lookup costs the same one call and needs no check
                batch, leader = self._join(local_id, extra)
        if leader:
            self._lead(batch)
        else:
            batch.done.wait(30)
        with self._lock:
            return self._found.pop(local_id, None)

    def _join(self, local_id: str, extra: list[str]) -> tuple[_Batch, bool]:
        """The open batch with `local_id` and as many of `extra` as fit (a new one if none is
        open or it is full); and whether the caller leads it. Under the lock."""
        batch, leader = self._open, False
        if batch is None or len(batch.local_ids) >= MAX_BATCH:
            batch, leader = _Batch(), True
            self._open = batch
        for lid in [local_id, *extra][: max(1, MAX_BATCH - len(batch.local_ids))]:
            batch.local_ids.add(lid)
            self._asking[lid] = batch
        return batch, leader

    def _lead(self, batch: _Batch) -> None:
        """Wait for the others, close the batch and ask (a batch of one is not asked: the sync's
        own lookup costs the same one call and needs no check)."""
        try:
            self._sleep(self.window)
            with self._lock:
                if self._open is batch:
                    self._open = None
                wanted = sorted(batch.local_ids)
            if len(wanted) > 1:
                self._ask(wanted)
        finally:
            with self._lock:
                for lid in batch.local_ids:
                    if self._asking.get(lid) is batch:
                        del self._asking[lid]
            batch.done.set()

    def _ask(self, local_ids: list[str]) -> None:
        usable, known = answer_check(self.db, self.revel)
        if not usable:  # nothing to check the answer against
            return
        checked_at = self._now().isoformat()
        try:
            found = self.revel.orders_by_local_ids(local_ids, known=known, raise_transient=True)
        except VendorError:  # a 429, a 5xx, no answer: no finding now, and no verdict on the filter
            return
        if found is None:
            log.info("revel.lookup.shared.unusable", orders=len(local_ids))
            self._off_until = time.monotonic() + OFF_AFTER_UNUSABLE
            return
        absent = [lid for lid in local_ids if not [o for o in found.get(lid, []) if not o.deleted]]
        with self._lock:
            for lid in absent:
                self._found[lid] = checked_at
            while len(self._found) > KEEP_FINDINGS:
                self._found.pop(next(iter(self._found)))
        log.info("revel.lookup.shared", orders=len(local_ids), absent=len(absent))
