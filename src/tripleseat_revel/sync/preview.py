"""Preview: the Revel order an event would become now, computed without writing anything."""

from __future__ import annotations

from typing import Any

from tripleseat_revel.sync import steps
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
