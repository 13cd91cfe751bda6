"""Revel's HTTP surface: Tastypie resources under /resources, /enterprise and /products, and the
cart API. Thin: authenticate, parse, call the state, serialise."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from tripleseat_revel.sandbox.http import Denied
from tripleseat_revel.sandbox.revel import cart
from tripleseat_revel.sandbox.revel.errors import RevelError
from tripleseat_revel.sandbox.revel.resources import SPECS, ResourceSpec

if TYPE_CHECKING:
    from tripleseat_revel.sandbox.world import SandboxWorld

Handler = Callable[..., Awaitable[Response]]


def create_revel_router(world: SandboxWorld) -> APIRouter:
    async def require_key(request: Request) -> None:
        state = world.revel
        params = request.query_params
        ok = state.authenticate(
            request.headers.get("api-authentication"),
            params.get("api_key"),
            params.get("api_secret"),
        )
        denied = any(request.url.path.startswith(f"/resources/{n}/") for n in state.settings.denied_resources)
        if not ok or denied:
            raise Denied(_unauthorized(world))

    router = APIRouter(dependencies=[Depends(require_key)], tags=["revel"])
    for spec in SPECS:
        _resource_routes(router, world, spec)
    _cart_routes(router, world)
    return router


def _unauthorized(world: SandboxWorld) -> Response:
    # Tastypie's HttpUnauthorized has an empty body; the JSON form is a setting.
    if world.revel.settings.auth_failure_body == "json":
        return JSONResponse({"error_message": "Invalid API credentials"}, status_code=401)
    return Response(status_code=401)


def _error(exc: RevelError) -> JSONResponse:
    return JSONResponse(exc.body, status_code=exc.status)


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw or b"null")
    except ValueError as exc:
        raise RevelError(400, f"The request body is not valid JSON: {exc}") from exc


def _resource_routes(router: APIRouter, world: SandboxWorld, spec: ResourceSpec) -> None:
    name, path = spec.name, spec.path

    async def list_objects(request: Request) -> Response:
        try:
            return JSONResponse(
                world.revel.list_objects(name, list(request.query_params.multi_items()), path)
            )
        except RevelError as exc:
            return _error(exc)

    async def create(request: Request) -> Response:
        try:
            body = await _json_body(request)
            record = world.revel.create(name, body)
        except RevelError as exc:
            return _error(exc)
        return JSONResponse(record, status_code=201, headers={"Location": record["resource_uri"]})

    async def detail(obj_id: int, request: Request) -> Response:
        try:
            return JSONResponse(world.revel.read(name, obj_id, request.url.path))
        except RevelError as exc:
            return _error(exc)

    async def change(obj_id: int, request: Request) -> Response:
        try:
            body = await _json_body(request)
            state = world.revel
            record = state.update(name, obj_id, body, request.method, request.url.path)
        except RevelError as exc:
            return _error(exc)
        if not state.settings.patch_returns_body:
            return Response(status_code=state.settings.patch_status)
        return JSONResponse(record, status_code=state.settings.patch_status)

    async def remove(obj_id: int, request: Request) -> Response:
        try:
            world.revel.delete(name, obj_id, request.url.path)
        except RevelError as exc:
            return _error(exc)
        return Response(status_code=204)

    router.add_api_route(path, list_objects, methods=["GET"], name=f"{name}-list")
    router.add_api_route(path, create, methods=["POST"], name=f"{name}-create")
    detail_path = f"{path}{{obj_id:int}}/"
    router.add_api_route(detail_path, detail, methods=["GET"], name=f"{name}-detail")
    router.add_api_route(detail_path, change, methods=["PATCH", "PUT"], name=f"{name}-change")
    router.add_api_route(detail_path, remove, methods=["DELETE"], name=f"{name}-delete")


def _cart_routes(router: APIRouter, world: SandboxWorld) -> None:
    def endpoint(action: Callable[..., dict[str, Any]]) -> Handler:
        async def handler(request: Request) -> Response:
            raw = await request.body()
            content_type = request.headers.get("content-type", "")
            state = world.revel
            if state.settings.cart_require_text_plain and "application/json" in content_type:
                # CATA: "Revel returns 'Unhandled error' otherwise".
                return JSONResponse({"status": "ERROR", "errorMsg": "Unhandled error"})
            try:
                return JSONResponse(action(state, json.loads(raw or b"null")))
            except (cart.CartError, ValueError) as exc:
                return JSONResponse({"status": "ERROR", "errorMsg": str(exc)})

        return handler

    router.add_api_route("/specialresources/cart/submit/", endpoint(cart.submit), methods=["POST"])
    router.add_api_route("/specialresources/cart/calculate/", endpoint(cart.calculate), methods=["POST"])
    router.add_api_route("/specialresources/cart/validate/", endpoint(_validate), methods=["POST"])


def _validate(state: Any, body: Any) -> dict[str, Any]:
    cart.calculate(state, body)
    return {"status": "OK", "data": {}}
