"""Benchmark 1, webhook ingest: signed webhooks from 64 concurrent senders on localhost.

Ours: `tripleseat-revel serve` (web, workers and all, as deployed), pinned to core 0, production
logging (INFO, JSON). The load generator (`bench.loadgen`, its own process) is pinned to core 1.
Each webhook names a different event of the simulator's generated corpus, so each one is a new
delivery that enqueues a sync of its own. The simulators answer with 50 ms of latency and limits
that do not bind, so the baseline's syncs do their full work (ours make no vendor call before
answering; their background workers stay within their own client-side limits).

Baseline: the replaced system's webhook (bench/baseline) under the same load and pinning, plus a
probe with a single sender, which shows its ack time when its thread pool is not starved.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.harness import (
    RAISED,
    SIGNING_KEY,
    BaselineProcess,
    ConnectorProcess,
    Sandbox,
    cpus,
    percentile,
    run_loadgen,
    start_sandbox,
)
from bench.report import Figure, Result, load_average
from tripleseat_revel.integrations.tripleseat.webhooks import sign

SIZES: dict[str, dict[str, int]] = {
    "tiny": {"n": 100, "warmup": 16, "open": 20, "baseline": 6, "probe": 2, "diagnostic": 0},
    "quick": {"n": 2000, "warmup": 256, "open": 500, "baseline": 64, "probe": 3, "diagnostic": 1},
    "full": {"n": 5000, "warmup": 256, "open": 1250, "baseline": 128, "probe": 5, "diagnostic": 1},
}
CONCURRENCY = 64
OPEN_RATE = 250.0  # deliveries per second for the open-loop latency probe
TARGET_RATE = 1000.0
TARGET_P99_MS = 50.0
TARGET_RATIO = 100.0


def _hooks(sandbox: Sandbox, count: int) -> list[dict[str, str]]:
    """Signed UPDATE_EVENT deliveries for `count` generated events, as TripleSeat sends them."""
    sandbox.ts.post("/_sandbox/seed", json={"count": count, "seed": 7}).raise_for_status()
    state = sandbox.world.tripleseat  # read only, while the simulators are idle
    hooks = []
    for event in sorted(state.events.values(), key=lambda e: e.id)[:count]:
        body = json.dumps(
            {
                "webhook_trigger_type": "UPDATE_EVENT",
                "message": "Event updated",
                "event": state.webhook_object(event),
            }
        )
        hooks.append({"body": body, "signature": sign(body.encode(), SIGNING_KEY, "hex")})
    return hooks


def _load(
    url: str,
    hooks: list[dict[str, str]],
    workdir: Path,
    name: str,
    *,
    concurrency: int = CONCURRENCY,
    warmup: int = 0,
    rate: float | None = None,
) -> dict[str, Any]:
    options = ["--warmup", str(warmup)] + (["--rate", str(rate)] if rate else [])
    return run_loadgen(
        url, hooks, workdir, name, concurrency=concurrency, options=options, cores=_load_cores()
    )


def _server_cores() -> list[int] | None:
    return [cpus()[0]] if len(cpus()) >= 2 else None


def _load_cores() -> list[int] | None:
    return cpus()[1:] if len(cpus()) >= 2 else None


def _stats(run: dict[str, Any]) -> dict[str, float]:
    measured = run["measured"]
    latencies = [m[0] for m in measured]
    accepted = sum(1 for m in measured if m[1] == 200)
    return {
        "sent": len(measured),
        "accepted": accepted,
        "seconds": run["seconds"],
        "per_second": accepted / run["seconds"] if run["seconds"] else 0.0,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "max_ms": max(latencies, default=0.0) * 1000,
        "loadgen_cpu_seconds": run["cpu_seconds"],
    }


def _ours(
    sandbox: Sandbox,
    hooks: list[dict[str, str]],
    size: dict[str, int],
    workdir: Path,
    *,
    web_only: bool = False,
) -> dict[str, Any]:
    closed = hooks[: size["warmup"] + size["n"]]
    opened = hooks[size["warmup"] + size["n"] :]
    connector = ConnectorProcess(
        sandbox,
        workdir / ("web-only" if web_only else "connector"),
        web_only=web_only,
        LOG_LEVEL="INFO",
        LOG_FORMAT="json",
    )
    try:
        connector.start(cores=_server_cores())
        label = "web-only" if web_only else "ours"
        run = _load(connector.url, closed, workdir, label, warmup=size["warmup"])
        open_run = _load(connector.url, opened, workdir, f"{label}-open", rate=OPEN_RATE) if opened else None
        answers = [(r[1], r[2]) for r in run["warmup"]] + [(r[1], r[2]) for r in run["measured"]]
        if open_run is not None:
            answers += [(r[1], r[2]) for r in open_run["measured"]]
        inbox = connector.rows("SELECT workflow_id, deliveries FROM webhook_inbox")
        syncs = connector.rows("SELECT workflow_uuid FROM workflow_status WHERE name = 'sync_event'")
        return {
            "closed": _stats(run),
            "open": _stats(open_run) if open_run is not None else None,
            "answers": answers,
            "inbox": [(r.workflow_id, int(r.deliveries)) for r in inbox],
            "syncs": [r.workflow_uuid for r in syncs],
            "peak_rss_mib": connector.peak_rss_mib(),
        }
    finally:
        connector.stop()


def _baseline(
    sandbox: Sandbox, hooks: list[dict[str, str]], size: dict[str, int], workdir: Path
) -> dict[str, Any]:
    baseline = BaselineProcess(sandbox, workdir / "baseline")
    try:
        baseline.start(cores=_server_cores())
        run = _load(baseline.url, hooks[: size["baseline"]], workdir, "baseline")
        probe = _load(baseline.url, hooks[size["baseline"] :], workdir, "baseline-probe", concurrency=1)
        reasons = Counter(str((m[2] or {}).get("reason") or "synced") for m in run["measured"])
        return {"closed": _stats(run), "probe": _stats(probe), "reasons": dict(reasons)}
    finally:
        baseline.stop()


def run(size: dict[str, int], workdir: Path) -> Result:
    started, load_before = time.monotonic(), load_average()
    result = Result(
        "ingest",
        "Webhook ingest",
        dict(size),
        setup={
            "senders": f"{CONCURRENCY} concurrent, closed loop, keep-alive (bench.loadgen, own process)",
            "pinning": f"server on core {_server_cores()}, load generator on cores {_load_cores()}",
            "ours": "tripleseat-revel serve (workers on), SQLite, LOG_LEVEL=INFO json",
            "vendors": "50 ms latency, limits raised (the baseline's syncs do their full work)",
        },
    )
    sandbox = start_sandbox(latency_ms=50, tripleseat_limit=(RAISED, 1), revel_limit=(RAISED, 60))
    try:
        ours_count = size["warmup"] + size["n"] + size["open"]
        extra = ours_count if size["diagnostic"] else 0
        hooks = _hooks(sandbox, ours_count + extra + size["baseline"] + size["probe"])
        ours = _ours(sandbox, hooks[:ours_count], size, workdir)
        web_only = (
            _ours(sandbox, hooks[ours_count : ours_count + extra], size, workdir, web_only=True)
            if extra
            else None
        )
        base = _baseline(sandbox, hooks[ours_count + extra :], size, workdir)
    finally:
        sandbox.stop()
    o, b = ours["closed"], base["closed"]
    result.figures += [
        Figure(
            "accepted per second",
            o["per_second"],
            b["per_second"],
            "/s",
            target=f"≥ {TARGET_RATE:,.0f}/s and ≥ {TARGET_RATIO:.0f}× baseline",
            met=o["per_second"] >= TARGET_RATE and o["per_second"] >= TARGET_RATIO * b["per_second"],
        ),
        Figure("ack latency p50", o["p50_ms"], b["p50_ms"], "ms", "lower"),
        Figure(
            "ack latency p99",
            o["p99_ms"],
            b["p99_ms"],
            "ms",
            "lower",
            target=f"≤ {TARGET_P99_MS:.0f} ms",
            met=o["p99_ms"] <= TARGET_P99_MS,
            note=f"{CONCURRENCY} senders in a closed loop keep {CONCURRENCY} deliveries in flight, so "
            f"p50 ≈ {CONCURRENCY} / throughput (Little's law)",
        ),
    ]
    if ours["open"] is not None:
        op = ours["open"]
        result.figures.append(
            Figure(
                f"ack latency p99 at {OPEN_RATE:.0f}/s offered",
                op["p99_ms"],
                None,
                "ms",
                "lower",
                note=f"open loop, {op['sent']:.0f} deliveries on a fixed schedule; p50 {op['p50_ms']:.1f} ms",
            )
        )
    result.figures.append(
        Figure(
            "baseline ack, 1 sender (p50)",
            None,
            base["probe"]["p50_ms"],
            "ms",
            "lower",
            note="the replaced handler answers only after the whole sync; with 64 senders its "
            "40-thread pool is taken by handlers waiting on their own sync calls (timeouts at 30 s)",
        )
    )
    if web_only is not None:
        wo = web_only["closed"]
        result.figures.append(
            Figure(
                "diagnostic: web process without workers",
                wo["per_second"],
                None,
                "/s",
                note=f"bench.webonly (engine launched work=False): p50 {wo['p50_ms']:.0f} ms, p99 "
                f"{wo['p99_ms']:.0f} ms; at {OPEN_RATE:.0f}/s offered p99 "
                f"{(web_only['open'] or {}).get('p99_ms', float('nan')):.0f} ms. Not a deployment mode: "
                "it shows the web tier when the syncs run in other processes",
            )
        )
        wo_ok = sum(
            1 for status, ack in web_only["answers"] if status == 200 and (ack or {}).get("processed")
        )
        result.check(
            "diagnostic run: accepted = inbox rows = syncs enqueued",
            wo_ok == len(web_only["answers"]) == len(web_only["inbox"]) == len(set(web_only["syncs"])),
            f"accepted {wo_ok}, inbox rows {len(web_only['inbox'])}, syncs {len(set(web_only['syncs']))}",
        )
    answers = ours["answers"]
    acks = [ack for status, ack in answers if status == 200 and isinstance(ack, dict)]
    accepted = [a for a in acks if a.get("processed") and not a.get("duplicate")]
    ack_ids = {a.get("workflow_id") for a in accepted}
    inbox_ids = {wid for wid, _ in ours["inbox"]}
    sync_ids = set(ours["syncs"])
    total = len(answers)
    result.check(
        "every delivery answered 200 and processed", len(accepted) == total, f"{len(accepted)}/{total}"
    )
    result.check(
        "accepted = durable inbox rows = syncs enqueued",
        len(accepted) == len(ours["inbox"]) == len(sync_ids) == total,
        f"accepted {len(accepted)}, inbox rows {len(ours['inbox'])}, syncs enqueued {len(sync_ids)}",
    )
    result.check(
        "each ack's workflow id is its inbox row's and a real sync",
        ack_ids == inbox_ids == sync_ids and len(ack_ids) == total,
        f"{len(ack_ids & inbox_ids & sync_ids)} of {total} match",
    )
    result.check(
        "baseline answered every delivery",
        b["sent"] == size["baseline"] and base["probe"]["sent"] == size["probe"],
        f"{b['accepted']:.0f}/{b['sent']:.0f} answered 200; outcomes {base['reasons']}",
    )
    result.details = {
        "ours": {k: v for k, v in ours.items() if k in ("closed", "open", "peak_rss_mib")},
        "baseline": base,
    }
    result.notes.append(
        f"load generator CPU: {o['loadgen_cpu_seconds']:.1f} s for {o['sent']:.0f} deliveries "
        f"({o['seconds']:.1f} s wall); ours peak RSS {ours['peak_rss_mib']:.0f} MiB"
    )
    result.seconds = time.monotonic() - started
    result.load = {"before": load_before, "after": load_average()}
    return result
