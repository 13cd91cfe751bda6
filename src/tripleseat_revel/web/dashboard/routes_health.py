"""The Health page: the checks of `tripleseat-revel doctor`, run when the page is opened."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from tripleseat_revel.golive.doctor import check_runtime
from tripleseat_revel.web.dashboard.auth import UserDep
from tripleseat_revel.web.dashboard.views import render, runtime_of

router = APIRouter(include_in_schema=False)
BADGE = {"ok": "state-verified", "fail": "state-failed", "warn": "state-waiting"}
LABEL = {"ok": "OK", "fail": "Fix", "warn": "Note"}


@router.get("/health")
def health_page(request: Request, who: UserDep) -> Response:
    """Every check of `doctor` (reads only; takes a few seconds), failures first."""
    report = check_runtime(runtime_of(request))
    order = {"fail": 0, "warn": 1, "ok": 2}
    checks = sorted(report.checks, key=lambda c: order[c.status])
    return render(
        request,
        "dashboard/health.html",
        {"report": report, "checks": checks, "badge": BADGE, "label": LABEL},
    )
