"""ENABLE_CONNECTOR=false is the kill switch: a sync begun while it is off reads nothing from Revel
(not even the lookup shared with the syncs queued behind it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FAST
from tests.fixtures.events import due_event
from tests.fixtures.harness import running_connector
from tests.fixtures.sandbox_api import stats
from tripleseat_revel.models import SyncPending, utcnow
from tripleseat_revel.sandbox.server import SandboxServer
from tripleseat_revel.worker.steps import RunContext, begin

pytestmark = pytest.mark.e2e


def test_a_sync_begun_with_the_connector_off_asks_revel_nothing(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    with running_connector(sandbox, tmp_path, work=False, ENABLE_CONNECTOR="false", **FAST) as connector:
        events = [due_event(sandbox) for _ in range(3)]
        with connector.rt.db.session() as session:  # two webhooks' syncs queued behind the first
            for event in events[1:]:
                session.add(
                    SyncPending(
                        event_id=event["id"],
                        workflow_id=f"queued-{event['id']}",
                        source="webhook",
                        requested_at=utcnow(),
                        collapsed=0,
                    )
                )
        before = stats(sandbox)
        run = RunContext(correlation_id="kill-switch", workflow_id="kill-switch", source="webhook")

        begun = begin(connector.rt, events[0]["id"], run)

        assert begun.switches.enabled is False
        assert begun.revel_absent is None
        assert stats(sandbox) == before
