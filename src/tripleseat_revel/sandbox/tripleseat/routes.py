"""TripleSeat's HTTP surface: OAuth 2.0 endpoints and the `/v1/*` resources. Thin: parse, call
the state, serialise. Every `/v1/*` call needs `Authorization: Bearer <token>`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from tripleseat_revel.sandbox.http import Denied
from tripleseat_revel.sandbox.tripleseat import render
from tripleseat_revel.sandbox.tripleseat.oauth import AuthFailure, OAuthError
from tripleseat_revel.sandbox.tripleseat.search import SearchError
from tripleseat_revel.sandbox.tripleseat.state import EventNotFound

if TYPE_CHECKING:
    from tripleseat_revel.sandbox.world import SandboxWorld

LOGIN_PAGE = """<!DOCTYPE html>
<html><head><title>Tripleseat | Log In</title></head>
<body><form action="/login" method="post"><h1>Log in to Tripleseat</h1>
<input name="email" type="email"><input name="password" type="password">
<button type="submit">Log In</button></form></body></html>
"""


def _truthy(value: str | None) -> bool:
    return (value or "").lower() in {"true", "1", "yes"}


def create_oauth_router(world: SandboxWorld) -> APIRouter:
    router = APIRouter(tags=["tripleseat oauth"])

    async def token(request: Request) -> JSONResponse:
        params = await _token_params(request)
        try:
            body = world.tripleseat.oauth.token(params, request.headers.get("authorization"))
        except OAuthError as exc:
            return JSONResponse(exc.body, status_code=exc.status)
        return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    # /oauth/token is the older path some clients use (reference/tripleseat-api.md §1).
    router.add_api_route("/oauth2/token", token, methods=["POST"])
    router.add_api_route("/oauth/token", token, methods=["POST"])

    @router.get("/oauth2/authorize")
    async def authorize(request: Request) -> Response:
        try:
            location = world.tripleseat.oauth.authorize(dict(request.query_params))
        except OAuthError as exc:
            return JSONResponse(exc.body, status_code=exc.status)
        return RedirectResponse(location, status_code=302)

    return router


async def _token_params(request: Request) -> dict[str, str]:
    if "json" in request.headers.get("content-type", ""):
        try:
            data = json.loads(await request.body() or b"{}")
        except ValueError:
            data = {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def create_api_router(world: SandboxWorld) -> APIRouter:
    async def require_token(request: Request) -> None:
        state = world.tripleseat
        try:
            state.oauth.check(request.headers.get("authorization"), state.settings.oauth_variant)
        except AuthFailure as exc:
            raise Denied(_denied(exc, state.settings.auth_failure_style)) from exc

    router = APIRouter(prefix="/v1", dependencies=[Depends(require_token)], tags=["tripleseat"])
    _event_routes(router, world)
    _account_routes(router, world)
    return router


def _denied(exc: AuthFailure, style: str) -> Response:
    if style == "html" and not exc.owner_missing:
        # Some real auth failures answer with the login page, 200 text/html (revel-conn logs).
        return HTMLResponse(LOGIN_PAGE, status_code=200)
    challenge = 'Bearer realm="Doorkeeper", error="invalid_token"'
    return JSONResponse(exc.body, status_code=401, headers={"WWW-Authenticate": challenge})


def _not_found() -> JSONResponse:
    return JSONResponse({"error": "Not Found"}, status_code=404)


def _page(total_pages: int, results: list[dict[str, Any]]) -> dict[str, Any]:
    return {"total_pages": total_pages, "results": results}


def _event_routes(router: APIRouter, world: SandboxWorld) -> None:
    async def search_events(request: Request) -> JSONResponse:
        state = world.tripleseat
        try:
            total, found = state.search(request.query_params.getlist)
        except SearchError as exc:
            return JSONResponse({"errors": exc.errors}, status_code=422)
        financial = _truthy(request.query_params.get("show_financial"))
        return JSONResponse(_page(total, [state.render(ev, financial=financial) for ev in found]))

    async def list_events(request: Request) -> JSONResponse:
        state = world.tripleseat
        page_text = request.query_params.get("page", "1")
        total, found = state.page(int(page_text) if page_text.isdigit() else 1)
        financial = _truthy(request.query_params.get("show_financial"))
        return JSONResponse(_page(total, [state.render(ev, financial=financial) for ev in found]))

    async def get_event(event_id: int, request: Request) -> JSONResponse:
        state = world.tripleseat
        try:
            ev = state.get(event_id)
        except EventNotFound:
            return _not_found()
        financial = _truthy(request.query_params.get("show_financial"))
        return JSONResponse({"event": state.render(ev, financial=financial)})

    async def put_event(event_id: int, request: Request) -> JSONResponse:
        # Only status, name and guest_count: what integrations are seen changing (auto-close).
        body = await request.json()
        fields = body.get("event", {}) if isinstance(body, dict) else {}
        state = world.tripleseat
        try:
            ev = state.update(
                event_id,
                status=_status(fields),
                name=fields.get("name"),
                guest_count=fields.get("guest_count"),
            )
        except EventNotFound:
            return _not_found()
        return JSONResponse({"event": state.render(ev, financial=False)})

    for suffix in (".json", ""):
        router.add_api_route(f"/events/search{suffix}", search_events, methods=["GET"])
        router.add_api_route(f"/events{suffix}", list_events, methods=["GET"])
        router.add_api_route(f"/events/{{event_id:int}}{suffix}", get_event, methods=["GET"])
        router.add_api_route(f"/events/{{event_id:int}}{suffix}", put_event, methods=["PUT"])


def _status(fields: dict[str, Any]) -> str | None:
    value = fields.get("status")
    return str(value).upper() if value else None


def _account_routes(router: APIRouter, world: SandboxWorld) -> None:
    async def locations() -> JSONResponse:
        state = world.tripleseat
        items = [render.render_location(loc, state.sites[loc.site_id]) for loc in state.locations.values()]
        wrapped = state.settings.locations_wrapped
        return JSONResponse([{"location": i} for i in items] if wrapped else items)

    async def location(location_id: int) -> JSONResponse:
        state = world.tripleseat
        loc = state.locations.get(location_id)
        if loc is None:
            return _not_found()
        return JSONResponse({"location": render.render_location(loc, state.sites[loc.site_id])})

    async def sites() -> JSONResponse:
        state = world.tripleseat
        locs = list(state.locations.values())
        items = [render.render_site(site, locs) for site in state.sites.values()]
        return JSONResponse([{"site": i} for i in items] if state.settings.sites_wrapped else items)

    for suffix in (".json", ""):
        router.add_api_route(f"/locations{suffix}", locations, methods=["GET"])
        router.add_api_route(f"/locations/{{location_id:int}}{suffix}", location, methods=["GET"])
        router.add_api_route(f"/sites{suffix}", sites, methods=["GET"])
