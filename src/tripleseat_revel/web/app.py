"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI

from tripleseat_revel.logging import register_secrets
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.web import api, dashboard, doctor, health, oauth, problems, webhooks
from tripleseat_revel.web.dashboard.session import session_secret
from tripleseat_revel.web.errors import install_error_handler
from tripleseat_revel.web.forwarded import install_forwarded
from tripleseat_revel.web.https import install_hsts
from tripleseat_revel.web.throttle import install_throttle
from tripleseat_revel.worker.engine import Engine


def create_app(rt: Runtime, engine: Engine | None = None) -> FastAPI:
    """The web app over an already built runtime and this process's engine (launched by the
    caller; without one the app answers webhooks and pages, and 503 where a run must start here)."""
    app = FastAPI(
        title="tripleseat-revel",
        version="0.1.0",
        description="TripleSeat event bookings -> Revel POS orders, exactly once.",
    )
    app.state.runtime = rt
    app.state.session_secret = session_secret(rt.settings, rt.db)
    register_secrets([app.state.session_secret])  # a generated one is not among the settings
    app.state.engine = engine
    install_error_handler(app)
    install_throttle(app, rt.settings)
    install_hsts(app, rt.settings)
    install_forwarded(app, rt.settings)  # last added, so outermost: every layer sees the client
    app.include_router(health.router)
    app.include_router(webhooks.router)
    app.include_router(api.router)
    app.include_router(problems.router)
    app.include_router(doctor.router)
    app.include_router(oauth.router)
    dashboard.install(app)
    return app
