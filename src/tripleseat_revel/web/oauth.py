"""TripleSeat onboarding in the browser: `GET /oauth/start` (a logged-in dashboard session asks
for an authorisation link) and `GET /oauth/callback` (TripleSeat sends the admin back with a code;
the same session must be there to use it). See integrations/tripleseat/onboarding.py."""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from starlette.responses import RedirectResponse, Response

from tripleseat_revel.config import ConfigError
from tripleseat_revel.integrations.tripleseat.onboarding import (
    OnboardingError,
    authorize_url,
    complete,
    issue_state,
)
from tripleseat_revel.kit.http import VendorError
from tripleseat_revel.logging import get_logger, safe_error
from tripleseat_revel.web.dashboard.auth import UserDep
from tripleseat_revel.web.dashboard.session import Session, read_session

log = get_logger(__name__)
router = APIRouter(tags=["oauth"])

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>TripleSeat connection</title></head>
<body style="font-family:system-ui;max-width:40rem;margin:3rem auto">
<h1>{title}</h1><p>{text}</p></body></html>"""
LOG_IN_FIRST = "Log in to the dashboard in this browser, then open /oauth/start to connect TripleSeat."


def _page(title: str, text: str, status: int) -> HTMLResponse:
    return HTMLResponse(PAGE.format(title=escape(title), text=escape(text)), status_code=status)


def _browser_session(request: Request) -> Session | None:
    """The logged-in dashboard session of this browser (a Bearer token is not a browser)."""
    session = getattr(request.state, "dashboard_session", None) or read_session(
        request, request.app.state.runtime.settings
    )
    return session if session is not None and session.logged_in else None


@router.get("/oauth/start", include_in_schema=False)
def oauth_start(request: Request, who: UserDep) -> Response:
    """Send the logged-in operator to TripleSeat with a state only their session can use."""
    session = _browser_session(request)
    if session is None:
        return _page("Open this in the dashboard", LOG_IN_FIRST, 403)
    rt = request.app.state.runtime
    state = issue_state(rt.db, session.csrf, rt.clock())
    try:
        url = authorize_url(rt.settings, state, rt.settings.PUBLIC_URL or str(request.base_url))
    except ConfigError as exc:
        return _page("TripleSeat onboarding is not configured", str(exc), 503)
    log.info("oauth.start", user=who)
    return RedirectResponse(url, status_code=303)


@router.get("/oauth/callback", response_class=HTMLResponse, include_in_schema=False)
async def oauth_callback(request: Request, code: str = "", state: str = "", error: str = "") -> HTMLResponse:
    """Exchange the authorization code for tokens and store them."""
    if error:
        return _page("TripleSeat did not authorise the connector", f"TripleSeat said: {error}", 400)
    if not code or not state:
        return _page("Missing code", "Start from /oauth/start in the dashboard.", 400)
    session = _browser_session(request)
    if session is None:
        log.warning("oauth.callback.refused", reason="not logged in")
        return _page("Log in first", LOG_IN_FIRST, 401)
    rt = request.app.state.runtime
    base = rt.settings.PUBLIC_URL or str(request.base_url).rstrip("/")
    try:
        grant = (code, state, session.csrf)
        await run_in_threadpool(complete, rt.settings, rt.db, rt.tripleseat, grant, rt.clock(), base)
    except (OnboardingError, VendorError) as exc:
        log.warning("oauth.callback.failed", error=type(exc).__name__, user=session.user)
        return _page("The connection failed", safe_error(exc), 400)
    log.info("oauth.callback.connected", user=session.user)
    return _page(
        "TripleSeat is connected", "The tokens are stored; the connector will use and rotate them.", 200
    )
