"""Request dependencies: the runtime, and the admin token (constant-time, never open)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.web.errors import AppError
from tripleseat_revel.web.throttle import auth_failed, auth_succeeded, throttled
from tripleseat_revel.worker.engine import Engine


def get_runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_engine(request: Request) -> Engine:
    """This process's durable-execution engine (`serve` launches it; without one, 503)."""
    engine: Engine | None = getattr(request.app.state, "engine", None)
    if engine is None:
        raise AppError("the sync engine is not running in this process", 503)
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]


def token_matches(rt: Runtime, presented: str | None) -> bool:
    expected = rt.settings.ADMIN_TOKEN
    if expected is None or not presented:
        return False
    return hmac.compare_digest(presented.encode(), expected.get_secret_value().encode())


def _bearer_ok(request: Request, rt: Runtime, token: str) -> bool:
    """Check a presented Bearer token, unless this client guessed wrong too often (429)."""
    wait = throttled(request, "bearer")
    if wait is not None:
        raise AppError("too many failed attempts; try again later", 429, headers={"Retry-After": str(wait)})
    if token_matches(rt, token):
        auth_succeeded(request)
        return True
    auth_failed(request, "bearer")
    return False


def require_admin(request: Request, rt: RuntimeDep) -> str:
    """Bearer ADMIN_TOKEN, or the dashboard's signed session. Returns who is acting."""
    if rt.settings.ADMIN_TOKEN is None:
        raise AppError("ADMIN_TOKEN is not configured: the admin API stays closed", 503)
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip() and _bearer_ok(request, rt, token.strip()):
        return "api"
    session_user = getattr(request.state, "session_user", None)
    if session_user:
        return str(session_user)
    raise AppError("missing or invalid admin token", 401, headers={"WWW-Authenticate": "Bearer"})


AdminDep = Annotated[str, Depends(require_admin)]
