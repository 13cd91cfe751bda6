"""Failures (with retry) and the switches (dry run, connector enabled, location override)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from tripleseat_revel.sync import problems
from tripleseat_revel.sync.switches import NAMES, set_switch
from tripleseat_revel.web.dashboard import queries
from tripleseat_revel.web.dashboard.actions import EventIdForm, queue_syncs, sync_now
from tripleseat_revel.web.dashboard.auth import FormUserDep, UserDep, actor
from tripleseat_revel.web.dashboard.views import redirect, render, runtime_of

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class SwitchInfo:
    label: str
    help: str
    turn_on: str
    turn_off: str


SWITCHES = {
    "DRY_RUN": SwitchInfo(
        "Dry run",
        "Plan every order and record what would be injected, but write nothing to Revel.",
        "Turn dry run on",
        "Turn dry run off",
    ),
    "ENABLE_CONNECTOR": SwitchInfo(
        "Connector enabled",
        "The kill switch: when off, every sync stops before calling TripleSeat or Revel.",
        "Switch the connector on",
        "Switch the connector off",
    ),
    "LOCATION_OVERRIDE": SwitchInfo(
        "Location override",
        "Send every order to its location's test establishment (for trying things out).",
        "Turn location override on",
        "Turn location override off",
    ),
}


@router.get("/failures")
def failures_page(request: Request, who: UserDep) -> Response:
    """Events that need someone: failed, differing from TripleSeat, or missed; with what differs."""
    rows = problems.open_problems(runtime_of(request))
    failed = [row.event_id for row in rows if row.state == "failed"]
    return render(request, "dashboard/failures.html", {"rows": rows, "failed_ids": failed})


@router.post("/failures/amend")
def amend_now(request: Request, who: FormUserDep, event_id: Annotated[int, Form(gt=0, le=2**53)]) -> Response:
    """Make the event's order follow the event now (audited), and show the result."""
    rt = runtime_of(request)
    found = problems.problem_of(rt, event_id)
    if found is None or not found.amendable:
        return redirect(request, "/failures", ("warning", f"Event {event_id} has no order to amend."))
    return redirect(request, "/failures", sync_now(rt, event_id, who, ask="amend"))


@router.post("/failures/acknowledge")
def acknowledge(
    request: Request,
    who: FormUserDep,
    event_id: Annotated[int, Form(gt=0, le=2**53)],
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Resolve a problem by hand (audited, with the note): it stays resolved until the event changes."""
    resolved = problems.acknowledge(runtime_of(request), event_id, by=actor(who), note=note.strip())
    if resolved is None:
        return redirect(request, "/failures", ("warning", f"Event {event_id} has no open problem."))
    return redirect(request, "/failures", ("success", f"Event {event_id}: {resolved.outcome} acknowledged."))


@router.post("/failures/retry")
def retry(
    request: Request, who: FormUserDep, event_id: Annotated[list[EventIdForm] | None, Form()] = None
) -> Response:
    """Retry one event (waiting for its result) or several (queued)."""
    rt = runtime_of(request)
    ids = sorted(set(event_id or []))
    if not ids:
        return redirect(request, "/failures", ("warning", "Nothing to retry."))
    if len(ids) == 1:
        return redirect(request, "/failures", sync_now(rt, ids[0], who, ask="recheck"))
    queue_syncs(rt, ids, who, ask="recheck")
    text = f"Retrying {len(ids)} events; their new state shows here as each one finishes."
    return redirect(request, "/failures", ("info", text))


@router.get("/switches")
def switches_page(request: Request, who: UserDep) -> Response:
    """The switches in force, who changed them last, and the recent changes."""
    rt = runtime_of(request)
    context = {
        "infos": SWITCHES,
        "rows": queries.switch_rows(rt),
        "history": queries.recent_audit(rt, "switch.changed"),
    }
    return render(request, "dashboard/switches.html", context)


@router.post("/switches")
def switch_change(
    request: Request,
    who: FormUserDep,
    name: Annotated[str, Form()],
    value: Annotated[bool, Form()],
) -> Response:
    """Turn a switch on or off (persisted and audited with who did it)."""
    if name not in NAMES:
        return redirect(request, "/switches", ("error", f"There is no switch called {name}."))
    with runtime_of(request).db.session() as session:
        set_switch(session, name, value, by=actor(who))
    label = SWITCHES[name].label
    return redirect(request, "/switches", ("success", f"{label} is now {'on' if value else 'off'}."))
