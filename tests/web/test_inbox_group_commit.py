"""The webhook inbox's group commit changes nothing but speed.

A batch of deliveries stored in one transaction must give each delivery the answer, and leave the
database in the state, that storing them one by one gives: redeliveries (also inside one batch),
collapsing into a queued sync, deliveries that enqueue nothing. A batch that fails is redone one
delivery at a time, so one bad delivery never fails the others.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.fixtures.harness import Connector, running_connector
from tripleseat_revel.inbox.service import Accepted, Delivery, InboxWriter, _accept_in, _accept_many_in
from tripleseat_revel.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e


@pytest.fixture
def enqueue_only(sandbox: SandboxServer, tmp_path: Path) -> Iterator[Connector]:
    with running_connector(sandbox, tmp_path, work=False) as running:
        yield running


def _delivery(base: int, event_id: int | None, trigger: str = "UPDATE_EVENT", tag: str = "") -> Delivery:
    body = json.dumps(
        {"webhook_trigger_type": trigger, "event": {"id": event_id}, "tag": f"{base}{tag}"}
    ).encode()
    actionable = trigger != "CREATE_LEAD" and event_id is not None
    reason = None if actionable else "not actionable"
    return Delivery(body, trigger, event_id, actionable, reason, "hex", f"cid-{base}-{tag}")


def _script(base: int) -> tuple[Delivery, list[Delivery]]:
    """(a delivery stored beforehand, a burst) for events base+1 and base+2."""
    earlier = _delivery(base, base + 3, tag="earlier")
    first = _delivery(base, base + 1, tag="a")
    burst = [
        first,
        _delivery(base, base + 1, "STATUS_CHANGE_EVENT", tag="b"),  # collapses into first's sync
        _delivery(base, base + 2, tag="c"),
        first,  # a redelivery inside the burst
        _delivery(base, None, "CREATE_LEAD", tag="d"),  # stored, enqueues nothing
        _delivery(base, None, tag="e"),  # no event id
        earlier,  # a redelivery of one stored before the burst
    ]
    return earlier, burst


def _shape(results: list[Accepted], earlier: Accepted) -> list[tuple[Any, ...]]:
    """What a delivery's answer says, with workflow ids replaced by their role."""
    ids = {earlier.workflow_id: "earlier"}
    for r in results:
        if r.workflow_id is not None:
            ids.setdefault(r.workflow_id, f"run{len(ids)}")
    return [(r.duplicate, r.collapsed, ids.get(r.workflow_id)) for r in results]


def _rows(connector: Connector, base: int) -> list[tuple[Any, ...]]:
    """The inbox rows and pending syncs of a script, without ids or times."""
    events = [base + 1, base + 2, base + 3]
    with connector.rt.db.engine.connect() as conn:
        inbox = conn.execute(
            sa.text(
                "SELECT trigger, actionable, reason, deliveries, workflow_id IS NULL FROM webhook_inbox "
                "WHERE correlation_id LIKE :p ORDER BY id"
            ),
            {"p": f"cid-{base}-%"},
        ).all()
        pending = conn.execute(
            sa.text("SELECT collapsed FROM sync_pending WHERE event_id IN :ids ORDER BY event_id").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"ids": events},
        ).all()
    return [tuple(r) for r in inbox] + [("pending", *r) for r in pending]


def test_a_batch_answers_and_stores_exactly_as_one_by_one(enqueue_only: Connector) -> None:
    db = enqueue_only.rt.db
    results: dict[str, tuple[list[Accepted], Accepted]] = {}
    for mode, base in (("one-by-one", 100), ("batch", 200)):
        earlier, burst = _script(base)
        with db.engine.begin() as conn:
            stored = _accept_in(conn, enqueue_only.rt.syncs, earlier)
        with db.engine.begin() as conn:
            if mode == "batch":
                results[mode] = (_accept_many_in(conn, enqueue_only.rt.syncs, burst), stored)
            else:
                results[mode] = ([_accept_in(conn, enqueue_only.rt.syncs, d) for d in burst], stored)

    one, batch = results["one-by-one"], results["batch"]
    assert _shape(*batch) == _shape(*one)
    assert _shape(*one) == [
        (False, False, "run1"),
        (False, True, "run1"),
        (False, False, "run2"),
        (True, True, "run1"),
        (False, False, None),
        (False, False, None),
        (True, True, "earlier"),
    ]
    assert _rows(enqueue_only, 200) == _rows(enqueue_only, 100)
    assert len(_rows(enqueue_only, 100)) == 6 + 3  # six deliveries stored, three syncs pending


def test_the_writer_commits_before_answering_and_isolates_a_bad_delivery(
    enqueue_only: Connector, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = enqueue_only.rt.syncs

    class Flaky:
        def request_in(self, conn: sa.Connection, event_id: int, **kw: Any) -> Any:
            if event_id == 666:
                raise RuntimeError("boom")
            return real.request_in(conn, event_id, **kw)

        def request(self, event_id: int, **kw: Any) -> Any:
            return real.request(event_id, **kw)

    writer = InboxWriter(enqueue_only.rt.db, Flaky(), idle_seconds=0.2)
    deliveries = [_delivery(300, 300 + i, tag=str(i)) for i in range(20)] + [_delivery(300, 666, tag="bad")]

    async def send_all() -> list[Any]:
        return await asyncio.gather(*(writer.accept(d) for d in deliveries), return_exceptions=True)

    outcomes = asyncio.run(send_all())

    assert isinstance(outcomes[-1], RuntimeError)
    good = outcomes[:-1]
    assert all(isinstance(o, Accepted) and not o.duplicate for o in good)
    with enqueue_only.rt.db.engine.connect() as conn:
        stored = conn.execute(
            sa.text("SELECT count(*) FROM webhook_inbox WHERE event_id BETWEEN 300 AND 399")
        ).scalar()
        bad = conn.execute(sa.text("SELECT count(*) FROM webhook_inbox WHERE event_id = 666")).scalar()
    assert stored == 20 and bad == 0


def test_the_writer_survives_its_own_failure_and_answers_everyone(
    enqueue_only: Connector, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = InboxWriter(enqueue_only.rt.db, enqueue_only.rt.syncs, idle_seconds=0.2)
    real_write = InboxWriter._write
    calls = {"n": 0}

    def write_failing_once(self: InboxWriter, batch: list[Any]) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise MemoryError("the writer itself broke")  # not a database error: _write lets it out
        real_write(self, batch)

    monkeypatch.setattr(InboxWriter, "_write", write_failing_once)

    async def send(delivery: Delivery) -> Any:
        try:
            return await asyncio.wait_for(writer.accept(delivery), timeout=10)
        except Exception as exc:
            return exc

    first = asyncio.run(send(_delivery(400, 401, tag="first")))
    second = asyncio.run(send(_delivery(400, 402, tag="second")))

    assert isinstance(
        first, MemoryError
    )  # answered (with an error: TripleSeat will resend), not left hanging
    assert isinstance(second, Accepted) and not second.duplicate  # the writer is still working
    with enqueue_only.rt.db.engine.connect() as conn:
        stored = conn.execute(
            sa.text("SELECT event_id FROM webhook_inbox WHERE event_id IN (401, 402)")
        ).all()
    assert [r[0] for r in stored] == [402]
