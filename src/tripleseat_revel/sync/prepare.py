"""One event's sync up to the Revel writes: fetch it, decide, plan. The result is a typed value.

`Prepared` is what the worker acts on (and what preview shows): a discriminated union, one model
per `kind`. Each is a pydantic model, so it pickles into a DBOS checkpoint and replays as it was.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from tripleseat_revel.integrations.tripleseat.errors import TripleSeatNotFound
from tripleseat_revel.integrations.tripleseat.schemas import Event
from tripleseat_revel.sync import findings, ledger
from tripleseat_revel.sync.catalogue import load_mappings
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.sync.decide import (
    Action,
    Decision,
    LedgerView,
    Switches,
    Target,
    decide,
    event_fingerprint,
)
from tripleseat_revel.sync.drift import diff_plans
from tripleseat_revel.sync.matching import Suggestion
from tripleseat_revel.sync.outcomes import EventState, Outcome
from tripleseat_revel.sync.plan import OrderPlan, PlanInputs, PlanProblem, ProblemKind, plan_order

PROBLEM_OUTCOMES = {
    ProblemKind.UNMAPPED: Outcome.FAILED_UNMAPPED,
    ProblemKind.MISSING_DATA: Outcome.FAILED_MISSING_DATA,
    ProblemKind.MONEY_MISMATCH: Outcome.FAILED_MONEY_MISMATCH,
}
# Outcomes that stand for the event's order as it is (the skip names the order).
STANDS = (Outcome.ALREADY_INJECTED, Outcome.DRIFT, Outcome.RESOLVED, Outcome.FAILED_MONEY_MISMATCH)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class EventSummary(_Model):
    """What the emails, the preview and the dashboard say about the event."""

    name: str | None = None
    date: str | None = None
    status: str | None = None
    location: str | None = None


class Unmapped(_Model):
    """A line item with no Revel product, as the operator sees it."""

    name: str
    menu_item_id: int | None
    quantity: str
    total: str
    detail: str
    suggestions: list[Suggestion] = Field(default_factory=list)


class _Prepared(_Model):
    event: EventSummary | None = None
    ts_updated_at: str | None = None
    ts_fingerprint: str | None = None


class Skip(_Prepared):
    """Nothing to write: the outcome stands as decided (status, time gate, switches, ...)."""

    kind: Literal["skip"] = "skip"
    outcome: Outcome
    reason: str
    order_id: int | None = None
    opens_at: datetime | None = None


class Problem(_Prepared):
    """The event should be on the POS but cannot be planned (unmapped items, bad data, money)."""

    kind: Literal["problem"] = "problem"
    outcome: Outcome
    reason: str
    unmapped: list[Unmapped] = Field(default_factory=list)


class Cancelled(_Prepared):
    """The order was made, then the event was deleted or left the injectable statuses."""

    kind: Literal["cancelled"] = "cancelled"
    outcome: Outcome = Outcome.DRIFT
    reason: str
    order_id: int | None = None


class _Planned(_Prepared):
    plan: OrderPlan
    timezone: str
    on_change: Literal["alert", "amend"] = "alert"


class Unchanged(_Planned):
    """The plan is the one Revel was verified to hold: nothing to write or read."""

    kind: Literal["unchanged"] = "unchanged"
    order_id: int


class Drift(_Planned):
    """The event changed after its order was made, and the order is left as it is (alert mode,
    or a change Revel cannot take: another location or day)."""

    kind: Literal["drift"] = "drift"
    order_id: int
    changes: list[str]
    reason: str = "the event changed after its order was made"


class DryRun(_Planned):
    kind: Literal["dry_run"] = "dry_run"
    order_id: int | None = None


WriteMode = Literal["create", "complete", "amend", "adopt", "check"]


class Write(_Planned):
    """Make Revel's order equal the plan, writing only the difference, verified from Revel's answers.

    - `create`: no order is known: look it up by local_id (someone may have made it), else make it;
    - `complete`: our order was left unverified (a crash, an error): finish it to this plan;
    - `amend`: the verified order changes with its event (on_change = amend, or an operator's "amend now");
    - `adopt`: a missed event's order made by someone else: compare it, never create one;
    - `check`: read the order and compare it with the plan, never write (an operator's re-sync; an
      event back to the plan its order was verified at, after a drift told staff to change the POS;
      a finished order of ours the ledger had lost track of, in alert mode)."""

    kind: Literal["write"] = "write"
    mode: WriteMode
    order_id: int | None = None
    changes: list[str] = Field(default_factory=list)


PlannedKinds = Unchanged | Drift | DryRun | Write
AnyPrepared = Skip | Problem | Cancelled | PlannedKinds
# For validation (a stored or serialised value read back): `TypeAdapter(Prepared)`.
Prepared = Annotated[AnyPrepared, Field(discriminator="kind")]


class Begun(_Model):
    """A sync's start: the clock and the switches it runs under (snapshotted once), and what an
    operator asked: to check the order against the event again, or to amend it now (whatever the
    location's `on_change`)."""

    now: datetime
    switches: Switches
    recheck: bool = False
    force_amend: bool = False
    # A lookup shared with the syncs starting beside this one found no order (as a reconcile's hint).
    revel_absent: dict[str, str] | None = None


def fetch_event(rt: Runtime, event_id: int) -> Event | None:
    """The event as TripleSeat has it now (a webhook is only a hint); None if deleted."""
    try:
        return rt.tripleseat.get_event(event_id, show_financial=True)
    except TripleSeatNotFound:
        return None


def _unmapped(problem: PlanProblem) -> list[Unmapped]:
    return [
        Unmapped(
            name=u.name,
            menu_item_id=u.menu_item_id,
            quantity=str(u.quantity),
            total=str(u.total),
            detail=u.detail,
            suggestions=list(u.suggestions),
        )
        for u in problem.unmapped
    ]


def _summary(event: Event | None, target: Target | None) -> dict[str, object]:
    if event is None:
        return {"ts_fingerprint": event_fingerprint(None)}
    return {
        "ts_updated_at": event.updated_at,
        "ts_fingerprint": event_fingerprint(event),
        "event": EventSummary(
            name=event.name,
            date=event.event_date,
            status=event.status_upper,
            location=target.location.name if target else None,
        ),
    }


def _found_before(rt: Runtime, target: Target) -> int | None:
    """A missed event's order made by someone else (the replaced system, a person), if any."""
    found = [
        o
        for o in rt.revel.find_orders(target.establishment, target.local_id)
        if not o.deleted and o.local_id == target.local_id
    ]
    return min(o.id for o in found) if found else None


def _skip(decision: Decision, view: LedgerView, base: dict[str, object]) -> Skip | Cancelled:
    if decision.action is Action.CANCELLED:
        return Cancelled.model_validate({**base, "reason": decision.reason, "order_id": view.revel_order_id})
    if decision.outcome in STANDS:
        base = {**base, "order_id": view.revel_order_id}
    assert decision.outcome is not None
    return Skip.model_validate(
        {**base, "outcome": decision.outcome, "reason": decision.reason, "opens_at": decision.opens_at}
    )


def _plan(rt: Runtime, event: Event, target: Target) -> OrderPlan | PlanProblem:
    inputs = PlanInputs(
        establishment=target.establishment,
        local_id=target.local_id,
        rules=target.rules,
        revel=rt.config.revel_for(target.location),
        money=rt.config.money,
        catalogue=rt.catalogues.get(target.establishment),
        mappings=load_mappings(rt.db, rt.config),
    )
    return plan_order(event, inputs)


def _moved(plan: OrderPlan, view: LedgerView) -> list[str]:
    """Changes an order cannot follow: another establishment, another day."""
    moved = []
    if view.order_establishment is not None and view.order_establishment != plan.establishment:
        moved.append(f"location: establishment {view.order_establishment} -> {plan.establishment}")
    if view.order_date is not None and plan.event_date != view.order_date:
        moved.append(f"date: {view.order_date} -> {plan.event_date}")
    return moved


def _unknown_to_ledger(
    planned: dict[str, object], recorded: ledger.RecordedOrder | None, target: Target, begun: Begun
) -> PlannedKinds:
    """No order the ledger knows of: made (created, unless the write log has one of ours, which
    the ledger lost track of when LOCATION_OVERRIDE was switched and back, or a run was abandoned)."""
    order_id = recorded.order_id if recorded is not None else None
    if begun.switches.dry_run:
        return DryRun.model_validate({**planned, "order_id": order_id})
    if recorded is None:
        return Write.model_validate({**planned, "mode": "create"})
    follow = target.rules.on_change == "amend" or begun.force_amend
    mode = "check" if recorded.finished and not follow else "complete"
    return Write.model_validate({**planned, "mode": mode, "order_id": order_id})


def _compare(
    plan: OrderPlan,
    view: LedgerView,
    target: Target,
    begun: Begun,
    base: dict[str, object],
    recorded: ledger.RecordedOrder | None = None,
) -> PlannedKinds:
    """What to do with the event's existing order (or that there is none yet)."""
    planned = _planned_fields(plan, target, base)
    order_id = view.order_for(target.local_id)
    if order_id is None:
        return _unknown_to_ledger(planned, recorded, target, begun)
    same = view.verified_plan is not None and plan.fingerprint == view.verified_fingerprint
    if same and not begun.force_amend:  # "amend now" writes whatever the ledger says
        if view.state is EventState.VERIFIED and not begun.recheck:
            return Unchanged.model_validate({**planned, "order_id": order_id})
        # An operator asks, or the event is back to what its order was verified at while the
        # ledger last said something else (a drift, its resolution, a failure since): read the
        # order, do not assume it still is what was verified.
        return Write.model_validate({**planned, "mode": "check", "order_id": order_id})
    changes = diff_plans(view.verified_plan, plan.to_json()) if view.verified_plan is not None else []
    moved = _moved(plan, view)
    if moved:
        reason = "the event moved to another location or day; its order stays where it was"
        changes = [c for c in changes if not c.startswith(("location:", "date/time:"))]
        return Drift.model_validate(
            {**planned, "order_id": order_id, "changes": moved + changes, "reason": reason}
        )
    if begun.switches.dry_run:
        return DryRun.model_validate({**planned, "order_id": order_id})
    if view.verified_plan is None:  # our order was left unverified: finish it to this plan
        return Write.model_validate({**planned, "mode": "complete", "order_id": order_id})
    if target.rules.on_change == "amend" or begun.force_amend:
        return Write.model_validate({**planned, "mode": "amend", "order_id": order_id, "changes": changes})
    if begun.recheck:
        return Write.model_validate({**planned, "mode": "check", "order_id": order_id, "changes": changes})
    return Drift.model_validate({**planned, "order_id": order_id, "changes": changes})


def _decided(
    rt: Runtime, event_id: int, event: Event | None, begun: Begun, *, write: bool
) -> tuple[LedgerView, Decision]:
    """What the ledger knows of the event, and the decision; the ledger notes the event's fields."""
    with rt.db.session() as session:
        view = ledger.ledger_view(ledger.get_record(session, event_id))
    decision = decide(
        event,
        config=rt.config,
        switches=begun.switches,
        ledger=view,
        now=begun.now,
        recheck=begun.recheck or begun.force_amend,
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
    return view, decision


def _planned_fields(plan: OrderPlan, target: Target, base: dict[str, object]) -> dict[str, object]:
    return {**base, "plan": plan, "timezone": target.location.timezone, "on_change": target.rules.on_change}


def prepare(
    rt: Runtime, event_id: int, event: Event | None, begun: Begun, *, write: bool = True
) -> AnyPrepared:
    """Decide and plan one fetched event. With `write=False` (preview) the ledger is only read."""
    view, decision = _decided(rt, event_id, event, begun, write=write)
    target = decision.target
    base = _summary(event, target)
    if decision.fingerprint is not None:
        base["ts_fingerprint"] = decision.fingerprint
    adopt = None
    if decision.action is Action.SKIP and decision.outcome is Outcome.MISSED and target is not None:
        adopt = _found_before(rt, target)  # the replaced system (or a person) may have made it
    if decision.action is not Action.PLAN and adopt is None:
        return _skip(decision, view, base)
    assert event is not None
    assert target is not None
    plan = _plan(rt, event, target)
    if isinstance(plan, PlanProblem):
        problem = {"outcome": PROBLEM_OUTCOMES[plan.kind], "reason": plan.reason, "unmapped": _unmapped(plan)}
        return Problem.model_validate({**base, **problem})
    if adopt is not None:
        return Write.model_validate(
            {**_planned_fields(plan, target, base), "mode": "adopt", "order_id": adopt}
        )
    recorded = None
    if view.order_for(target.local_id) is None:
        with rt.db.session() as session:
            recorded = ledger.recorded_order(session, target.local_id)
    return _payment_refused(rt, _compare(plan, view, target, begun, base, recorded), base)


def _payment_refused(rt: Runtime, prepared: PlannedKinds, base: dict[str, object]) -> AnyPrepared:
    """A new order with a payment where `doctor --probe` found the payment type refused: no order
    is made (it could not be paid); the operator fixes `[revel] payment_type` or pays at the POS."""
    if not isinstance(prepared, Write) or prepared.mode != "create" or prepared.plan.totals.paid <= 0:
        return prepared
    plan = prepared.plan
    behaviour = findings.behaviour_for(rt.db, rt.settings, plan.establishment, plan.revel.payment_type)
    if behaviour.payment_type:
        return prepared
    reason = (
        f"Revel refuses payment type {plan.revel.payment_type} in establishment {plan.establishment} "
        f"(found by `doctor --probe`), and {plan.totals.paid:.2f} is paid: no order was made; set "
        "[revel] payment_type to a type Revel accepts there, then sync again"
    )
    return Problem.model_validate({**base, "outcome": Outcome.FAILED_CONFIG, "reason": reason})
