"""The operator dashboard: server-rendered pages (Jinja2, plain HTML forms, no JavaScript).

`install(app)` adds the pages, the static files and the login redirect to the FastAPI app. The
pages stay out of the OpenAPI document: the published contract is the JSON API.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import RedirectResponse, Response

from tripleseat_revel.web.dashboard import (
    routes_auth,
    routes_events,
    routes_health,
    routes_mappings,
    routes_ops,
)
from tripleseat_revel.web.dashboard.auth import CsrfRejected, LoginRequired
from tripleseat_revel.web.dashboard.views import render_anonymous

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def install(app: FastAPI) -> None:
    """Mount the dashboard on `app`."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (routes_auth, routes_events, routes_ops, routes_mappings, routes_health):
        app.include_router(module.router)

    @app.exception_handler(LoginRequired)
    async def _to_login(_request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(exc.next_url, status_code=303)

    @app.exception_handler(CsrfRejected)
    async def _forbidden(request: Request, _exc: CsrfRejected) -> Response:
        return render_anonymous(request, "dashboard/forbidden.html", {}, 403)
