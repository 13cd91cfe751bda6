"""`GET /api/doctor`: the checks of `tripleseat-revel doctor`, run now against the live vendors
(reads only). Admin token."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from tripleseat_revel.golive.doctor import check_runtime
from tripleseat_revel.web.api import AUTH_ERRORS
from tripleseat_revel.web.deps import AdminDep, RuntimeDep

router = APIRouter(prefix="/api", tags=["admin"])


class DoctorCheck(BaseModel):
    area: str
    name: str
    status: Literal["ok", "fail", "warn"]
    detail: str
    fix: str


class DoctorReport(BaseModel):
    ok: bool  # no check failed
    counts: dict[str, int]
    seconds: float
    checks: list[DoctorCheck]


@router.get("/doctor", response_model=DoctorReport, responses=AUTH_ERRORS)
async def doctor(rt: RuntimeDep, _who: AdminDep) -> Any:
    """Every check of `tripleseat-revel doctor`: each with ok / fail / warn and, for a failure, its fix."""
    report = await run_in_threadpool(check_runtime, rt)
    return report.to_json()
