"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI

from tripleseat_revel.metrics import observe_vendor_call
from tripleseat_revel.sync.runtime import Runtime
from tripleseat_revel.web import api, health, oauth, webhooks
from tripleseat_revel.web.errors import install_error_handler


def create_app(rt: Runtime) -> FastAPI:
    """The web app over an already built runtime (the engine is launched by the caller)."""
    app = FastAPI(
        title="tripleseat-revel",
        version="0.1.0",
        description="TripleSeat event bookings -> Revel POS orders, exactly once.",
    )
    app.state.runtime = rt
    if observe_vendor_call not in rt.observers:
        rt.observers.append(observe_vendor_call)
    install_error_handler(app)
    app.include_router(health.router)
    app.include_router(webhooks.router)
    app.include_router(api.router)
    app.include_router(oauth.router)
    return app
