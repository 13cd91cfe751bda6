"""The admin API for open problems (drift, failures, missed events) and what an operator does with
them: re-sync, amend now, acknowledge. Each is audited with who did it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from tripleseat_revel.integrations.tripleseat.webhooks import MAX_ID
from tripleseat_revel.sync import problems
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.web.api import AUTH_ERRORS, SYNC_RESPONSES, SyncResponse, sync_one
from tripleseat_revel.web.deps import AdminDep, RuntimeDep
from tripleseat_revel.web.errors import AppError, ErrorBody

router = APIRouter(prefix="/api", tags=["admin"])
EventIdPath = Path(gt=0, le=MAX_ID)


class ProblemOut(BaseModel):
    id: int
    name: str | None
    date: str | None
    location: str | None
    state: str
    outcome: str | None
    reason: str | None
    revel_order_id: int | None
    changes: list[str]
    unmapped: list[dict[str, Any]]
    amendable: bool

    @classmethod
    def of(cls, problem: problems.Problem) -> ProblemOut:
        return cls(
            id=problem.event_id,
            name=problem.name,
            date=problem.date,
            location=problem.location,
            state=problem.state,
            outcome=problem.outcome,
            reason=problem.reason,
            revel_order_id=problem.revel_order_id,
            changes=problem.changes,
            unmapped=problem.unmapped,
            amendable=problem.amendable,
        )


class Acknowledgement(BaseModel):
    note: str = Field(default="", max_length=1000, description="why it is fine (kept in the audit trail)")


@router.get("/problems", response_model=list[ProblemOut], responses=AUTH_ERRORS)
async def list_problems(rt: RuntimeDep, _who: AdminDep) -> list[ProblemOut]:
    """Open drifts, failures and missed events (30 days back and ahead), with what differs."""
    found = await run_in_threadpool(problems.open_problems, rt)
    return [ProblemOut.of(p) for p in found]


@router.post("/events/{event_id}/resync", response_model=SyncResponse, responses=SYNC_RESPONSES)
async def resync(rt: RuntimeDep, who: AdminDep, event_id: int = EventIdPath) -> Any:
    """Sync the event now and answer its result. Unlike `GET /api/sync/tripleseat?event_id=`, a
    standing drift, failure or resolution does not stand in the way: the event's Revel order is read
    and compared with it again (never written, unless it was left unfinished)."""
    source = f"api: {who}"[:40]
    return await run_in_threadpool(lambda: sync_one(rt, event_id, False, source=source, ask="recheck"))


def _amend(rt: Runtime, event_id: int, who: str) -> Any:
    found = problems.problem_of(rt, event_id)
    if found is None or not found.amendable:
        raise AppError(f"event {event_id} has no drift on an existing order to amend", 409)
    return sync_one(rt, event_id, False, source=f"amend: {who}"[:40], ask="amend")


@router.post(
    "/events/{event_id}/amend",
    response_model=SyncResponse,
    responses={**SYNC_RESPONSES, 409: {"model": ErrorBody, "description": "nothing to amend"}},
)
async def amend(rt: RuntimeDep, who: AdminDep, event_id: int = EventIdPath) -> Any:
    """Make the event's Revel order follow the event now, whatever the location's `on_change`
    (what Revel cannot change stays a drift, with the reason)."""
    return await run_in_threadpool(_amend, rt, event_id, who)


def _acknowledge(rt: Runtime, event_id: int, who: str, note: str) -> ProblemOut:
    resolved = problems.acknowledge(rt, event_id, by=who, note=note)
    if resolved is None:
        raise AppError(f"event {event_id} has no open problem", 404)
    return ProblemOut.of(resolved)


@router.post(
    "/events/{event_id}/acknowledge",
    response_model=ProblemOut,
    responses={**AUTH_ERRORS, 404: {"model": ErrorBody, "description": "no open problem"}},
)
async def acknowledge(
    body: Acknowledgement, rt: RuntimeDep, who: AdminDep, event_id: int = EventIdPath
) -> ProblemOut:
    """Resolve an open problem by hand (audited): it stays resolved until the event changes again.
    Answers the problem as it was."""
    return await run_in_threadpool(_acknowledge, rt, event_id, who, body.note)
