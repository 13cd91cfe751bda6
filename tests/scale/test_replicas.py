"""Scale-out on PostgreSQL: several replicas share the work without doubling any of it."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import FAST
from tests.fixtures.cluster import make_cluster
from tests.fixtures.events import due_event
from tests.fixtures.harness import ADMIN_TOKEN
from tests.fixtures.postgres import fresh_database
from tests.fixtures.sandbox_api import orders_for, set_faults, stats, writes
from tripleseat_revel.sandbox.faults import RateLimitSettings
from tripleseat_revel.sandbox.server import SandboxServer, serve_in_thread
from tripleseat_revel.sandbox.world import SandboxWorld

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def pg_url() -> Iterator[str]:
    with fresh_database() as url:
        yield url


def _wait(condition: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise TimeoutError(what)


def test_the_scheduled_reconcile_fires_once_per_period_with_three_replicas(
    pg_url: str, tmp_path: Path
) -> None:
    sandbox = serve_in_thread(SandboxWorld(empty=True))
    cluster = make_cluster(sandbox, pg_url, tmp_path, serves=2, workers=1, SYNC_INTERVAL_SECONDS=5, **FAST)
    try:
        cluster.start()
        time.sleep(32)  # about six 5-second periods with all three replicas up
        client = cluster.client()
        fired = client.list_workflows(name="scheduled_reconcile", load_input=True, load_output=False)
        children = client.list_workflows(name="reconcile", load_input=False, load_output=False)
        client.destroy()
    finally:
        cluster.stop()
        sandbox.stop()
    # Counted by the period each run was scheduled for (its input), not by workflow id: ids are
    # unique by construction, so a count per id could never exceed one.
    ticks = [w.input["args"][0] for w in fired if w.input and w.input["args"][1] == {"kind": "interval"}]
    per_period = Counter(ticks)
    assert len(per_period) >= 5  # the schedule kept firing
    assert set(per_period.values()) == {1}  # each period once, never once per replica
    periods = sorted(per_period)
    assert {later - earlier for earlier, later in pairwise(periods)} == {timedelta(seconds=5)}
    runs_per_parent = Counter(w.parent_workflow_id for w in children)
    assert len(children) >= 5 and set(runs_per_parent.values()) == {1}
    executors = {w.executor_id for w in children}
    assert executors <= {r.executor_id for r in cluster.replicas}


def test_a_dead_replicas_unfinished_sync_is_recovered_by_another(
    sandbox: SandboxServer, pg_url: str, tmp_path: Path
) -> None:
    event = due_event(sandbox)
    cluster = make_cluster(
        sandbox,
        pg_url,
        tmp_path,
        serves=1,
        workers=1,
        DEAD_REPLICA_SECONDS=30,
        SYNC_WAIT_SECONDS="0.5",
        **FAST,
    )
    serve, worker = cluster.replicas
    try:
        serve.start()
        set_faults(
            sandbox, "revel", lost_response_rate=1.0, lost_response_mode="timeout", timeout_seconds=300
        )
        assert (
            httpx.post(
                f"{serve.url}/api/sync/tripleseat", params={"event_id": event["id"]}, headers=AUTH
            ).status_code
            == 202
        )
        _wait(
            lambda: any(
                w["body"].get("local_id") == f"Triple Seat {event['id']}"
                for w in writes(sandbox, "Order", "POST")
            ),
            30,
            "the Order POST",
        )
        httpx.delete(f"{sandbox.revel_url}/_sandbox/faults")
        serve.kill()  # and it never comes back
        worker.start()
        order = _wait(
            lambda: [o for o in orders_for(sandbox, event["id"]) if float(o["final_total"]) > 0],
            150,
            "the janitor's recovery",
        )
    finally:
        cluster.stop()
    assert len(order) == 1 and len(orders_for(sandbox, event["id"])) == 1
    assert len(order[0]["items"]) == 3
    assert "replica.recovered" in worker.log_path.read_text()


def test_vendor_rate_limits_hold_across_replicas(pg_url: str, tmp_path: Path) -> None:
    world = SandboxWorld(empty=True, revel_rate_limit=RateLimitSettings(limit=600, window_seconds=60))
    sandbox = serve_in_thread(world)
    events = [due_event(sandbox, name=f"Rate {n}") for n in range(8)]
    cluster = make_cluster(
        sandbox,
        pg_url,
        tmp_path,
        serves=2,
        workers=1,
        REVEL_RATE_PER_MINUTE=600,
        TRIPLESEAT_RATE_PER_SECOND=10,
        SYNC_CONCURRENCY=4,
        SYNC_WAIT_SECONDS="0.5",
    )
    try:
        cluster.start()
        for n, event in enumerate(events):  # spread the requests over all three replicas' queues
            url = cluster.servers[n % 2].url
            httpx.post(f"{url}/api/sync/tripleseat", params={"event_id": event["id"]}, headers=AUTH)
        _wait(
            lambda: all(
                len(orders_for(sandbox, e["id"])) == 1
                and float(orders_for(sandbox, e["id"])[0]["final_total"]) > 0
                for e in events
            ),
            180,
            "all orders",
        )
        counts = stats(sandbox)
    finally:
        cluster.stop()
        sandbox.stop()
    assert counts["revel"]["rate_limited"] == 0 and counts["tripleseat"]["rate_limited"] == 0
    assert counts["revel"]["total"] >= 8 * 6  # the work really went through the limiter
