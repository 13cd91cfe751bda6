"""Who is using the dashboard: the session cookie (or a Bearer token), and CSRF on every form.

The session authenticates the dashboard's pages only. The JSON API stays Bearer-only on purpose:
`GET /api/sync/tripleseat` acts, and a cookie sent along with a cross-site link must not make it.
"""

from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Form, Request

from tripleseat_revel.web.dashboard.session import Session, read_session
from tripleseat_revel.web.deps import RuntimeDep, require_admin
from tripleseat_revel.web.errors import AppError

BEARER = "api"  # what require_admin answers for a Bearer token


class LoginRequired(Exception):
    """Not logged in: the browser is sent to the login page, then back to `next_url`."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class CsrfRejected(Exception):
    """A form came without the session's CSRF token (forged, or from an expired session)."""


def safe_next(target: str | None) -> str:
    """A local path to go back to (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def login_url(request: Request) -> str:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login?next=" + quote(safe_next(here), safe="/")


def current_user(request: Request, rt: RuntimeDep) -> str:
    """The logged-in operator (from the session), or `api` with a Bearer token; else to login."""
    session = read_session(request, rt.settings)
    request.state.dashboard_session = session
    if session is not None and session.user:
        request.state.session_user = session.user
    try:
        return require_admin(request, rt)
    except AppError as exc:
        raise LoginRequired(login_url(request)) from exc


UserDep = Annotated[str, Depends(current_user)]


def csrf_matches(session: Session | None, presented: str) -> bool:
    if session is None or not presented:
        return False
    return hmac.compare_digest(session.csrf.encode(), presented.encode())


def checked_user(request: Request, who: UserDep, csrf_token: Annotated[str, Form()] = "") -> str:
    """`current_user` for a form POST: the form must carry the session's CSRF token."""
    if who == BEARER:
        return who  # a script with the token, no browser involved
    if not csrf_matches(request.state.dashboard_session, csrf_token):
        raise CsrfRejected
    return who


FormUserDep = Annotated[str, Depends(checked_user)]


def actor(who: str) -> str:
    """How the audit trail names a dashboard user."""
    return "api token (dashboard)" if who == BEARER else f"{who} (dashboard)"
