"""Upgrading a ledger written by an older version keeps what it knew true, and nothing more: on
SQLite and on PostgreSQL.

The rows are written as the version before the verified ledger (migration 0002) left them; after
the upgrade, the decision for the event as TripleSeat has it now is taken by the real `prepare`,
against the served simulators. That older version stored the TripleSeat fingerprint it had *seen*
on every outcome (failures too), and refreshed the event's location and date on every sync."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.fixtures.events import DINNER, due_event
from tests.fixtures.harness import connector_env
from tests.fixtures.sandbox_api import change_event
from tripleseat_revel import migrate
from tripleseat_revel.config import load_settings
from tripleseat_revel.db import Database
from tripleseat_revel.integrations.tripleseat.schemas import Event
from tripleseat_revel.models import EventRecord
from tripleseat_revel.runtime import build_runtime
from tripleseat_revel.sandbox.server import SandboxServer
from tripleseat_revel.sync import ledger
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.sync.decide import Switches, material_fingerprint
from tripleseat_revel.sync.outcomes import EventState
from tripleseat_revel.sync.prepare import AnyPrepared, Begun, Drift, Skip, Unchanged, Write, prepare

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)


def _insert(db: Database, event_id: int, **columns: Any) -> None:
    """A ledger row as the older version's code left it (raw SQL: its columns, not our model's)."""
    values = {"event_id": event_id, "attempts": 1, "created_at": NOW, "updated_at": NOW, **columns}
    names = ", ".join(values)
    params = ", ".join(f":{name}" for name in values)
    with db.engine.begin() as conn:
        conn.execute(sa.text(f"INSERT INTO event_ledger ({names}) VALUES ({params})"), values)


def _row(db: Database, event_id: int) -> EventRecord:
    with db.session() as session:
        record = session.get(EventRecord, event_id)
        assert record is not None
        session.expunge(record)
        return record


def test_an_open_alert_keeps_its_episode_and_so_its_email_key(database: Database) -> None:
    migrate.upgrade(database.engine, "0003")
    key = "7:failure:0123456789abcdef"
    _insert(database, 7, state="failed", outcome="FAILED_UNMAPPED", alert_key=key)

    migrate.upgrade(database.engine)

    record = _row(database, 7)
    assert (record.state, record.alert_key, record.alert_episode) == ("failed", key, 0)


# ---- rows the version before the verified ledger wrote (0002) --------------------------------


@pytest.fixture
def runtime(database: Database, sandbox: SandboxServer, tmp_path: Path) -> Iterator[Runtime]:
    """The connector's runtime over `database` at 0002 and the served simulators (no worker:
    `prepare` needs none)."""
    migrate.upgrade(database.engine, "0002")
    settings = load_settings(_env_file=None, **connector_env(sandbox, database.url, tmp_path))
    rt = build_runtime(settings, db=database)
    yield rt
    rt.tripleseat.close()
    rt.revel.close()


def _event(rt: Runtime, event_id: int) -> Event:
    event = rt.tripleseat.get_event(event_id, show_financial=True)
    assert event is not None
    return event


def _prepared(rt: Runtime, event: Event, *, amend: bool = False) -> AnyPrepared:
    begun = Begun(now=rt.clock(), switches=Switches(), force_amend=amend)
    return prepare(rt, event.id, event, begun, write=False)


def _plan_of(rt: Runtime, event: Event, tmp_path: Path) -> dict[str, Any]:
    """The plan the order was made to (planned on a scratch ledger: ours is still at 0002)."""
    scratch = Database(f"sqlite:///{tmp_path / 'scratch.db'}")
    migrate.upgrade(scratch.engine)
    planner = build_runtime(rt.settings.model_copy(update={"DATABASE_URL": scratch.url}), db=scratch)
    try:
        prepared = _prepared(planner, event)
    finally:
        planner.close()
    assert isinstance(prepared, Write) and prepared.mode == "create", prepared
    return prepared.plan.to_json()


def _injected_before(
    rt: Runtime, event: Event, plan: dict[str, Any], *, seen: Event, state: str = "injected"
) -> None:
    """The event's row after its order #4242 was made to `plan`, and a later sync saw `seen`."""
    _insert(
        rt.db,
        event.id,
        state=state,
        outcome="ALREADY_INJECTED" if state == "injected" else "FAILED_UNMAPPED",
        local_id=f"Triple Seat {event.id}",
        revel_order_id=4242,
        injected_fingerprint=plan["fingerprint"],
        injected_plan=json.dumps(plan),
        injected_at=NOW,
        ts_fingerprint=material_fingerprint(seen),
        establishment_id=8 if seen.location_id == 20271 else 9,
        event_date=seen.local_date.isoformat() if seen.local_date else None,
    )


def test_a_failure_recorded_after_injection_is_not_trusted_as_verified(
    runtime: Runtime, sandbox: SandboxServer, tmp_path: Path
) -> None:
    eid = due_event(sandbox, items=[{"menu_item_id": DINNER.menu_item_id, "quantity": 40}])["id"]
    injected = _event(runtime, eid)
    plan = _plan_of(runtime, injected, tmp_path)
    # A change failed to amend; the old code stored what it had seen, then called it unchanged.
    now = _event(
        runtime,
        change_event(sandbox, eid, items=[{"menu_item_id": DINNER.menu_item_id, "quantity": 30}])["id"],
    )
    _injected_before(runtime, injected, plan, seen=now)

    migrate.upgrade(runtime.db.engine)
    prepared = _prepared(runtime, now)

    assert isinstance(prepared, Drift), prepared
    assert prepared.changes[:2] == [
        "removed: 40 x Caprese Skewers @ 3.50",
        "added: 30 x Caprese Skewers @ 3.50",
    ]


def test_an_order_verified_before_the_upgrade_still_costs_no_write_when_unchanged(
    runtime: Runtime, sandbox: SandboxServer, tmp_path: Path
) -> None:
    event = _event(runtime, due_event(sandbox)["id"])
    plan = _plan_of(runtime, event, tmp_path)
    _injected_before(runtime, event, plan, seen=event)

    migrate.upgrade(runtime.db.engine)
    prepared = _prepared(runtime, event)

    assert isinstance(prepared, Unchanged | Skip), prepared  # nothing to write, nor to read
    assert prepared.order_id == 4242


MOVES: dict[str, tuple[dict[str, Any], str]] = {
    "location": ({"location_id": 20272}, "location: establishment 8 -> 9"),
    "day": ({"event_date": "today+1"}, "date: {old} -> {new}"),
}


@pytest.mark.parametrize("move", MOVES)
def test_an_event_moved_before_the_upgrade_is_a_move_not_an_amend(
    runtime: Runtime, sandbox: SandboxServer, tmp_path: Path, move: str
) -> None:
    change, described = MOVES[move]
    eid = due_event(sandbox)["id"]
    injected = _event(runtime, eid)
    plan = _plan_of(runtime, injected, tmp_path)
    moved = _event(runtime, change_event(sandbox, eid, **change)["id"])
    _injected_before(runtime, injected, plan, seen=moved)  # its location and date refreshed

    migrate.upgrade(runtime.db.engine)
    record = _row(runtime.db, eid)
    prepared = _prepared(runtime, moved, amend=True)  # even an operator's "amend now"

    assert (record.order_establishment, record.order_date) == (8, plan["event_date"])
    assert isinstance(prepared, Drift), prepared
    assert described.format(old=plan["event_date"], new=moved.local_date) in prepared.changes


def test_a_failed_order_of_unknown_content_is_read_from_revel_not_trusted(
    runtime: Runtime, sandbox: SandboxServer, tmp_path: Path
) -> None:
    event = _event(runtime, due_event(sandbox)["id"])
    plan = _plan_of(runtime, event, tmp_path)
    # The old code kept the plan of the first injection when a later amend failed half-way.
    _injected_before(runtime, event, plan, seen=event, state="failed")

    migrate.upgrade(runtime.db.engine)
    record = _row(runtime.db, event.id)
    prepared = _prepared(runtime, event)

    assert (record.state, record.verified_plan, record.order_establishment) == ("failed", None, 8)
    assert isinstance(prepared, Write) and (prepared.mode, prepared.order_id) == ("complete", 4242)


def test_an_injected_row_without_a_plan_becomes_pending_and_is_synced_again(database: Database) -> None:
    migrate.upgrade(database.engine, "0002")
    _insert(database, 9, state="injected", outcome="ALREADY_INJECTED", revel_order_id=4243)

    migrate.upgrade(database.engine)
    with database.session() as session:
        view = ledger.ledger_view(ledger.get_record(session, 9))

    assert (view.state, view.revel_order_id, view.verified_plan) == (EventState.PENDING, 4243, None)
