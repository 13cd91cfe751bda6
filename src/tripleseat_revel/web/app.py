"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI

from tripleseat_revel.metrics import instrument
from tripleseat_revel.sync.runtime import Runtime
from tripleseat_revel.web import api, dashboard, health, oauth, webhooks
from tripleseat_revel.web.errors import install_error_handler


def create_app(rt: Runtime) -> FastAPI:
    """The web app over an already built runtime (the engine is launched by the caller)."""
    app = FastAPI(
        title="tripleseat-revel",
        version="0.1.0",
        description="TripleSeat event bookings -> Revel POS orders, exactly once.",
    )
    app.state.runtime = rt
    instrument(rt.observers, {"tripleseat": rt.tripleseat, "revel": rt.revel}, rt.db)
    install_error_handler(app)
    app.include_router(health.router)
    app.include_router(webhooks.router)
    app.include_router(api.router)
    app.include_router(oauth.router)
    dashboard.install(app)
    return app
