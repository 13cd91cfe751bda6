"""A process that stops while syncs are queued finishes what it took and leaves the rest queued:
no sync it claimed is left PENDING under its id (that would wait for a restart or the janitor)."""

from __future__ import annotations

import time
from pathlib import Path

import sqlalchemy as sa
from dbos import _dbos as dbos_module

from tests.conftest import FAST
from tests.fixtures.events import due_event
from tests.fixtures.harness import running_connector
from tripleseat_revel.runtime import stop_engine
from tripleseat_revel.sandbox.server import SandboxServer


def test_a_stop_while_syncs_are_being_claimed_leaves_none_half_taken(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    events = [due_event(sandbox, name=f"Stop {i}")["id"] for i in range(12)]
    with running_connector(sandbox, tmp_path, **FAST) as connector:
        instance = dbos_module._dbos_global_instance
        assert instance is not None
        # dbos_private.destroy finds DBOS's queue manager by the name Python gives its thread
        assert [t for t in instance._background_threads if t.name.endswith("(queue_thread)")]
        requested = [connector.rt.syncs.request(e, source="test").workflow_id for e in events]
        deadline = time.monotonic() + 30
        while set(_states(connector.rt.db.engine, requested).values()) == {"ENQUEUED"}:
            assert time.monotonic() < deadline, "no sync was ever taken from the queue"
            time.sleep(0.005)
        stop_engine(connector.engine)  # while the first ones are being taken
        states = _states(connector.rt.db.engine, requested)
    assert set(states) == set(requested)
    assert "PENDING" not in states.values(), states
    assert "SUCCESS" in states.values()  # it did finish what it had started


def _states(engine: sa.Engine, ids: list[str]) -> dict[str, str]:
    query = sa.text("SELECT workflow_uuid, status FROM workflow_status WHERE workflow_uuid IN :ids")
    with engine.connect() as conn:
        rows = conn.execute(query.bindparams(sa.bindparam("ids", expanding=True)), {"ids": ids}).all()
    return {str(workflow): str(status) for workflow, status in rows}
