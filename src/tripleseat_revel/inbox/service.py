"""The durable webhook inbox: store a verified delivery and enqueue its sync in one transaction.

A re-delivery (the same body again, because TripleSeat did not see our 200) hits the unique
delivery key and enqueues nothing new. Deliveries for an event whose sync is still queued
collapse into that run (see worker/trigger.py).

`InboxWriter` commits the deliveries that arrive together as one transaction (group commit): one
thread writes, so concurrent webhooks never queue on the database's write lock, and each is
answered once the transaction holding it has committed. What each delivery stores and enqueues is
exactly what `_accept_in` does for it alone; a batch that fails is retried one delivery at a time.
The batch's transaction asks for SQLite's write lock promptly (`Database.begin_promptly`): each
webhook's answer waits for its commit.
"""

from __future__ import annotations

import asyncio
import hashlib
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from tripleseat_revel.db import Database
from tripleseat_revel.logging import get_logger
from tripleseat_revel.models import utcnow
from tripleseat_revel.sync.context import SyncRequester

log = get_logger(__name__)

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


@dataclass(frozen=True)
class Delivery:
    """A verified delivery, as the webhook handler hands it over."""

    body: bytes
    trigger: str | None
    event_id: int | None
    actionable: bool
    reason: str | None
    scheme: str | None
    correlation_id: str


def delivery_key(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _params(delivery: Delivery, key: str) -> dict[str, Any]:
    return {
        "key": key,
        "at": utcnow(),
        "trigger": delivery.trigger,
        "event_id": delivery.event_id,
        "actionable": delivery.actionable,
        "reason": delivery.reason,
        "scheme": delivery.scheme,
        "body": delivery.body.decode("utf-8", "replace"),
        "cid": delivery.correlation_id,
    }


def _redelivered(conn: sa.Connection, key: str) -> Accepted:
    row = conn.execute(_REDELIVERED, {"key": key}).one()
    return Accepted(int(row.id), duplicate=True, workflow_id=row.workflow_id, collapsed=True)


def _request(
    conn: sa.Connection, syncs: SyncRequester, delivery: Delivery, delivery_id: int
) -> tuple[Accepted, str | None]:
    """The sync request of a newly stored delivery: (its answer, the workflow id to link)."""
    if not delivery.actionable or delivery.event_id is None:
        return Accepted(delivery_id, duplicate=False, workflow_id=None, collapsed=False), None
    request = syncs.request_in(
        conn, delivery.event_id, source="webhook", correlation_id=delivery.correlation_id
    )
    return Accepted(delivery_id, False, request.workflow_id, request.collapsed), request.workflow_id


def _accept_in(conn: sa.Connection, syncs: SyncRequester, delivery: Delivery) -> Accepted:
    """Record the delivery and, if actionable, request the event's sync, in `conn`'s transaction."""
    key = delivery_key(delivery.body)
    delivery_id = conn.execute(_INSERT, _params(delivery, key)).scalar()
    if delivery_id is None:
        return _redelivered(conn, key)
    accepted, workflow_id = _request(conn, syncs, delivery, int(delivery_id))
    if workflow_id is not None:
        conn.execute(_LINK, {"wid": workflow_id, "id": accepted.delivery_id})
    return accepted


_COLUMNS = ("key", "at", "trigger", "event_id", "actionable", "reason", "scheme", "body", "cid")
_INSERT_MANY: dict[int, sa.TextClause] = {}


def _insert_many(size: int) -> sa.TextClause:
    """`_INSERT` for `size` rows in one statement (RETURNING also gives the key of each row)."""
    statement = _INSERT_MANY.get(size)
    if statement is None:
        rows = ", ".join("(" + ", ".join(f":{c}_{i}" for c in _COLUMNS) + ", 1)" for i in range(size))
        columns = "delivery_key, received_at, trigger, event_id, actionable, reason, signature_scheme, body"
        sql = f"INSERT INTO webhook_inbox ({columns}, correlation_id, deliveries) VALUES {rows} "  # noqa: S608
        statement = sa.text(sql + "ON CONFLICT (delivery_key) DO NOTHING RETURNING id, delivery_key")
        _INSERT_MANY[size] = statement
    return statement


@dataclass(frozen=True)
class _Batch:
    """A batch's keys, its first delivery of each key, and the parameters of their one INSERT:
    made before the write lock is taken (hashing up to 256 bodies is not work to hold it for)."""

    keys: list[str]
    unique: list[int]
    params: dict[str, Any]


def _batch(deliveries: list[Delivery]) -> _Batch:
    keys = [delivery_key(d.body) for d in deliveries]
    first: dict[str, int] = {}
    for index, key in enumerate(keys):
        first.setdefault(key, index)
    unique = sorted(first.values())
    params: dict[str, Any] = {}
    for n, index in enumerate(unique):
        for column, value in _params(deliveries[index], keys[index]).items():
            params[f"{column}_{n}"] = value
    _insert_many(len(unique))  # built (and kept) now too
    return _Batch(keys, unique, params)


def _accept_many_in(
    conn: sa.Connection, syncs: SyncRequester, deliveries: list[Delivery], batch: _Batch | None = None
) -> list[Accepted]:
    """`_accept_in` for each delivery in turn, with the same result, in fewer statements: the new
    rows are inserted together and linked together; a key seen earlier in the batch is handled
    after them, one by one, exactly as a later delivery would be."""
    batch = batch or _batch(deliveries)
    keys, unique = batch.keys, batch.unique
    inserted = {
        row.delivery_key: int(row.id) for row in conn.execute(_insert_many(len(unique)), batch.params)
    }
    results: list[Accepted | None] = [None] * len(deliveries)
    links: list[dict[str, Any]] = []
    for index in unique:
        delivery_id = inserted.get(keys[index])
        if delivery_id is None:
            results[index] = _redelivered(conn, keys[index])
            continue
        results[index], workflow_id = _request(conn, syncs, deliveries[index], delivery_id)
        if workflow_id is not None:
            links.append({"wid": workflow_id, "id": delivery_id})
    if links:
        conn.execute(_LINK, links)
    for index, key in enumerate(keys):
        if results[index] is None:
            results[index] = _redelivered(conn, key)
    return [r for r in results if r is not None]


Outcome = Accepted | BaseException
Callback = Callable[[Outcome], None]


class InboxWriter:
    """Group commit of deliveries: a writer thread takes whatever is waiting (up to `max_batch`)
    and stores it in one transaction; it stops after `idle_seconds` without work and starts again
    with the next delivery."""

    def __init__(
        self, db: Database, syncs: SyncRequester, *, max_batch: int = 256, idle_seconds: float = 5.0
    ) -> None:
        self.db = db
        self.syncs = syncs
        self.max_batch = max_batch
        self.idle_seconds = idle_seconds
        self._queue: queue.SimpleQueue[tuple[Delivery, Callback]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._running = False

    def submit(self, delivery: Delivery, done: Callback) -> None:
        """Queue `delivery`; `done` is called (on the writer thread) once it is committed."""
        self._queue.put((delivery, done))
        self._restart()

    async def accept(self, delivery: Delivery) -> Accepted:
        """Store `delivery` (and request its sync) for an asyncio caller: resolves once committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Accepted] = loop.create_future()

        def resolve(outcome: Outcome) -> None:
            if future.done():  # the request went away; the delivery is stored all the same
                return
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)

        def done(outcome: Outcome) -> None:
            loop.call_soon_threadsafe(resolve, outcome)

        self.submit(delivery, done)
        return await future

    def _take(self) -> list[tuple[Delivery, Callback]] | None:
        try:
            batch = [self._queue.get(timeout=self.idle_seconds)]
        except queue.Empty:
            with self._lock:
                if self._queue.empty():
                    self._running = False
                    return None
            return []
        while len(batch) < self.max_batch:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _run(self) -> None:
        idle = False
        try:
            while True:
                batch = self._take()
                if batch is None:
                    idle = True  # _take has marked the writer stopped, under the lock
                    return
                if not batch:
                    continue
                try:
                    self._write(batch)
                except Exception as exc:  # never leave a request waiting, never let the writer die
                    log.exception("inbox.writer.failed", deliveries=len(batch))
                    for _, done in batch:
                        _call(done, exc)
        finally:
            if not idle:  # ended any other way: let the next delivery, or one waiting, start another
                with self._lock:
                    self._running = False
                if not self._queue.empty():
                    self._restart()

    def _restart(self) -> None:
        with self._lock:
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, name="inbox-writer", daemon=True).start()

    def _write(self, batch: list[tuple[Delivery, Callback]]) -> None:
        outcomes: list[Outcome]
        deliveries = [delivery for delivery, _ in batch]
        try:
            prepared = _batch(deliveries)
            with self.db.begin_promptly() as conn:
                outcomes = list(_accept_many_in(conn, self.syncs, deliveries, prepared))
        except Exception:
            # One bad delivery must not fail the others: redo each in a transaction of its own.
            outcomes = [self._write_one(delivery) for delivery, _ in batch]
        for (_, done), outcome in zip(batch, outcomes, strict=True):
            _call(done, outcome)

    def _write_one(self, delivery: Delivery) -> Outcome:
        try:
            with self.db.begin_promptly() as conn:
                return _accept_in(conn, self.syncs, delivery)
        except Exception as exc:
            return exc


def _call(done: Callback, outcome: Outcome) -> None:
    try:
        done(outcome)
    except RuntimeError:  # the caller's event loop is closed: nobody is waiting any more
        return
    except Exception:
        log.exception("inbox.writer.callback_failed")
