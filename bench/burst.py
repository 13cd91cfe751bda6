"""Benchmark 6, a morning's burst: N due events (three lines each), one signed webhook each from
32 concurrent senders; every one is due, so every webhook leads to an order.

Measured side by side with the replaced system (bench/baseline) on the same fakes: every vendor
call answered after 50 ms, vendor limits not binding and the connectors' own limits raised to
match, `serve` on SQLite with its defaults otherwise.

- freshness: for each event, from its webhook's send to its order's completion on the POS (the
  time of the final PATCH in the Revel simulator's write log); and the time from the first webhook
  to the last order ("all complete");
- ack latency while the syncs run (p50, p99);
- Revel calls per order;
- a lone webhook's freshness (p50 over a few, one at a time, after the burst);
- the server's CPU per order (user + system time of all its processes during the burst), the
  resource the burst is bound by on 2 cores;
- correctness: one complete, correct order per event; every webhook answered.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.harness import (
    RAISED,
    SIGNING_KEY,
    BaselineProcess,
    ConnectorProcess,
    Sandbox,
    check_orders,
    due_event_body,
    percentile,
    run_loadgen,
    start_sandbox,
    vendor_calls,
    wait_until,
)
from bench.report import Figure, Result, load_average
from tripleseat_revel.integrations.tripleseat.webhooks import sign

SIZES: dict[str, dict[str, int]] = {
    "tiny": {"n": 8, "lone": 1},
    "quick": {"n": 200, "lone": 5},
    "full": {"n": 200, "lone": 10},
}
CONCURRENCY = 32
LATENCY_MS = 50
ITEMS = 3
# The allowance for lookups shared by many orders ("7.05 with shared reads", as a reconcile).
SHARED_READS = 0.05
# The connector's own limits, raised to match vendors that do not bind.
OUR_LIMITS: dict[str, Any] = {"TRIPLESEAT_RATE_PER_SECOND": 10_000, "REVEL_RATE_PER_MINUTE": 600_000}


def hooks_for(sandbox: Sandbox, event_ids: list[int]) -> list[dict[str, str]]:
    """One signed UPDATE_EVENT delivery per event, as TripleSeat sends them."""
    state = sandbox.world.tripleseat  # read only, while the simulators are idle
    hooks = []
    for event_id in event_ids:
        body = json.dumps(
            {
                "webhook_trigger_type": "UPDATE_EVENT",
                "message": "Event updated",
                "event": state.webhook_object(state.events[event_id]),
            }
        )
        hooks.append(
            {"body": body, "signature": sign(body.encode(), SIGNING_KEY, "hex"), "event_id": str(event_id)}
        )
    return hooks


def send(url: str, hooks: list[dict[str, str]], workdir: Path, name: str, concurrency: int) -> dict[str, Any]:
    """Send the hooks with bench.loadgen (its own process); its timings and answers."""
    return run_loadgen(url, hooks, workdir, name, concurrency=concurrency, options=["--timeout", "300"])


def completions(sandbox: Sandbox) -> dict[str, float]:
    """local_id -> when its order got its totals (the last final PATCH), epoch seconds."""
    orders = {o["id"]: o.get("local_id") for o in sandbox.orders()}
    done: dict[str, float] = {}
    for write in sandbox.rv.get("/_sandbox/writes", params={"resource": "Order", "method": "PATCH"}).json()[
        "writes"
    ]:
        local_id = orders.get(write["id"])
        if local_id and float((write.get("body") or {}).get("final_total") or 0) > 0:
            done[str(local_id)] = max(
                done.get(str(local_id), 0.0), datetime.fromisoformat(write["at"]).timestamp()
            )
    return done


def burst(
    sandbox: Sandbox, server_url: str, event_ids: list[int], workdir: Path, name: str, timeout: float
) -> dict[str, Any]:
    """Send the burst; wait until every event's order is complete; the figures of the run."""
    before = vendor_calls(sandbox.stats())
    run = send(server_url, hooks_for(sandbox, event_ids), workdir, name, CONCURRENCY)
    local_ids = {f"Triple Seat {e}" for e in event_ids}
    wait_until(lambda: local_ids <= set(completions(sandbox)), timeout, poll=0.5, what=f"{name}: every order")
    done = completions(sandbox)
    sent = {
        int(json.loads(h)["event_id"]): run["epoch_start"] + m[3]
        for h, m in zip(_inputs(workdir, name), run["measured"], strict=True)
    }
    fresh = [done[f"Triple Seat {e}"] - sent[e] for e in event_ids]
    after = vendor_calls(sandbox.stats())
    acks = [m[0] for m in run["measured"]]
    return {
        "all_complete_s": max(done[f"Triple Seat {e}"] for e in event_ids) - min(sent.values()),
        "fresh_p50_s": percentile(fresh, 50),
        "fresh_p99_s": percentile(fresh, 99),
        "ack_p50_ms": percentile(acks, 50) * 1000,
        "ack_p99_ms": percentile(acks, 99) * 1000,
        "answered": sum(1 for m in run["measured"] if m[1] == 200),
        "revel_calls": after["revel"]["total"] - before["revel"]["total"],
        "revel_lookups": _route(after, LOOKUP) - _route(before, LOOKUP),
        "rate_limited": after["revel"]["rate_limited"] + after["tripleseat"]["rate_limited"],
    }


LOOKUP = "GET /resources/Order/"  # an order looked up by local_id (alone, or `local_id__in`)


def _route(calls: dict[str, Any], route: str) -> int:
    return int(calls["revel"]["routes"].get(route, 0))


def _inputs(workdir: Path, name: str) -> list[str]:
    return [line for line in (workdir / f"{name}.jsonl").read_text().splitlines() if line.strip()]


def lone(sandbox: Sandbox, server_url: str, event_ids: list[int], workdir: Path, name: str) -> list[float]:
    """Freshness of webhooks sent one at a time (each waits for the previous order)."""
    fresh = []
    for k, event_id in enumerate(event_ids):
        run = send(server_url, hooks_for(sandbox, [event_id]), workdir / "lone", f"{name}-{k}", 1)
        local_id = f"Triple Seat {event_id}"
        wait_until(
            lambda lid=local_id: lid in completions(sandbox), 60, poll=0.02, what=f"{name}: lone order"
        )
        fresh.append(completions(sandbox)[local_id] - (run["epoch_start"] + run["measured"][0][3]))
    return fresh


def _side(
    sandbox: Sandbox,
    server: ConnectorProcess | BaselineProcess,
    ids: list[int],
    lone_ids: list[int],
    workdir: Path,
) -> dict[str, Any]:
    sandbox.clear_orders()  # each side is checked against its own orders only
    server.start()
    try:
        cpu = server.cpu_seconds()
        figures = burst(sandbox, server.url, ids, workdir, server.name, timeout=600)
        figures["cpu_ms_per_order"] = (server.cpu_seconds() - cpu) / len(ids) * 1000
        figures["lone"] = lone(sandbox, server.url, lone_ids, workdir, server.name)
        figures["check"] = check_orders(sandbox, ids + lone_ids)
        return figures
    finally:
        server.stop()


def run(size: dict[str, int], workdir: Path) -> Result:
    started, load_before = time.monotonic(), load_average()
    n, k = size["n"], size["lone"]
    result = Result(
        "burst",
        "A morning's burst of due events",
        dict(size),
        setup={
            "events": f"{n} due events, {ITEMS} lines each; one signed webhook each",
            "senders": f"{CONCURRENCY} concurrent, closed loop (bench.loadgen, own process)",
            "vendors": f"{LATENCY_MS} ms per call, limits not binding; the connectors' own limits raised",
            "ours": "tripleseat-revel serve on SQLite, its defaults otherwise",
        },
    )
    sandbox = start_sandbox(latency_ms=LATENCY_MS, tripleseat_limit=(RAISED, 1), revel_limit=(RAISED, 60))
    try:
        ids = sandbox.create_events([due_event_body(i, ITEMS) for i in range(2 * (n + k))])
        ours_ids, base_ids = ids[: n + k], ids[n + k :]
        ours = _side(
            sandbox,
            ConnectorProcess(sandbox, workdir / "ours", **OUR_LIMITS),
            ours_ids[:n],
            ours_ids[n:],
            workdir,
        )
        base = _side(
            sandbox, BaselineProcess(sandbox, workdir / "baseline"), base_ids[:n], base_ids[n:], workdir
        )
    finally:
        sandbox.stop()
    _figures(result, ours, base, n)
    _checks(result, ours, base, n)
    result.details = {
        side: {k: v for k, v in d.items() if k != "check"} for side, d in (("ours", ours), ("baseline", base))
    }
    result.seconds = time.monotonic() - started
    result.load = {"before": load_before, "after": load_average()}
    return result


def _figures(result: Result, ours: dict[str, Any], base: dict[str, Any], n: int) -> None:
    ratio = base["all_complete_s"] / ours["all_complete_s"] if ours["all_complete_s"] else float("inf")
    lone_p50 = percentile(ours["lone"], 50)
    result.figures += [
        Figure(
            "all orders complete on the POS",
            ours["all_complete_s"],
            base["all_complete_s"],
            "s",
            "lower",
            target="≥ 2× faster than the baseline",
            met=ratio >= 2,
        ),
        Figure(
            "freshness p50 (webhook -> order complete)",
            ours["fresh_p50_s"],
            base["fresh_p50_s"],
            "s",
            "lower",
        ),
        Figure("freshness p99", ours["fresh_p99_s"], base["fresh_p99_s"], "s", "lower"),
        Figure(
            "a lone webhook's freshness (p50)",
            lone_p50,
            percentile(base["lone"], 50),
            "s",
            "lower",
            target="≤ 1 s",
            met=lone_p50 <= 1.0,
        ),
        Figure(
            "ack p50 during the burst",
            ours["ack_p50_ms"],
            base["ack_p50_ms"],
            "ms",
            "lower",
            target="≥ 100× better than the baseline",
            met=ours["ack_p50_ms"] * 100 <= base["ack_p50_ms"],
        ),
        Figure(
            "ack p99 during the burst",
            ours["ack_p99_ms"],
            base["ack_p99_ms"],
            "ms",
            "lower",
            target="≤ 50 ms",
            met=ours["ack_p99_ms"] <= 50,
        ),
        Figure(
            "Revel calls per order",
            ours["revel_calls"] / n,
            base["revel_calls"] / n,
            "",
            "lower",
            target=f"≤ 4 + items = {4 + ITEMS} (+ shared reads: {4 + ITEMS + SHARED_READS})",
            met=ours["revel_calls"] / n <= 4 + ITEMS + SHARED_READS,
        ),
        Figure(
            "of which order lookups per order",
            ours["revel_lookups"] / n,
            base["revel_lookups"] / n,
            "",
            "lower",
        ),
        Figure(
            "server CPU per order (all its processes)",
            ours["cpu_ms_per_order"],
            base["cpu_ms_per_order"],
            "ms",
            "lower",
            note="from the first webhook until the last order is complete",
        ),
    ]


def _checks(result: Result, ours: dict[str, Any], base: dict[str, Any], n: int) -> None:
    for side, figures in (("ours", ours), ("baseline", base)):
        result.check(
            f"{side}: one complete, correct order per event", figures["check"].ok, figures["check"].describe()
        )
        result.check(
            f"{side}: every webhook answered 200", figures["answered"] == n, f"{figures['answered']}/{n}"
        )
    result.check("ours: no call refused (429)", ours["rate_limited"] == 0, f"{ours['rate_limited']} refused")
