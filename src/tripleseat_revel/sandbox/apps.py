"""The two FastAPI apps over one world: each with its vendor routes, its control routes and the
fault / rate-limit / stats middleware. Use them in-process with `httpx.ASGITransport(app)` or
serve them with `server.serve_in_thread`."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.types import Scope

from tripleseat_revel.sandbox.control import create_control_router
from tripleseat_revel.sandbox.faults import GuardMiddleware
from tripleseat_revel.sandbox.http import Denied
from tripleseat_revel.sandbox.revel.control import create_revel_control_router
from tripleseat_revel.sandbox.revel.routes import create_revel_router
from tripleseat_revel.sandbox.tripleseat.control import create_tripleseat_control_router
from tripleseat_revel.sandbox.tripleseat.routes import create_api_router, create_oauth_router
from tripleseat_revel.sandbox.world import SandboxWorld


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _query_value(scope: Scope, name: str) -> str | None:
    values = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1")).get(name)
    return values[0] if values else None


async def _denied(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Denied)
    return exc.response


def _app(title: str) -> FastAPI:
    app = FastAPI(
        title=title, docs_url="/_sandbox/docs", openapi_url="/_sandbox/openapi.json", redoc_url=None
    )
    app.add_exception_handler(Denied, _denied)
    return app


def create_tripleseat_app(world: SandboxWorld) -> FastAPI:
    """TripleSeat: `/oauth2/*`, `/v1/*` and `/_sandbox/*`."""
    app = _app("TripleSeat sandbox")
    vendor_routers = [create_oauth_router(world), create_api_router(world)]
    for router in vendor_routers:
        app.include_router(router)
    app.include_router(create_control_router(world, "tripleseat"))
    app.include_router(create_tripleseat_control_router(world))

    def credential(scope: Scope) -> str:
        # The limit is per API credential: the client behind the Bearer token.
        _, _, token = (_header(scope, b"authorization") or "").partition(" ")
        client = world.tripleseat.oauth.client_of(token.strip())
        return f"client:{client}" if client else "anonymous"

    app.add_middleware(
        GuardMiddleware,
        guard=world.tripleseat_guard,
        key_func=credential,
        routes=[r for router in vendor_routers for r in router.routes],
    )
    return app


def create_revel_app(world: SandboxWorld) -> FastAPI:
    """Revel: `/resources/*`, `/enterprise/*`, `/products/*`, `/specialresources/cart/*` and
    `/_sandbox/*`."""
    app = _app("Revel sandbox")
    vendor_router = create_revel_router(world)
    app.include_router(vendor_router)
    app.include_router(create_control_router(world, "revel"))
    app.include_router(create_revel_control_router(world))

    def api_key(scope: Scope) -> str:
        header = _header(scope, b"api-authentication")
        key = header.partition(":")[0] if header else _query_value(scope, "api_key")
        return f"key:{key}" if key else "anonymous"

    app.add_middleware(
        GuardMiddleware, guard=world.revel_guard, key_func=api_key, routes=vendor_router.routes
    )
    return app
