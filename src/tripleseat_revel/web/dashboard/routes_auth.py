"""Logging in with the admin token, and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from tripleseat_revel.logging import get_logger
from tripleseat_revel.web.dashboard.auth import FormUserDep, csrf_matches, safe_next
from tripleseat_revel.web.dashboard.session import (
    clear_session,
    new_session,
    read_session,
    token_tag,
    write_session,
)
from tripleseat_revel.web.dashboard.views import redirect, render_anonymous, runtime_of
from tripleseat_revel.web.deps import token_matches
from tripleseat_revel.web.throttle import auth_failed, auth_succeeded, throttled

log = get_logger(__name__)
router = APIRouter(include_in_schema=False)
NAME_MAX = 40


def _login_page(request: Request, next_url: str, error: str | None = None, status: int = 200) -> Response:
    rt = runtime_of(request)
    configured = rt.settings.ADMIN_TOKEN is not None
    context = {"next_url": safe_next(next_url), "error": error, "configured": configured}
    return render_anonymous(request, "dashboard/login.html", context, status if configured else 503)


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    """The login page (the admin token, and a name for the audit trail)."""
    request.state.dashboard_session = read_session(request, runtime_of(request).settings)
    return _login_page(request, next)


@router.post("/login")
def login(
    request: Request,
    token: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Open a session for whoever presents the admin token."""
    rt = runtime_of(request)
    session = read_session(request, rt.settings)
    request.state.dashboard_session = session
    wait = throttled(request, "login")
    if wait is not None:
        page = _login_page(request, next, f"Too many failed attempts; try again in {wait} seconds.", 429)
        page.headers["Retry-After"] = str(wait)
        return page
    if not csrf_matches(session, csrf_token):
        return _login_page(request, next, "The form expired; please try again.", 403)
    if not token_matches(rt, token.strip()):
        auth_failed(request, "login")
        return _login_page(request, next, "That is not the admin token.", 401)
    auth_succeeded(request)
    user = " ".join(name.split())[:NAME_MAX] or "operator"
    response = redirect(request, safe_next(next), ("success", f"Logged in as {user}."))
    write_session(response, request, rt.settings, new_session(user, token_tag(request, rt.settings)))
    log.info("dashboard.login", user=user)
    return response


@router.post("/logout")
def logout(request: Request, who: FormUserDep) -> Response:
    """End the session."""
    response = redirect(request, "/login", ("info", "Logged out."))
    clear_session(response, request)
    log.info("dashboard.logout", user=who)
    return response
