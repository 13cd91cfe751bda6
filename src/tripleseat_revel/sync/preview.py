"""Preview: the Revel order an event would become now, computed without writing anything."""

from __future__ import annotations

from typing import Any

from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.sync.decide import Switches
from tripleseat_revel.sync.outcomes import Outcome
from tripleseat_revel.sync.prepare import AnyPrepared, Begun, DryRun, Write, fetch_event, prepare
from tripleseat_revel.sync.reconcile import collect
from tripleseat_revel.sync.results import EventResult, summarise
from tripleseat_revel.sync.switches import read_switches

WOULD = (Write, DryRun)


def preview_event(rt: Runtime, event_id: int) -> AnyPrepared:
    """What a sync of the event as it is now would do (kind, outcome and reason, or the plan)."""
    with rt.db.session() as session:
        switches = read_switches(session, rt.settings)
    begun = Begun(
        now=rt.clock(), switches=Switches(dry_run=True, location_override=switches.location_override)
    )
    return prepare(rt, event_id, fetch_event(rt, event_id), begun, write=False)


def _outcome(prepared: AnyPrepared) -> str:
    if isinstance(prepared, WOULD):
        return Outcome.WOULD_INJECT.value
    outcome: Outcome | None = getattr(prepared, "outcome", None)
    return outcome.value if outcome is not None else prepared.kind.upper()


def preview_result(event_id: int, prepared: AnyPrepared) -> EventResult:
    """The sync API's per-event result for a preview."""
    outcome = _outcome(prepared)
    failed = outcome.startswith("FAILED") or outcome == Outcome.MISSED.value
    plan = getattr(prepared, "plan", None)
    return EventResult(
        id=event_id,
        name=prepared.event.name if prepared.event else None,
        date=prepared.event.date if prepared.event else None,
        status="failed" if failed and not isinstance(prepared, WOULD) else "skipped",
        outcome=outcome,
        reason=getattr(prepared, "reason", None)
        or ("dry run: would inject" if isinstance(prepared, WOULD) else prepared.kind),
        plan=plan.to_json() if plan is not None else None,
        revel_order_id=getattr(prepared, "order_id", None),
    )


def preview_single(rt: Runtime, event_id: int) -> dict[str, Any]:
    """The sync API's response for one event, planned but not written."""
    return summarise("single", [preview_result(event_id, preview_event(rt, event_id))]) | {"dry_run": True}


def preview_bulk(rt: Runtime, hours_back: int) -> dict[str, Any]:
    """The bulk response for the events updated in `hours_back` hours, planned but not written."""
    found = collect(rt, {"hours_back": hours_back, "include_today": False, "sweep": False, "force": True})
    events = [preview_result(e, preview_event(rt, e)) for e in found["to_sync"]]
    return summarise("bulk", events, found["queried"]) | {"dry_run": True}
