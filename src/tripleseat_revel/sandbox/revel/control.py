"""Revel control routes under `/_sandbox/`: what was written (orders with their items, payments
and history; the ordered write log), and a way to clear it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter

if TYPE_CHECKING:
    from tripleseat_revel.sandbox.world import SandboxWorld


def create_revel_control_router(world: SandboxWorld) -> APIRouter:
    router = APIRouter(prefix="/_sandbox", tags=["sandbox control: revel"])

    @router.get("/orders")
    async def orders(
        establishment: int | None = None, local_id: str | None = None, written: bool = False
    ) -> dict[str, Any]:
        """Orders with items, payments, history and fees; `written=true`: only those created
        through the API since the last reset (not the seeded walk-in orders)."""
        state = world.revel
        found = state.orders(establishment, local_id)
        if written:
            created = {w["id"] for w in state.writes if w["resource"] == "Order" and w["method"] == "POST"}
            found = [o for o in found if o["id"] in created]
        return {"count": len(found), "orders": found}

    @router.get("/writes")
    async def writes(
        since: int = 0, resource: str | None = None, method: str | None = None
    ) -> dict[str, Any]:
        """The ordered write log (seq > `since`), optionally for one resource or method."""
        found = [
            w
            for w in world.revel.writes
            if w["seq"] > since
            and (resource is None or w["resource"] == resource)
            and (method is None or w["method"] == method.upper())
        ]
        return {"count": len(found), "writes": found}

    @router.delete("/orders")
    async def clear_orders() -> dict[str, Any]:
        """Forget every order (seeded ones too) and the write log."""
        world.revel.clear_orders()
        return {"orders": 0, "writes": 0}

    return router
