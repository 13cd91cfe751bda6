"""Scale-out on PostgreSQL: several replicas share the work without doubling any of it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import httpx
import pytest
from dbos import DBOSClient, WorkflowStatus

from tests.conftest import FAST
from tests.fixtures.cluster import make_cluster
from tests.fixtures.events import due_event
from tests.fixtures.harness import ADMIN_TOKEN
from tests.fixtures.postgres import fresh_database
from tests.fixtures.sandbox_api import orders_for, set_faults, stats, writes
from tests.fixtures.waiting import wait_for
from tripleseat_revel.cli.workers import worker_executor_id
from tripleseat_revel.sandbox.faults import RateLimitSettings
from tripleseat_revel.sandbox.server import SandboxServer, serve_in_thread
from tripleseat_revel.sandbox.world import SandboxWorld

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def pg_url() -> Iterator[str]:
    with fresh_database() as url:
        yield url


PERIOD = 2  # seconds between scheduled reconciles (SYNC_INTERVAL_SECONDS)
PERIODS = 5  # periods with all three replicas up that the schedule test waits for


def _interval_ticks(client: DBOSClient) -> list[tuple[datetime, WorkflowStatus]]:
    """Every run of the reconcile tick (not the day-of sweeps), with the time it was scheduled for."""
    fired = client.list_workflows(name="scheduled_reconcile", load_input=True, load_output=False)
    return [
        (w.input["args"][0], w)
        for w in fired
        if w.input is not None and w.input["args"][1] == {"kind": "interval"}
    ]


def test_the_scheduled_reconcile_fires_once_per_period_with_three_replicas(
    pg_url: str, tmp_path: Path
) -> None:
    sandbox = serve_in_thread(SandboxWorld(empty=True))
    cluster = make_cluster(
        sandbox, pg_url, tmp_path, serves=2, workers=1, SYNC_INTERVAL_SECONDS=PERIOD, **FAST
    )
    try:
        cluster.start()
        all_up = datetime.now(UTC)  # every replica is ready: from here on all three run the schedule
        client = cluster.client()
        try:

            def reconciled() -> tuple[list[tuple[datetime, WorkflowStatus]], list[WorkflowStatus]] | None:
                ticks = _interval_ticks(client)
                children = client.list_workflows(name="reconcile", load_input=False, load_output=False)
                parents = {w.parent_workflow_id for w in children}
                done = [w for at, w in ticks if at > all_up and w.workflow_id in parents]
                return (ticks, children) if len(done) >= PERIODS else None

            ticks, children = wait_for(
                reconciled, 90, f"{PERIODS} periods after all three replicas were up, each with its reconcile"
            )
        finally:
            client.destroy()
    finally:
        cluster.stop()
        sandbox.stop()
    # Counted by the period each run was scheduled for (its input), not by workflow id: ids are
    # unique by construction, so a count per id could never exceed one.
    per_period = Counter(at for at, _ in ticks)
    assert set(per_period.values()) == {1}  # each period once, never once per replica
    periods = sorted(at for at in per_period if at > all_up)
    assert len(periods) >= PERIODS
    # No period missed while all three were up.
    assert {later - earlier for earlier, later in pairwise(periods)} == {timedelta(seconds=PERIOD)}
    runs_per_parent = Counter(w.parent_workflow_id for w in children)
    assert set(runs_per_parent.values()) == {1}
    executors = {w.executor_id for w in children}
    # Each `serve` runs its syncs (and may run a scheduled reconcile) in its worker process too.
    workers = {worker_executor_id(r.executor_id, 1) for r in cluster.servers}
    assert executors <= {r.executor_id for r in cluster.replicas} | workers


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
        # Silent for 5 s (it beats every 5/3 s while alive) means dead; the janitor looks every 2 s.
        DEAD_REPLICA_SECONDS=5,
        JANITOR_INTERVAL_SECONDS=2,
        SYNC_WAIT_SECONDS="0.5",
        **FAST,
    )
    serve, worker = cluster.replicas
    local_id = f"Triple Seat {event['id']}"
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
        wait_for(
            lambda: any(w["body"].get("local_id") == local_id for w in writes(sandbox, "Order", "POST")),
            30,
            "the serve replica's Order POST",
        )
        httpx.delete(f"{sandbox.revel_url}/_sandbox/faults")
        serve.kill()  # and it never comes back
        worker.start()
        wait_for(
            lambda: "replica.recovered" in worker.log_path.read_text(),
            60,
            f"the worker's janitor to recover {serve.executor_id}'s workflows",
        )
        order = wait_for(
            lambda: [o for o in orders_for(sandbox, event["id"]) if float(o["final_total"]) > 0],
            60,
            "the recovered sync to complete the order",
        )
    finally:
        cluster.stop()
    assert len(order) == 1 and len(orders_for(sandbox, event["id"])) == 1
    assert len(order[0]["items"]) == 3


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
        wait_for(
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
