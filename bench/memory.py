"""Benchmark 5, memory: peak RSS of a reconcile over a small and a large number of events.

For each size a fresh simulator world gets N generated events (the seeded corpus's mix: every
status, dates from ten days back to twenty ahead, four locations, one of them not configured),
and a fresh connector process runs one reconcile whose look-back covers all of them; every one is
fetched and decided (most are not due: too early, wrong status, day passed, unknown location; the
few due ones are injected). The process's resident set is sampled with psutil every 50 ms from
start-up until the last sync has finished; the kernel's high-water mark (VmHWM) is recorded too.
The baseline's scheduled sync runs over the same events in its own fresh process. No latency and
no binding limits (memory, not rate, is measured).
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
    RssSampler,
    converge,
    start_sandbox,
)
from bench.report import Figure, Result, load_average

SIZES: dict[str, dict[str, int]] = {
    "tiny": {"small": 10, "large": 25},
    "quick": {"small": 100, "large": 1000},
    "full": {"small": 1000, "large": 20000},
}
HOURS_BACK = 24 * 365  # covers every generated event (created at most 120 days back)
TARGET_GROWTH = 1.5
TARGET_MIB = 300.0


def _measure(n: int, workdir: Path) -> dict[str, Any]:
    sandbox = start_sandbox(tripleseat_limit=(RAISED, 1), revel_limit=(RAISED, 60), empty=True)
    try:
        sandbox.ts.post("/_sandbox/seed", json={"count": n, "seed": 11}).raise_for_status()
        events = sandbox.ts.get("/_sandbox/events").json()["events"]
        site_events = sum(1 for e in events if e["site_id"] == 15691)
        connector = ConnectorProcess(
            sandbox,
            workdir / f"ours-{n}",
            TRIPLESEAT_RATE_PER_SECOND=RAISED,
            REVEL_RATE_PER_MINUTE=RAISED,
            LOG_LEVEL="INFO",
            LOG_FORMAT="json",
        )
        try:
            connector.start()
            with RssSampler(connector.pid) as sampler:
                workflow_id = connector.reconcile(hours_back=HOURS_BACK)
                seconds = converge(connector, workflow_id, len(events), timeout=600 + 2 * n)
            ours = {
                "peak_mib": sampler.peak_mib,
                "vmhwm_mib": connector.peak_rss_mib(),
                "seconds": seconds,
                "outcomes": connector.outcomes(),
                "queried": int(
                    connector.scalar("SELECT count(*) FROM event_ledger WHERE outcome IS NOT NULL")
                ),
            }
        finally:
            connector.stop()
        sandbox.clear_orders()
        baseline = BaselineProcess(sandbox, workdir / f"baseline-{n}")
        try:
            baseline.start()
            with RssSampler(baseline.pid) as sampler:
                started = time.monotonic()
                answer = httpx.get(
                    f"{baseline.url}/api/sync/tripleseat", params={"hours_back": HOURS_BACK}, timeout=None
                )
                base_seconds = time.monotonic() - started
            base = {
                "peak_mib": sampler.peak_mib,
                "vmhwm_mib": baseline.peak_rss_mib(),
                "seconds": base_seconds,
                "summary": answer.json().get("summary"),
            }
        finally:
            baseline.stop()
    finally:
        sandbox.stop()
    return {"events": len(events), "site_events": site_events, "ours": ours, "baseline": base}


def run(size: dict[str, int], workdir: Path) -> Result:
    started, load_before = time.monotonic(), load_average()
    result = Result(
        "memory",
        "Memory of a reconcile",
        dict(size),
        setup={"events": "generated corpus mix, one reconcile covering all of them, syncs included"},
    )
    small = _measure(size["small"], workdir)
    large = _measure(size["large"], workdir)
    so, lo = small["ours"], large["ours"]
    sb, lb = small["baseline"], large["baseline"]
    growth = lo["peak_mib"] / so["peak_mib"] if so["peak_mib"] else float("inf")
    base_growth = lb["peak_mib"] / sb["peak_mib"] if sb["peak_mib"] else float("inf")
    result.figures += [
        Figure(f"peak RSS, {size['small']:,} events", so["peak_mib"], sb["peak_mib"], "MiB", "lower"),
        Figure(
            f"peak RSS, {size['large']:,} events",
            lo["peak_mib"],
            lb["peak_mib"],
            "MiB",
            "lower",
            target=f"< {TARGET_MIB:.0f} MiB",
            met=lo["peak_mib"] < TARGET_MIB,
        ),
        Figure(
            "growth (large / small)",
            growth,
            base_growth,
            "×",
            "lower",
            target=f"< {TARGET_GROWTH}×",
            met=growth < TARGET_GROWTH,
        ),
    ]
    result.notes.append(
        f"reconcile time: ours {so['seconds']:.0f} s / {lo['seconds']:.0f} s, baseline "
        f"{sb['seconds']:.0f} s / {lb['seconds']:.0f} s; VmHWM ours {so['vmhwm_mib']:.0f} / "
        f"{lo['vmhwm_mib']:.0f} MiB"
    )
    result.notes.append(
        "the baseline is single-site (site 15691): it searches every event but syncs only its site's "
        f"({small['site_events']} / {large['site_events']}), and only those due today are fetched"
    )
    for label, m in (("small", small), ("large", large)):
        ours = m["ours"]
        result.check(
            f"ours ({label}): every event was fetched and decided",
            ours["queried"] == m["events"] and "FAILED" not in ours["outcomes"],
            f"{ours['queried']}/{m['events']} events with an outcome: {ours['outcomes']}",
        )
        summary = m["baseline"]["summary"] or {}
        result.check(
            f"baseline ({label}): its sync covered every event of its site",
            summary.get("queried") == m["site_events"],
            str(summary),
        )
    result.details = {"small": small, "large": large}
    result.seconds = time.monotonic() - started
    result.load = {"before": load_before, "after": load_average()}
    return result
