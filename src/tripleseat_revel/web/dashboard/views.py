"""Rendering: the Jinja environment, its filters, and `render` (a page with the shared context)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from tripleseat_revel.kit.money import money_text, quantity_text
from tripleseat_revel.kit.states import STATE_LABELS as STATE_LABELS
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.web.dashboard import queries
from tripleseat_revel.web.dashboard.session import (
    add_flash,
    clear_flash,
    new_session,
    take_flash,
    write_session,
)

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


# Browsers load nothing from elsewhere and run no script: the pages are plain HTML and forms.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def local_time(value: datetime | None, tz: str | None = None, fmt: str = "%a %d %b %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(tz) if tz else UTC).strftime(fmt)


def day_label(value: str | None, today: date | None = None) -> str:
    """'2026-11-25' -> 'Today', 'Tomorrow', or 'Wed 25 Nov'."""
    if not value:
        return "no date"
    day = date.fromisoformat(value)
    today = today or datetime.now(UTC).date()
    names = {0: "Today", 1: "Tomorrow", -1: "Yesterday"}
    return names.get((day - today).days, day.strftime("%a %d %b %Y"))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=money_text, quantity=quantity_text, local_time=local_time, day_label=day_label)
    env.globals.update(STATE_LABELS=STATE_LABELS)
    return env


templates = Jinja2Templates(env=_environment())


def runtime_of(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


def _base_context(request: Request, rt: Runtime) -> dict[str, Any]:
    session = getattr(request.state, "dashboard_session", None)
    return {
        "user": getattr(request.state, "session_user", None) or "API token",
        "csrf_token": session.csrf if session is not None else "",
        "flash": take_flash(request, rt.settings),
        "switches": queries.switches(rt),
        "attention": queries.attention_count(rt),
        "path": request.url.path,
    }


def _respond(request: Request, template: str, context: dict[str, Any], status: int) -> Response:
    response = templates.TemplateResponse(request, template, context, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    if context["flash"] is not None:
        clear_flash(response, request)  # shown once
    return response


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    """A dashboard page: the template with the shared context (user, CSRF, flash, switches)."""
    return _respond(request, template, {**_base_context(request, runtime_of(request)), **context}, status)


def render_anonymous(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page for someone not logged in (login, errors): gives them a session for the form's CSRF."""
    rt = runtime_of(request)
    session = getattr(request.state, "dashboard_session", None) or new_session()
    full = {"user": None, "csrf_token": session.csrf, "flash": take_flash(request, rt.settings), **context}
    response = _respond(request, template, full, status)
    write_session(response, request, rt.settings, session)
    return response


def redirect(request: Request, url: str, flash: tuple[str, str] | None = None) -> RedirectResponse:
    """303 to `url` (after a form), leaving an optional (level, text) message for it."""
    response = RedirectResponse(url, status_code=303)
    if flash is not None:
        add_flash(response, request, runtime_of(request).settings, *flash)
    return response
