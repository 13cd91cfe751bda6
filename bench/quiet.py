"""Benchmark 4, quiet reconcile: N events already injected, nothing changed since.

Ours injects the N due events with a first reconcile; the simulators' counters are reset and a
second reconcile runs (what the schedule does every 45 minutes). The baseline's scheduled sync
then runs over the same events, whose orders exist (their `local_id` is the replaced system's
form, so it finds them and skips them). No latency, limits raised: only the calls are counted.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from bench.harness import (
    RAISED,
    BaselineProcess,
    ConnectorProcess,
    converge,
    due_event_body,
    start_sandbox,
    vendor_calls,
)
from bench.report import Figure, Result, load_average

SIZES: dict[str, dict[str, int]] = {"tiny": {"n": 5}, "quick": {"n": 200}, "full": {"n": 1000}}
SEARCH = "GET /v1/events/search.json"


def run(size: dict[str, int], workdir: Path) -> Result:
    started, load_before = time.monotonic(), load_average()
    n = size["n"]
    result = Result(
        "quiet",
        "Quiet reconcile",
        dict(size),
        setup={
            "events": f"{n} due events, all injected, unchanged; vendors without latency or binding limits"
        },
    )
    sandbox = start_sandbox(tripleseat_limit=(RAISED, 1), revel_limit=(RAISED, 60))
    try:
        sandbox.create_events([due_event_body(i) for i in range(n)])
        connector = ConnectorProcess(
            sandbox,
            workdir / "ours",
            TRIPLESEAT_RATE_PER_SECOND=RAISED,
            REVEL_RATE_PER_MINUTE=RAISED,
            LOG_LEVEL="INFO",
            LOG_FORMAT="json",
        )
        try:
            connector.start()
            converge(connector, connector.reconcile(hours_back=48), n, timeout=120 + 3 * n)
            injected = connector.outcomes().get("INJECTED", 0)
            orders_before = len(sandbox.orders())
            syncs_before = int(
                connector.scalar("SELECT count(*) FROM workflow_status WHERE name = 'sync_event'")
            )
            sandbox.reset_stats()
            quiet_started = time.monotonic()
            workflow_id = connector.reconcile(hours_back=48)
            converge(connector, workflow_id, n, timeout=120 + n)
            ours_seconds = time.monotonic() - quiet_started
            ours_calls = vendor_calls(sandbox.stats())
            syncs_after = int(
                connector.scalar("SELECT count(*) FROM workflow_status WHERE name = 'sync_event'")
            )
        finally:
            connector.stop()
        sandbox.reset_stats()
        baseline = BaselineProcess(sandbox, workdir / "baseline")
        try:
            baseline.start()
            base_started = time.monotonic()
            answer = httpx.get(f"{baseline.url}/api/sync/tripleseat", params={"hours_back": 48}, timeout=None)
            base_seconds = time.monotonic() - base_started
            base_calls = vendor_calls(sandbox.stats())
        finally:
            baseline.stop()
        orders_after = len(sandbox.orders())
    finally:
        sandbox.stop()
    ours_ts, base_ts = ours_calls["tripleseat"], base_calls["tripleseat"]
    pages = ours_ts["routes"].get(SEARCH, 0)
    result.figures += [
        Figure(
            "TripleSeat calls",
            ours_ts["total"],
            base_ts["total"],
            "",
            "lower",
            target="search pages only",
            met=ours_ts["total"] == pages,
            note=f"ours: {pages} search pages; baseline: {base_ts['routes']}",
        ),
        Figure(
            "Revel calls",
            ours_calls["revel"]["total"],
            base_calls["revel"]["total"],
            "",
            "lower",
            target="0",
            met=ours_calls["revel"]["total"] == 0,
            note=f"baseline: {base_calls['revel']['routes']}",
        ),
        Figure("time of the quiet run", ours_seconds, base_seconds, "s", "lower"),
    ]
    summary = answer.json().get("summary") or {}
    result.check("the first reconcile injected every event", injected == n, f"{injected}/{n} INJECTED")
    result.check(
        "the quiet reconcile enqueued no sync",
        syncs_after == syncs_before,
        f"sync workflows {syncs_before} -> {syncs_after}",
    )
    result.check(
        "no order was created or duplicated by either quiet run",
        orders_before == orders_after == n,
        f"orders {orders_before} -> {orders_after} for {n} events",
    )
    result.check(
        "the baseline looked at every event and found its order",
        summary.get("queried") == n and summary.get("skipped") == n and summary.get("failed") == 0,
        str(summary),
    )
    result.details = {"ours": ours_calls, "baseline": base_calls, "baseline_summary": summary}
    result.seconds = time.monotonic() - started
    result.load = {"before": load_before, "after": load_average()}
    return result
