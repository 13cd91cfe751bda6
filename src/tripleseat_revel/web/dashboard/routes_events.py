"""Events: today and upcoming per location, one event's page, preview, and "sync now"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from tripleseat_revel.integrations.tripleseat.webhooks import MAX_ID
from tripleseat_revel.kit.http import VendorError
from tripleseat_revel.logging import safe_error
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.sync.prepare import AnyPrepared, Problem
from tripleseat_revel.sync.preview import preview_event
from tripleseat_revel.web.dashboard import queries
from tripleseat_revel.web.dashboard.actions import sync_now
from tripleseat_revel.web.dashboard.auth import FormUserDep, UserDep
from tripleseat_revel.web.dashboard.queries import EventFilter, EventRow
from tripleseat_revel.web.dashboard.revel_order import Unavailable, live_order
from tripleseat_revel.web.dashboard.views import STATE_LABELS, redirect, render, runtime_of

router = APIRouter(include_in_schema=False)
EventId = Path(gt=0, le=MAX_ID)
# Window name -> (label, days before today, days after today).
WINDOWS = {
    "today": ("Today", 0, 0),
    "upcoming": ("Today and the next 14 days", 0, 14),
    "week": ("Last 7 and next 7 days", 7, 7),
    "past": ("Last 30 days", 30, -1),
}


@dataclass(frozen=True)
class LocationGroup:
    name: str
    timezone: str
    today: date
    days: list[tuple[str | None, list[EventRow]]]


def _window(rt: Runtime, when: str) -> EventFilter:
    _label, before, after = WINDOWS[when]
    todays = [queries.today(rt, tz) for tz in queries.timezones(rt).values()]
    start, end = min(todays) - timedelta(days=before), max(todays) + timedelta(days=after)
    return EventFilter(start=start.isoformat(), end=end.isoformat())


def _groups(rt: Runtime, rows: list[EventRow]) -> list[LocationGroup]:
    groups = []
    for name, located in queries.by_location(rows):
        days: dict[str | None, list[EventRow]] = {}
        for row in located:
            days.setdefault(row.date, []).append(row)
        tz = located[0].timezone
        groups.append(LocationGroup(name, tz, queries.today(rt, tz), list(days.items())))
    return groups


@router.get("/")
def events_page(
    request: Request, who: UserDep, when: str = "upcoming", location: str = "", state: str = "", q: str = ""
) -> Response:
    """Today's and upcoming events per location, with their order state."""
    rt = runtime_of(request)
    when = when if when in WINDOWS else "upcoming"
    state = state if state in STATE_LABELS else ""
    window = _window(rt, when)
    rows = queries.events(
        rt, EventFilter(window.start, window.end, location or None, state or None, q or None)
    )
    context = {
        "groups": _groups(rt, rows),
        "counts": queries.state_counts(queries.events(rt, window)),
        "windows": {key: value[0] for key, value in WINDOWS.items()},
        "locations": queries.location_names(rt),
        "filters": {"when": when, "location": location, "state": state, "q": q},
        "interval": max(1, rt.settings.sync_interval_seconds // 60),
    }
    return render(request, "dashboard/events.html", context)


@router.get("/events/{event_id}")
def event_page(request: Request, who: UserDep, event_id: int = EventId) -> Response:
    """One event: the planned order beside the Revel order, the audit timeline, the actions."""
    rt = runtime_of(request)
    record, trail = queries.event(rt, event_id)
    if record is None:
        return render(request, "dashboard/event_unknown.html", {"event_id": event_id}, 404)
    tz = queries.timezones(rt).get(record.location_name or "", queries.default_timezone(rt))
    order_id = record.revel_order_id
    context = {
        "record": record,
        "trail": trail,
        "tz": tz,
        "today": queries.today(rt, tz),  # the location's, for "Today"/"Tomorrow"
        "plan": record.plan or record.verified_plan,
        "live": live_order(rt, order_id, record.plan or record.verified_plan) if order_id else None,
        "changes": (record.drift or {}).get("changes") or [],
    }
    return render(request, "dashboard/event.html", context)


@router.post("/events/{event_id}/sync")
def event_sync(request: Request, who: FormUserDep, event_id: int = EventId) -> Response:
    """Sync now (or retry): request a sync, wait a bounded time, show the result."""
    flash = sync_now(runtime_of(request), event_id, who)
    return redirect(request, f"/events/{event_id}", flash)


@router.get("/events/{event_id}/preview")
def event_preview(request: Request, who: UserDep, event_id: int = EventId) -> Response:
    """The order the event would become now, computed without writing anything."""
    rt = runtime_of(request)
    try:
        shown: PreviewView | Unavailable = PreviewView.of(preview_event(rt, event_id))
    except VendorError as exc:
        shown = Unavailable(f"The preview needs TripleSeat and Revel; one of them failed: {safe_error(exc)}")
    return render(request, "dashboard/preview.html", {"event_id": event_id, "prepared": shown})


@dataclass(frozen=True)
class PreviewView:
    """A preview as the page shows it."""

    kind: str
    event: dict[str, Any]
    verdict: str
    changes: list[str]
    unmapped: list[dict[str, Any]]
    plan: dict[str, Any] | None

    @classmethod
    def of(cls, prepared: AnyPrepared) -> PreviewView:
        plan = getattr(prepared, "plan", None)
        outcome, reason = getattr(prepared, "outcome", None), getattr(prepared, "reason", None)
        return cls(
            kind=prepared.kind,
            event=prepared.event.model_dump() if prepared.event else {},
            verdict=f"{outcome}: {reason or ''}",
            changes=getattr(prepared, "changes", None) or [],
            unmapped=[u.model_dump(mode="json") for u in prepared.unmapped]
            if isinstance(prepared, Problem)
            else [],
            plan=plan.to_json() if plan is not None else None,
        )
