"""The control API both simulators share, under `/_sandbox/`: reset, stats, faults, rate limits,
vendor settings and the clock. Faults and rate limits never apply to these routes.

Vendor-specific control routes (events and webhooks; orders and the write log) live in
`tripleseat/control.py` and `revel/control.py`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, ValidationError

from tripleseat_revel.sandbox.clock import Clock
from tripleseat_revel.sandbox.faults import FaultSettings, RateLimitSettings, Vendor

if TYPE_CHECKING:
    from tripleseat_revel.sandbox.world import SandboxWorld

Changes = Annotated[dict[str, Any], Body()]  # a partial update, merged into the current settings


class ResetBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed: int | None = None
    today: date | None = None
    empty: bool = False
    clear_faults: bool = False


class ClockBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    now: datetime | None = None
    advance_seconds: float | None = None
    system: bool = False


def invalid(exc: ValidationError) -> JSONResponse:
    errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
    return JSONResponse({"error": "invalid settings", "errors": errors}, status_code=422)


def merged(model: BaseModel, changes: dict[str, Any]) -> BaseModel:
    """`model` with `changes` applied, validated as a whole (raises ValidationError)."""
    return type(model).model_validate({**model.model_dump(), **changes})


def create_control_router(world: SandboxWorld, vendor: Vendor) -> APIRouter:
    router = APIRouter(prefix="/_sandbox", tags=["sandbox control"])
    _world_routes(router, world)
    _guard_routes(router, world, vendor)
    _settings_routes(router, world, vendor)
    return router


def _world_routes(router: APIRouter, world: SandboxWorld) -> None:
    @router.post("/reset")
    async def reset(body: ResetBody | None = None) -> dict[str, Any]:
        """Fresh data for both vendors. `seed` and `today` are kept for later resets unless
        given; faults, limits, settings and the webhook config stay."""
        body = body or ResetBody()
        world.reset(seed=body.seed, today=body.today, empty=body.empty, clear_faults=body.clear_faults)
        return world.info()

    @router.get("/info")
    async def info() -> dict[str, Any]:
        return world.info()

    @router.get("/stats")
    async def stats() -> dict[str, Any]:
        return world.stats()

    @router.post("/stats/reset")
    async def reset_stats() -> dict[str, Any]:
        for guard in (world.tripleseat_guard, world.revel_guard):
            guard.stats.reset()
        return world.stats()

    @router.get("/clock")
    async def get_clock() -> dict[str, Any]:
        return _clock_json(world)

    @router.post("/clock", response_model=None)
    async def set_clock(body: ClockBody) -> dict[str, Any] | JSONResponse:
        if not isinstance(world.clock, Clock):
            return JSONResponse({"error": "this world's clock cannot be set"}, status_code=409)
        if body.system:
            world.clock.set(None)
        if body.now is not None:
            world.clock.set(body.now if body.now.tzinfo else body.now.replace(tzinfo=UTC))
        if body.advance_seconds:
            world.clock.advance(body.advance_seconds)
        return _clock_json(world)


def _clock_json(world: SandboxWorld) -> dict[str, Any]:
    frozen = world.clock.frozen if isinstance(world.clock, Clock) else False
    return {
        "now": world.clock.now().isoformat(),
        "frozen": frozen,
        "today": {str(k): v.isoformat() for k, v in world.tripleseat.anchors().items()},
    }


def _guard_routes(router: APIRouter, world: SandboxWorld, vendor: Vendor) -> None:
    guard = world.guard(vendor)

    @router.get("/faults")
    async def get_faults() -> dict[str, Any]:
        return guard.faults.model_dump()

    @router.put("/faults", response_model=None)
    async def put_faults(changes: Changes) -> dict[str, Any] | JSONResponse:
        """Merge `changes` into this vendor's faults (a new `fault_seed` restarts the sequence)."""
        try:
            updated = merged(guard.faults, changes)
        except ValidationError as exc:
            return invalid(exc)
        assert isinstance(updated, FaultSettings)
        guard.set_faults(updated)
        return updated.model_dump()

    @router.delete("/faults")
    async def clear_faults() -> dict[str, Any]:
        guard.set_faults(FaultSettings())
        return guard.faults.model_dump()

    @router.get("/limits")
    async def get_limits() -> dict[str, Any]:
        return guard.limits.model_dump()

    @router.put("/limits", response_model=None)
    async def put_limits(changes: Changes) -> dict[str, Any] | JSONResponse:
        try:
            updated = merged(guard.limits, changes)
        except ValidationError as exc:
            return invalid(exc)
        assert isinstance(updated, RateLimitSettings)
        guard.limits = updated
        guard.limiter.reset()
        return updated.model_dump()


def _settings_routes(router: APIRouter, world: SandboxWorld, vendor: Vendor) -> None:
    @router.get("/settings")
    async def get_settings() -> dict[str, Any]:
        return world.vendor_settings(vendor).model_dump()

    @router.put("/settings", response_model=None)
    async def put_settings(changes: Changes) -> dict[str, Any] | JSONResponse:
        """Switch this vendor's behaviour variants (see COVERAGE.md)."""
        try:
            updated = merged(world.vendor_settings(vendor), changes)
        except ValidationError as exc:
            return invalid(exc)
        world.set_vendor_settings(vendor, updated)
        return updated.model_dump()
