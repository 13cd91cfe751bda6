"""The steps of one event's sync, as plain functions of the runtime (the workflow checkpoints them).

Inputs and outputs are JSON-safe dicts so that a recorded step replays identically after a crash.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tripleseat_revel.integrations.tripleseat.errors import TripleSeatNotFound
from tripleseat_revel.integrations.tripleseat.schemas import Event
from tripleseat_revel.sync import ledger
from tripleseat_revel.sync.catalogue import load_mappings
from tripleseat_revel.sync.decide import Action, Decision, Switches, decide, material_fingerprint
from tripleseat_revel.sync.drift import diff_plans
from tripleseat_revel.sync.outcomes import Outcome
from tripleseat_revel.sync.plan import PlanInputs, PlanProblem, ProblemKind, plan_order
from tripleseat_revel.sync.runtime import Runtime
from tripleseat_revel.sync.switches import read_switches

PROBLEM_OUTCOMES = {
    ProblemKind.UNMAPPED: Outcome.FAILED_UNMAPPED,
    ProblemKind.MISSING_DATA: Outcome.FAILED_MISSING_DATA,
    ProblemKind.MONEY_MISMATCH: Outcome.FAILED_MONEY_MISMATCH,
}


def begin(rt: Runtime, event_id: int, workflow_id: str, request: dict[str, Any]) -> dict[str, Any]:
    """Claim the pending trigger, note the start, snapshot the clock and the switches."""
    with rt.db.session() as session:
        ledger.claim_pending(session, event_id, workflow_id)
        switches = read_switches(session, rt.settings)
        source = request.get("source", "unknown")
        ledger.audit(
            session,
            event_id,
            "sync.started",
            f"sync requested by {source}",
            correlation_id=request.get("correlation_id"),
            workflow_id=workflow_id,
            data={"source": source},
        )
    return {
        "now": rt.clock().isoformat(),
        "switches": {
            "dry_run": switches.dry_run or bool(request.get("dry_run")),
            "enabled": switches.enabled,
            "location_override": switches.location_override,
        },
    }


def fetch(rt: Runtime, event_id: int) -> dict[str, Any]:
    """The event as TripleSeat has it now (a webhook is only a hint); None if deleted."""
    try:
        event = rt.tripleseat.get_event(event_id, show_financial=True)
    except TripleSeatNotFound:
        return {"event": None}
    return {"event": event.model_dump(mode="json")}


def _problem(problem: PlanProblem) -> dict[str, Any]:
    unmapped = [
        {
            "name": u.name,
            "menu_item_id": u.menu_item_id,
            "quantity": str(u.quantity),
            "total": str(u.total),
            "detail": u.detail,
            "suggestions": [s.__dict__ for s in u.suggestions],
        }
        for u in problem.unmapped
    ]
    return {
        "kind": "problem",
        "outcome": PROBLEM_OUTCOMES[problem.kind].value,
        "reason": problem.reason,
        "unmapped": unmapped,
    }


def _decision_dict(decision: Decision) -> dict[str, Any]:
    assert decision.outcome is not None
    result: dict[str, Any] = {
        "kind": "skip",
        "outcome": decision.outcome.value,
        "reason": decision.reason,
    }
    if decision.opens_at is not None:
        result["opens_at"] = decision.opens_at.isoformat()
    return result


def prepare(
    rt: Runtime,
    event_id: int,
    fetched: dict[str, Any],
    begun: dict[str, Any],
    *,
    write: bool = True,
) -> dict[str, Any]:
    """Decide and plan. Output `kind`: skip | problem | cancelled | unchanged | drift | amend |
    dry_run | inject. With `write=False` (preview) the ledger is only read."""
    event = Event.model_validate(fetched["event"]) if fetched["event"] is not None else None
    switches = Switches(**begun["switches"])
    with rt.db.session() as session:
        record = ledger.get_record(session, event_id)
        view = ledger.ledger_view(record)
    decision = decide(
        event,
        config=rt.config,
        switches=switches,
        ledger=view,
        now=datetime.fromisoformat(begun["now"]),
    )
    target = decision.target
    if event is not None and write:
        with rt.db.session() as session:
            ledger.note_event(
                session,
                event,
                location_name=target.location.name if target else None,
                establishment=target.establishment if target else None,
            )
    base: dict[str, Any] = {
        "ts_updated_at": event.updated_at if event else None,
        "ts_fingerprint": material_fingerprint(event) if event else None,
        "event": {
            "name": event.name,
            "date": event.event_date,
            "status": event.status_upper,
            "location": target.location.name if target else None,
        }
        if event
        else None,
    }
    if decision.action is Action.SKIP and decision.outcome is Outcome.MISSED and target is not None:
        # Before alerting, ask Revel: the replaced system (or a person) may have made the order.
        found = [o for o in rt.revel.find_orders(target.establishment, target.local_id) if not o.deleted]
        if found:
            order_id = min(o.id for o in found)
            reason = f"Revel order {order_id} exists (made before this connector or by hand)"
            return {
                **base,
                "kind": "skip",
                "outcome": Outcome.ALREADY_INJECTED.value,
                "reason": reason,
                "order_id": order_id,
            }
    if decision.action is Action.SKIP:
        return {**base, **_decision_dict(decision)}
    if decision.action is Action.CANCELLED:
        return {
            **base,
            "kind": "cancelled",
            "outcome": Outcome.DRIFT.value,
            "reason": decision.reason,
            "order_id": view.revel_order_id,
        }
    assert event is not None
    assert target is not None
    inputs = PlanInputs(
        establishment=target.establishment,
        local_id=target.local_id,
        rules=target.rules,
        revel=rt.config.revel,
        money=rt.config.money,
        catalogue=rt.catalogues.get(target.establishment),
        mappings=load_mappings(rt.db, rt.config),
    )
    plan = plan_order(event, inputs)
    if isinstance(plan, PlanProblem):
        return {**base, **_problem(plan)}
    base.update(plan=plan.to_json(), timezone=target.location.timezone, on_change=target.rules.on_change)
    if view.injected and view.local_id == target.local_id:
        if plan.fingerprint == view.injected_fingerprint:
            return {**base, "kind": "unchanged", "order_id": view.revel_order_id}
        changes = diff_plans(view.injected_plan or {}, base["plan"])
        kind = "amend" if target.rules.on_change == "amend" and not switches.dry_run else "drift"
        return {**base, "kind": kind, "order_id": view.revel_order_id, "changes": changes}
    if switches.dry_run:
        return {**base, "kind": "dry_run"}
    return {**base, "kind": "inject"}


def local_tz(prepared: dict[str, Any]) -> ZoneInfo:
    return ZoneInfo(prepared.get("timezone") or "UTC")
