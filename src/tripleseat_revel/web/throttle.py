"""Throttling of failed admin-token attempts per client, for `/login` and the Bearer check.

One `FailureThrottle` per app (created with it, in memory, per process), keyed by the client's
address as uvicorn gives it (the proxy's forwarded address when the proxy is trusted). Every
failure is logged with the client address and counted (`tsr_auth_failures_total{via}`); a client
over its budget is answered 429 with Retry-After (`tsr_auth_throttled_total{via}`).
"""

from __future__ import annotations

from fastapi import FastAPI, Request

from tripleseat_revel.config import Settings
from tripleseat_revel.kit.throttle import FailureThrottle, ThrottlePolicy
from tripleseat_revel.logging import get_logger
from tripleseat_revel.metrics import AUTH_FAILURES, AUTH_THROTTLED

log = get_logger(__name__)


def install_throttle(app: FastAPI, settings: Settings) -> None:
    policy = ThrottlePolicy(
        max_failures=settings.AUTH_MAX_FAILURES,
        window_seconds=settings.AUTH_FAILURE_WINDOW_SECONDS,
        lockout_seconds=settings.AUTH_LOCKOUT_SECONDS,
        max_lockout_seconds=settings.AUTH_LOCKOUT_MAX_SECONDS,
    )
    app.state.auth_throttle = FailureThrottle(policy)


def _throttle(request: Request) -> FailureThrottle:
    throttle: FailureThrottle = request.app.state.auth_throttle
    return throttle


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def throttled(request: Request, via: str) -> int | None:
    """Seconds this client must wait before another attempt (logged and counted), or None."""
    client = client_address(request)
    wait = _throttle(request).retry_after(client)
    if wait is not None:
        AUTH_THROTTLED.labels(via).inc()
        log.warning("auth.throttled", via=via, client=client, retry_after=wait)
    return wait


def auth_failed(request: Request, via: str) -> None:
    client = client_address(request)
    failures = _throttle(request).failed(client)
    AUTH_FAILURES.labels(via).inc()
    log.warning("auth.failed", via=via, client=client, failures_in_window=failures)


def auth_succeeded(request: Request) -> None:
    _throttle(request).succeeded(client_address(request))
