"""TripleSeat control routes under `/_sandbox/`: create, change and delete events (bumping
`updated_at`), add seeded events, configure and fire webhooks, mint refresh tokens."""

from __future__ import annotations

import random
from datetime import date
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tripleseat_revel.integrations.tripleseat.webhooks import verify
from tripleseat_revel.sandbox.control import Changes, invalid, merged
from tripleseat_revel.sandbox.tripleseat import bodies
from tripleseat_revel.sandbox.tripleseat.models import EventRec
from tripleseat_revel.sandbox.tripleseat.seed import EventPlan
from tripleseat_revel.sandbox.tripleseat.state import EventNotFound, TripleSeatState
from tripleseat_revel.sandbox.tripleseat.webhooks import SignatureMode, WebhookSettings

if TYPE_CHECKING:
    from tripleseat_revel.sandbox.world import SandboxWorld


class FireBody(BaseModel):
    """Which events to announce, and how badly to deliver them."""

    model_config = ConfigDict(extra="forbid")

    event_ids: list[int] | None = None
    today: bool = False  # every event dated today (each location's today)
    statuses: list[str] | None = None
    trigger: str = "UPDATE_EVENT"
    copies: int = Field(default=1, ge=1, le=20)
    shuffle: bool = False
    signature: SignatureMode = "valid"
    target_url: str | None = None
    shuffle_seed: int | None = None


class SeedBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int = Field(default=50, ge=0, le=100_000)
    seed: int | None = None


def _not_found(event_id: int) -> JSONResponse:
    return JSONResponse({"error": f"no event {event_id}"}, status_code=404)


def _bad(message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=422)


def _summary(state: TripleSeatState, ev: EventRec) -> dict[str, Any]:
    data = state.render(ev, financial=False)
    keys = (
        "id",
        "name",
        "status",
        "location_id",
        "site_id",
        "event_date",
        "event_start",
        "updated_at",
        "grand_total",
        "amount_due",
        "guest_count",
    )
    return {k: data[k] for k in keys} | {"configured": state.locations[ev.location_id].configured}


def create_tripleseat_control_router(world: SandboxWorld) -> APIRouter:
    router = APIRouter(prefix="/_sandbox", tags=["sandbox control: tripleseat"])
    _event_routes(router, world)
    _webhook_routes(router, world)
    _inbox_routes(router, world)
    return router


def _event_routes(router: APIRouter, world: SandboxWorld) -> None:
    @router.get("/events")
    async def list_events(
        status: str | None = None,
        location_id: int | None = None,
        day: str | None = Query(default=None, alias="date"),
    ) -> dict[str, Any]:
        """Event summaries; `date=today` picks each location's today."""
        state = world.tripleseat
        events = sorted(state.events.values(), key=lambda e: e.id)
        if day is not None:
            anchors = state.anchors()
            events = [e for e in events if e.event_date == bodies.parse_day(day, anchors[e.location_id])]
        events = [
            e
            for e in events
            if (status is None or e.status == status.upper())
            and (location_id is None or e.location_id == location_id)
        ]
        return {"count": len(events), "events": [_summary(state, e) for e in events]}

    @router.get("/events/{event_id}", response_model=None)
    async def get_event(event_id: int) -> dict[str, Any] | JSONResponse:
        state = world.tripleseat
        if event_id not in state.events:
            return _not_found(event_id)
        return {"event": state.render(state.events[event_id], financial=True)}

    @router.post("/events", status_code=201, response_model=None)
    async def create_event(body: bodies.EventIn) -> dict[str, Any] | JSONResponse:
        state = world.tripleseat
        try:
            ev = state.create(_plan(state, body))
        except ValueError as exc:
            return _bad(str(exc))
        _maybe_fire(world, ev, body.fire_webhook, body.trigger or "CREATE_EVENT")
        return {"event": state.render(ev, financial=True)}

    @router.patch("/events/{event_id}", response_model=None)
    async def change_event(event_id: int, body: bodies.EventChange) -> dict[str, Any] | JSONResponse:
        state = world.tripleseat
        try:
            ev = _change(state, event_id, body)
        except EventNotFound:
            return _not_found(event_id)
        except ValueError as exc:
            return _bad(str(exc))
        default = "STATUS_CHANGE_EVENT" if body.status else "UPDATE_EVENT"
        _maybe_fire(world, ev, body.fire_webhook, body.trigger or default)
        return {"event": state.render(ev, financial=True)}

    @router.delete("/events/{event_id}", response_model=None)
    async def delete_event(event_id: int, fire_webhook: bool = False) -> dict[str, Any] | JSONResponse:
        state = world.tripleseat
        try:
            ev = state.delete(event_id)
        except EventNotFound:
            return _not_found(event_id)
        _maybe_fire(world, ev, fire_webhook, "DELETE_EVENT")
        return {"deleted": event_id}

    @router.post("/seed")
    async def add_events(body: SeedBody | None = None) -> dict[str, Any]:
        """Add `count` more generated events (e.g. for load tests); ids continue upwards."""
        body = body or SeedBody()
        rng = random.Random(body.seed if body.seed is not None else world.seed + 1)
        added = world.tripleseat.add_random(rng, body.count)
        return {
            "added": len(added),
            "first_id": added[0] if added else None,
            "events": len(world.tripleseat.events),
        }

    @router.post("/oauth/refresh-token")
    async def mint_refresh_token() -> dict[str, str]:
        """A new valid refresh token for the sandbox client (as if a user authorised the app)."""
        state = world.tripleseat
        return {"refresh_token": state.oauth.mint_refresh_token(state.credentials.client_id)}


def _plan(state: TripleSeatState, body: bodies.EventIn) -> EventPlan:
    location_id = body.location_id or 20271
    if location_id not in state.locations:
        raise ValueError(f"unknown location_id {location_id}")
    site = state.sites[state.locations[location_id].site_id]
    now = state.clock.now()
    ident = body.id or state.next_event_id()
    contact = (
        None
        if body.no_contact
        else (
            bodies.contact_of(body, state.ids.next("contact"))
            or bodies.contact_of(
                bodies.EventChange(contact=bodies.ContactIn(first_name="Sam", last_name="Sandbox")),
                state.ids.next("contact"),
            )
        )
    )
    return EventPlan(
        ident,
        body.name or "Sandbox Event",
        body.status or "CLOSED",
        location_id,
        bodies.parse_day(body.event_date or "today", state.anchors()[location_id]),
        bodies.parse_time(body.start_time or "18:00"),
        body.duration_minutes or 180,
        body.guest_count if body.guest_count is not None else 20,
        bodies.new_documents(body, site),
        contact,
        body.created_at or now,
        body.updated_at or now,
    )


def _change(state: TripleSeatState, event_id: int, body: bodies.EventChange) -> EventRec:
    ev = state.get(event_id)
    site = state.sites[state.locations[body.location_id or ev.location_id].site_id]
    day: date | None = None
    if body.event_date is not None:
        day = bodies.parse_day(body.event_date, state.anchors()[body.location_id or ev.location_id])
    extra: dict[str, Any] = {}
    if body.no_contact or body.contact is not None:
        extra["contact"] = bodies.contact_of(body, ev.contact.id if ev.contact else state.ids.next("contact"))
    return state.update(
        event_id,
        status=body.status,
        name=body.name,
        guest_count=body.guest_count,
        event_date=day,
        start=bodies.parse_time(body.start_time) if body.start_time else None,
        minutes=body.duration_minutes,
        location_id=body.location_id,
        documents=bodies.changed_documents(body, ev, site),
        updated_at=body.updated_at,
        **extra,
    )


def _maybe_fire(world: SandboxWorld, ev: EventRec, fire: bool, trigger: str) -> None:
    if fire and world.tripleseat.webhooks.settings.target_url:
        state = world.tripleseat
        batch = state.webhooks.prepare([(ev.id, trigger, state.webhook_object(ev))])
        state.webhooks.dispatch(batch)


def _webhook_routes(router: APIRouter, world: SandboxWorld) -> None:
    @router.get("/webhooks")
    async def deliveries() -> dict[str, Any]:
        hooks = world.tripleseat.webhooks
        items = [d.as_json() for d in hooks.deliveries]
        return {
            "config": hooks.settings.model_dump(),
            "deliveries": items,
            "attempts": [a for d in items for a in d["attempts"]],
        }

    @router.put("/webhooks/config", response_model=None)
    async def configure(changes: Changes) -> dict[str, Any] | JSONResponse:
        hooks = world.tripleseat.webhooks
        try:
            updated = merged(hooks.settings, changes)
        except ValidationError as exc:
            return invalid(exc)
        assert isinstance(updated, WebhookSettings)
        hooks.settings = updated
        return updated.model_dump()

    @router.post("/webhooks/fire", status_code=202, response_model=None)
    async def fire(body: FireBody) -> dict[str, Any] | JSONResponse:
        state = world.tripleseat
        events = _chosen(state, body)
        if isinstance(events, JSONResponse):
            return events
        items = [(ev.id, body.trigger, state.webhook_object(ev)) for ev in events]
        rng = random.Random(body.shuffle_seed if body.shuffle_seed is not None else world.seed)
        try:
            batch = state.webhooks.prepare(
                items,
                copies=body.copies,
                shuffle=body.shuffle,
                signature=body.signature,
                rng=rng,
                target_url=body.target_url,
            )
        except ValueError as exc:
            return _bad(str(exc))
        state.webhooks.dispatch(batch)
        return {
            "queued": len(batch),
            "order": [{"delivery_id": d.id, "event_id": d.event_id, "copy": d.copy} for d in batch],
        }

    @router.post("/webhooks/wait")
    async def wait(timeout: float = 30) -> dict[str, Any]:
        """Return when every delivery (with its re-sends) is done, or after `timeout` seconds."""
        hooks = world.tripleseat.webhooks
        done = await hooks.wait(timeout)
        return {
            "done": done,
            "deliveries": len(hooks.deliveries),
            "delivered": sum(d.delivered for d in hooks.deliveries),
        }

    @router.delete("/webhooks")
    async def clear() -> dict[str, Any]:
        world.tripleseat.webhooks.reset()
        return {"deliveries": 0}


def _chosen(state: TripleSeatState, body: FireBody) -> list[EventRec] | JSONResponse:
    if body.event_ids:
        missing = [i for i in body.event_ids if i not in state.events and i not in state.deleted]
        if missing:
            return _not_found(missing[0])
        return [state.events.get(i) or state.deleted[i] for i in body.event_ids]
    if not body.today:
        return _bad("give event_ids or today: true")
    anchors = state.anchors()
    statuses = {s.upper() for s in body.statuses} if body.statuses else None
    return state.events_on(lambda lid: anchors[lid], statuses)


def _inbox_routes(router: APIRouter, world: SandboxWorld) -> None:
    """A built-in webhook receiver, so deliveries can be watched without a connector running."""

    @router.post("/webhooks/inbox")
    async def receive(request: Request, status: int = 200) -> JSONResponse:
        """Record the delivery and answer `status` (e.g. 500 to watch TripleSeat re-send)."""
        body = await request.body()
        hooks = world.tripleseat.webhooks
        header = request.headers.get(hooks.settings.header_name)
        check = verify(body, header, [hooks.settings.signing_key], now=world.clock.now().timestamp())
        hooks.inbox.append(
            {
                "received_at": world.clock.now().isoformat(),
                "signature": header,
                "verified": check.ok,
                "scheme": check.scheme,
                "answered": status,
                "body": body.decode("utf-8", "replace"),
            }
        )
        return JSONResponse({"received": len(hooks.inbox)}, status_code=status)

    @router.get("/webhooks/inbox")
    async def inbox() -> dict[str, Any]:
        received = world.tripleseat.webhooks.inbox
        return {"count": len(received), "received": received}
