"""Preview: the Revel order an event would become now, computed without writing anything."""

from __future__ import annotations

from typing import Any

from tripleseat_revel.sync import steps
from tripleseat_revel.sync.bulk import summarise
from tripleseat_revel.sync.reconcile import collect
from tripleseat_revel.sync.runtime import Runtime
from tripleseat_revel.sync.switches import read_switches


def preview_event(rt: Runtime, event_id: int) -> dict[str, Any]:
    """The `prepare` output for the event as it is now (kind, outcome/reason or plan)."""
    with rt.db.session() as session:
        switches = read_switches(session, rt.settings)
    begun = {
        "now": rt.clock().isoformat(),
        "switches": {
            "dry_run": True,
            "enabled": True,
            "location_override": switches.location_override,
        },
    }
    fetched = steps.fetch(rt, event_id)
    prepared = steps.prepare(rt, event_id, fetched, begun, write=False)
    prepared["event_id"] = event_id
    return prepared


def preview_result(prepared: dict[str, Any]) -> dict[str, Any]:
    event = prepared.get("event") or {}
    kind = prepared["kind"]
    would = kind in ("inject", "dry_run")
    outcome = "WOULD_INJECT" if would else prepared.get("outcome") or kind.upper()
    status = (
        "skipped"
        if would or kind in ("unchanged", "drift", "amend")
        else ("failed" if outcome.startswith("FAILED") or outcome == "MISSED" else "skipped")
    )
    return {
        "id": prepared["event_id"],
        "name": event.get("name"),
        "date": event.get("date"),
        "status": status,
        "outcome": outcome,
        "reason": prepared.get("reason") or ("dry run: would inject" if would else kind),
        "plan": prepared.get("plan"),
        "revel_order_id": prepared.get("order_id"),
    }


def preview_single(rt: Runtime, event_id: int) -> dict[str, Any]:
    """The sync API's response for one event, planned but not written."""
    return summarise("single", [preview_result(preview_event(rt, event_id))]) | {"dry_run": True}


def preview_bulk(rt: Runtime, hours_back: int) -> dict[str, Any]:
    """The bulk response for the events updated in `hours_back` hours, planned but not written."""
    found = collect(rt, {"hours_back": hours_back, "include_today": False, "sweep": False, "force": True})
    events = [preview_result(preview_event(rt, e)) for e in found["to_sync"]]
    return summarise("bulk", events, found["queried"]) | {"dry_run": True}
