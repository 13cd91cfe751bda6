"""Coalesced order lookups: syncs that are about to create their orders within a few milliseconds of
each other ask Revel once (`local_id__in`) instead of once each.

The answer is trusted exactly as a reconcile's batch lookup is (`reconcile.absent_orders`): it
must hold the order Revel is known to have (our newest order on record), no order with another
local_id, and fit one page; otherwise it gives no answer and each sync looks up alone. Only
"Revel has no order with this local_id" is taken from it (a found order is looked up by the sync as
before), and only by a sync with no op on record for that order (see OrderWriter.order).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from tripleseat_revel.db import Database
from tripleseat_revel.integrations.revel.client import RevelClient
from tripleseat_revel.kit.http import VendorError
from tripleseat_revel.logging import get_logger
from tripleseat_revel.models import RevelOp

log = get_logger(__name__)
MAX_BATCH = 50  # as the reconcile's batches (one page of answers)
OFF_AFTER_UNUSABLE = 600.0  # a Revel that misreads `local_id__in` is not asked again for so long
WAIT_LIMIT = 30.0  # a follower never waits longer than this for its leader's answer


def known_local_id(db: Database) -> str | None:
    """The local_id of the newest order this connector made and Revel answered (None: none yet)."""
    with db.session() as session:
        return session.scalars(
            sa.select(RevelOp.local_id)
            .where(RevelOp.op == "order", RevelOp.state == "done", RevelOp.revel_id.is_not(None))
            .order_by(RevelOp.updated_at.desc())
            .limit(1)
        ).first()


@dataclass
class _Batch:
    local_ids: set[str] = field(default_factory=set)
    done: threading.Event = field(default_factory=threading.Event)
    absent: set[str] | None = None  # None: no trusted answer


class CoalescedLookup:
    """`absent(local_id)`: whether Revel has no order carrying `local_id`, asked together with the
    other syncs that ask within `window` seconds. False means "look it up yourself"."""

    def __init__(
        self,
        revel: RevelClient,
        db: Database,
        window: float,
        *,
        others: Callable[[], bool] = lambda: True,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.revel, self.db, self.window, self._sleep = revel, db, window, sleep
        self._others = others  # whether other syncs are running (else a lookup waits for nobody)
        self._lock = threading.Lock()
        self._open: _Batch | None = None
        self._off_until = float("-inf")
        self._clock = time.monotonic

    def absent(self, local_id: str) -> bool:
        if self.window <= 0 or self._clock() < self._off_until or not self._others():
            return False
        with self._lock:
            batch, leader = self._open, False
            if batch is None or len(batch.local_ids) >= MAX_BATCH:
                batch, leader = _Batch(), True
                self._open = batch
            batch.local_ids.add(local_id)
        if leader:
            self._lead(batch)
        else:
            batch.done.wait(WAIT_LIMIT)
        return batch.absent is not None and local_id in batch.absent

    def _lead(self, batch: _Batch) -> None:
        """Wait for the others, close the batch and ask (a batch of one gives no answer: the sync's
        own lookup costs the same one call and needs no check)."""
        try:
            self._sleep(self.window)
            with self._lock:
                if self._open is batch:
                    self._open = None
                wanted = sorted(batch.local_ids)
            if len(wanted) > 1:
                batch.absent = self._ask(wanted)
        finally:
            batch.done.set()

    def _ask(self, local_ids: list[str]) -> set[str] | None:
        known = known_local_id(self.db)
        if known is None:  # nothing to check the answer against
            return None
        try:
            found = self.revel.orders_by_local_ids(local_ids, known=known)
        except VendorError:
            return None
        if found is None:
            log.info("revel.lookup.coalesced.unusable", orders=len(local_ids))
            self._off_until = self._clock() + OFF_AFTER_UNUSABLE
            return None
        absent = {lid for lid in local_ids if not [o for o in found.get(lid, []) if not o.deleted]}
        log.info("revel.lookup.coalesced", orders=len(local_ids), absent=len(absent))
        return absent
