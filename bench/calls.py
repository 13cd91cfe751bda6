"""Benchmark 3, vendor calls per order, counted by the simulators.

N due events (three lines each, every one with a payment, two in five with a discount) are
injected by a reconcile of ours and, after the orders are cleared, by the baseline's scheduled sync.
No latency and no binding limits: only the counts matter here, per route, divided by the orders
made. Ours reads the establishment's product catalogue once per establishment per 10 minutes
(shared by all its orders); the baseline lists it once per line item.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from bench.harness import (
    RAISED,
    BaselineProcess,
    ConnectorProcess,
    check_orders,
    converge,
    due_event_body,
    start_sandbox,
    vendor_calls,
)
from bench.report import Figure, Result, load_average

SIZES: dict[str, dict[str, int]] = {"tiny": {"n": 4}, "quick": {"n": 50}, "full": {"n": 200}}
ITEMS = 3


def _per_order(calls: dict[str, Any], orders: int) -> dict[str, Any]:
    return {
        vendor: {
            "total": calls[vendor]["total"] / orders,
            "routes": {route: n / orders for route, n in sorted(calls[vendor]["routes"].items())},
        }
        for vendor in ("tripleseat", "revel")
    }


def run(size: dict[str, int], workdir: Path) -> Result:
    started, load_before = time.monotonic(), load_average()
    n = size["n"]
    result = Result(
        "calls",
        "Vendor calls per order",
        dict(size),
        setup={"events": f"{n} due events, {ITEMS} lines each, all with a payment, 2 in 5 discounted"},
    )
    sandbox = start_sandbox(tripleseat_limit=(RAISED, 1), revel_limit=(RAISED, 60))
    try:
        ids = sandbox.create_events([due_event_body(i, ITEMS) for i in range(n)])
        discounted = sum(1 for i in range(n) if due_event_body(i, ITEMS)["discount"])
        sandbox.reset_stats()
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
            ours_calls = vendor_calls(sandbox.stats())
            ours_orders = check_orders(sandbox, ids)
            outcomes = connector.outcomes()
            # In service: the ledger now knows orders, so the batch lookup's answers can be checked
            # against one of them (a new ledger, facing Revel's POS orders without a local_id,
            # cannot check them and lets each sync look up alone).
            more = sandbox.create_events([due_event_body(n + i, ITEMS) for i in range(n)])
            sandbox.reset_stats()
            converge(connector, connector.reconcile(hours_back=48), 2 * n, timeout=120 + 3 * n)
            steady_calls = vendor_calls(sandbox.stats())
            steady_orders = check_orders(sandbox, ids + more)
            steady_outcomes = connector.outcomes()
        finally:
            connector.stop()
        sandbox.clear_orders()
        sandbox.reset_stats()
        baseline = BaselineProcess(sandbox, workdir / "baseline")
        try:
            baseline.start()
            summary = httpx.get(
                f"{baseline.url}/api/sync/tripleseat", params={"hours_back": 48}, timeout=None
            )
            base_calls = vendor_calls(sandbox.stats())
            base_orders = check_orders(sandbox, ids + more)  # it syncs both rounds at once
        finally:
            baseline.stop()
    finally:
        sandbox.stop()
    ours = _per_order(ours_calls, n)
    steady = _per_order(steady_calls, n)
    base = _per_order(base_calls, 2 * n)
    target = 4 + ITEMS
    result.figures += [
        Figure(
            "Revel calls per order, in service",
            steady["revel"]["total"],
            base["revel"]["total"],
            "",
            "lower",
            target=f"≤ 4 + items = {target}",
            met=steady["revel"]["total"] <= target,
            note=f"the second reconcile, {n} new events; baseline formula 4 + 2 × items + discount + "
            f"payment; {discounted} of {n} discounted",
        ),
        Figure(
            "Revel calls per order, first reconcile of a new ledger",
            ours["revel"]["total"],
            base["revel"]["total"],
            "",
            "lower",
            note="nothing to check a batch lookup against yet: each sync looks its order up",
        ),
        Figure(
            "TripleSeat calls per order",
            ours["tripleseat"]["total"],
            base["tripleseat"]["total"],
            "",
            "lower",
        ),
        Figure(
            "all vendor calls per order",
            ours["revel"]["total"] + ours["tripleseat"]["total"],
            base["revel"]["total"] + base["tripleseat"]["total"],
            "",
            "lower",
        ),
    ]
    for label, per in (("ours, first", ours), ("ours, in service", steady), ("baseline", base)):
        routes = ", ".join(
            f"{route} {count:.2f}"
            for vendor in ("tripleseat", "revel")
            for route, count in per[vendor]["routes"].items()
        )
        result.notes.append(f"{label} per order: {routes}")
    result.check("ours: exactly one complete order per due event", ours_orders.ok, ours_orders.describe())
    result.check("ours: every event INJECTED", outcomes.get("INJECTED", 0) == n, str(outcomes))
    result.check(
        "ours in service: exactly one complete order per due event (both rounds)",
        steady_orders.ok,
        steady_orders.describe(),
    )
    result.check(
        "ours in service: every event of both rounds INJECTED",
        steady_outcomes.get("INJECTED", 0) == 2 * n,
        str(steady_outcomes),
    )
    result.check("baseline: exactly one complete order per due event", base_orders.ok, base_orders.describe())
    result.check(
        "no call was refused (429) in either run",
        ours_calls["revel"]["rate_limited"] + ours_calls["tripleseat"]["rate_limited"] == 0
        and base_calls["revel"]["rate_limited"] + base_calls["tripleseat"]["rate_limited"] == 0,
    )
    result.details = {
        "ours": ours,
        "ours_in_service": steady,
        "baseline": base,
        "baseline_summary": summary.json().get("summary"),
    }
    result.seconds = time.monotonic() - started
    result.load = {"before": load_before, "after": load_average()}
    return result
