"""Liveness, readiness and metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.worker.engine import Engine

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


def _ready(rt: Runtime, engine: Engine | None) -> dict[str, Any]:
    checks: dict[str, Any] = {}
    try:
        rt.db.ping()
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}"
    checks["engine"] = "ok" if engine is not None else "not launched"
    return checks


@router.get("/readyz", responses={503: {"description": "database or engine unavailable"}})
async def readyz(request: Request) -> Any:
    """The database and the durable-execution engine are reachable."""
    checks = await run_in_threadpool(_ready, request.app.state.runtime, request.app.state.engine)
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status_code=200 if ready else 503
    )


@router.get("/metrics", response_class=Response)
async def metrics() -> Response:
    """Prometheus metrics."""
    # The queue gauges query the database at scrape time: keep that off the event loop.
    return Response(await run_in_threadpool(generate_latest), media_type=CONTENT_TYPE_LATEST)
