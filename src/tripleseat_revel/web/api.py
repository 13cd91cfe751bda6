"""The admin API (Bearer ADMIN_TOKEN): on-demand sync, event state, runs, switches, mappings."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from tripleseat_revel.integrations.tripleseat.webhooks import MAX_ID
from tripleseat_revel.kit.http import VendorError
from tripleseat_revel.logging import safe_error
from tripleseat_revel.models import SyncRun
from tripleseat_revel.sync import ledger
from tripleseat_revel.sync.context import Ask, Runtime
from tripleseat_revel.sync.mappings import blocked_by, mapping_problem, save_mapping
from tripleseat_revel.sync.preview import preview_bulk, preview_single
from tripleseat_revel.sync.results import EventResult, summarise
from tripleseat_revel.sync.switches import read_switches, set_switch
from tripleseat_revel.web.deps import AdminDep, EngineDep, RuntimeDep
from tripleseat_revel.web.errors import AppError, ErrorBody
from tripleseat_revel.worker import bulk
from tripleseat_revel.worker.engine import Engine
from tripleseat_revel.worker.queues import TERMINAL, wait_for
from tripleseat_revel.worker.trigger import sync_and_wait

router = APIRouter(prefix="/api", tags=["admin"])
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "missing or invalid admin token"},
    503: {"model": ErrorBody, "description": "ADMIN_TOKEN not configured"},
}


class EventOutcome(BaseModel):
    id: int
    name: str | None = None
    date: str | None = None
    status: str
    outcome: str | None = None
    revel_order_id: int | None = None
    reason: str | None = None
    error: str | None = None
    workflow_id: str | None = None
    plan: dict[str, Any] | None = None


class Summary(BaseModel):
    queried: int
    injected: int
    skipped: int
    failed: int


class SyncResponse(BaseModel):
    success: bool
    mode: Literal["single", "bulk"]
    summary: Summary
    events: list[EventOutcome]
    dry_run: bool = False
    error: str | None = Field(default=None, description="why a bulk run could not sync (the vendors failed)")


class Accepted(BaseModel):
    run_id: str
    status: str = "running"
    status_url: str
    mode: Literal["single", "bulk"]


def sync_one(
    rt: Runtime, event_id: int, dry_run: bool, *, source: str = "api", ask: Ask | None = None
) -> Any:
    if dry_run:
        return preview_single(rt, event_id)
    done = sync_and_wait(rt, event_id, source=source, timeout=rt.settings.SYNC_WAIT_SECONDS, ask=ask)
    if done.result is not None:
        return summarise("single", [done.result])
    run_id = done.request.workflow_id
    return JSONResponse(
        Accepted(run_id=run_id, mode="single", status_url=f"/api/sync/runs/{run_id}").model_dump(), 202
    )


def _bulk(rt: Runtime, engine: Engine, hours_back: int, dry_run: bool) -> Any:
    if dry_run:
        return preview_bulk(rt, hours_back)
    run_id = bulk.start_bulk(rt, engine.workflows.bulk_sync, hours_back, source="api")
    state, result = wait_for(run_id, rt.settings.SYNC_WAIT_SECONDS)
    if isinstance(result, dict):
        return result
    return JSONResponse(
        Accepted(run_id=run_id, mode="bulk", status_url=f"/api/sync/runs/{run_id}").model_dump(),
        202,
    )


SYNC_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTH_ERRORS,
    202: {"model": Accepted, "description": "still running: poll status_url"},
    422: {"description": "bad parameters"},
}


EventIdQuery = Query(default=None, gt=0, le=MAX_ID, description="sync one event")
HoursBackQuery = Query(default=48, ge=1, le=24 * 90, description="bulk: events updated in the last N hours")
DryRunQuery = Query(default=False, description="plan only; write nothing")


async def sync_tripleseat(
    rt: RuntimeDep,
    engine: EngineDep,
    _who: AdminDep,
    event_id: int | None = EventIdQuery,
    hours_back: int = HoursBackQuery,
    dry_run: bool = DryRunQuery,
) -> Any:
    """On-demand sync: one event (`event_id`) or every recently updated event (`hours_back`).

    GET and POST behave the same (the replaced system's clients use both)."""
    if event_id is not None:
        return await run_in_threadpool(sync_one, rt, event_id, dry_run)
    return await run_in_threadpool(_bulk, rt, engine, hours_back, dry_run)


for _method in ("GET", "POST"):
    router.add_api_route(
        "/sync/tripleseat",
        sync_tripleseat,
        methods=[_method],
        response_model=SyncResponse,
        responses=SYNC_RESPONSES,
        operation_id=f"sync_tripleseat_{_method.lower()}",
    )


def _run_status(rt: Runtime, run_id: str) -> Any:
    with rt.db.session() as session:
        run = session.get(SyncRun, run_id)
        stored = (run.status, run.result) if run is not None else None
    state, result = wait_for(run_id, 0)
    if stored is not None:
        if stored[1] is not None:
            return stored[1]
        if state in TERMINAL:  # it ended without storing its summary: say so, never "running"
            raise AppError(f"sync run {run_id} ended ({state.lower()}) without a result; see each event", 500)
        return JSONResponse({"run_id": run_id, "status": stored[0], **bulk.progress(run_id)}, 202)
    if state == "UNKNOWN":
        raise AppError(f"no sync run {run_id}", 404)
    if isinstance(result, EventResult):
        return summarise("single", [result])
    if state in TERMINAL:
        raise AppError(f"sync run {run_id} ended ({state.lower()}) without a result; see the event", 500)
    return JSONResponse({"run_id": run_id, "status": state.lower()}, 202)


@router.get(
    "/sync/runs/{run_id}",
    response_model=SyncResponse,
    responses={**AUTH_ERRORS, 202: {"description": "still running"}, 404: {"model": ErrorBody}},
)
async def sync_run(run_id: str, rt: RuntimeDep, _who: AdminDep) -> Any:
    """The result of a sync that answered 202."""
    return await run_in_threadpool(_run_status, rt, run_id)


class AuditItem(BaseModel):
    at: str
    kind: str
    message: str
    correlation_id: str | None = None
    workflow_id: str | None = None
    data: dict[str, Any] | None = None


class EventState(BaseModel):
    id: int
    name: str | None
    date: str | None
    location: str | None
    ts_status: str | None
    state: str
    outcome: str | None
    reason: str | None
    revel_order_id: int | None
    local_id: str | None
    plan: dict[str, Any] | None
    verified_plan: dict[str, Any] | None = Field(
        description="the last plan Revel's own answers showed the order to hold"
    )
    injected_plan: dict[str, Any] | None = Field(description="the same as verified_plan (its former name)")
    drift: dict[str, Any] | None
    unmapped: list[Any] | None
    attempts: int
    last_error: str | None
    last_synced_at: str | None
    audit: list[AuditItem]


def _event_state(rt: Runtime, event_id: int) -> EventState:
    with rt.db.session() as session:
        record = ledger.get_record(session, event_id)
        if record is None:
            raise AppError(f"event {event_id} has never been synced", 404)
        trail = [
            AuditItem(
                at=e.at.isoformat(),
                kind=e.kind,
                message=e.message,
                correlation_id=e.correlation_id,
                workflow_id=e.workflow_id,
                data=e.data,
            )
            for e in ledger.audit_trail(session, event_id)
        ]
        return EventState(
            id=record.event_id,
            name=record.name,
            date=record.event_date,
            location=record.location_name,
            ts_status=record.ts_status,
            state=record.state,
            outcome=record.outcome,
            reason=record.reason,
            revel_order_id=record.revel_order_id,
            local_id=record.local_id,
            plan=record.plan,
            verified_plan=record.verified_plan,
            injected_plan=record.verified_plan,
            drift=record.drift,
            unmapped=record.unmapped,
            attempts=record.attempts,
            last_error=record.last_error,
            last_synced_at=record.last_synced_at.isoformat() if record.last_synced_at else None,
            audit=trail,
        )


@router.get(
    "/events/{event_id}",
    response_model=EventState,
    responses={**AUTH_ERRORS, 404: {"model": ErrorBody}},
)
async def event_state(rt: RuntimeDep, _who: AdminDep, event_id: int = Path(gt=0, le=MAX_ID)) -> EventState:
    """An event's sync state, plan, Revel order id, drift and audit trail."""
    return await run_in_threadpool(_event_state, rt, event_id)


class SwitchesBody(BaseModel):
    DRY_RUN: bool | None = None
    ENABLE_CONNECTOR: bool | None = None
    LOCATION_OVERRIDE: bool | None = None


def _switches(rt: Runtime) -> dict[str, bool]:
    with rt.db.session() as session:
        s = read_switches(session, rt.settings)
    return {
        "DRY_RUN": s.dry_run,
        "ENABLE_CONNECTOR": s.enabled,
        "LOCATION_OVERRIDE": s.location_override,
    }


@router.get("/switches", responses=AUTH_ERRORS)
async def get_switches(rt: RuntimeDep, _who: AdminDep) -> dict[str, bool]:
    """The switches in force."""
    return await run_in_threadpool(_switches, rt)


def _set_switches(rt: Runtime, body: SwitchesBody, who: str) -> dict[str, bool]:
    with rt.db.session() as session:
        for name, value in body.model_dump(exclude_none=True).items():
            set_switch(session, name, value, by=who)
    return _switches(rt)


@router.put("/switches", responses=AUTH_ERRORS)
async def put_switches(body: SwitchesBody, rt: RuntimeDep, who: AdminDep) -> dict[str, bool]:
    """Change switches at run time (persisted and audited)."""
    return await run_in_threadpool(_set_switches, rt, body, who)


class MappingBody(BaseModel):
    menu_item_id: int = Field(gt=0, le=MAX_ID)
    revel_product: int = Field(gt=0, le=MAX_ID)
    establishment: int | None = Field(default=None, gt=0, le=MAX_ID)
    item_name: str | None = None


def _save_mapping(rt: Runtime, body: MappingBody, who: str) -> dict[str, Any]:
    try:
        problem = mapping_problem(rt, body.revel_product, body.establishment)
    except VendorError as exc:
        raise AppError(
            f"Revel could not be reached to check product {body.revel_product}: {safe_error(exc)}", 503
        ) from exc
    if problem is not None:
        raise AppError(problem, 404)
    save_mapping(
        rt,
        menu_item_id=body.menu_item_id,
        revel_product=body.revel_product,
        establishment=body.establishment,
        item_name=body.item_name,
        by=who,
    )
    return {"saved": body.model_dump(), "events_to_retry": blocked_by(rt)}


@router.post("/mappings", responses={**AUTH_ERRORS, 404: {"model": ErrorBody}})
async def post_mapping(body: MappingBody, rt: RuntimeDep, who: AdminDep) -> dict[str, Any]:
    """Save a menu item -> Revel product mapping (used by the next sync; audited)."""
    return await run_in_threadpool(_save_mapping, rt, body, who)
