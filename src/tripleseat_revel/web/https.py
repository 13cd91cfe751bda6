"""HTTP Strict Transport Security when the connector's public address is https.

Behind a TLS-terminating proxy (nginx, Render) the app itself only sees plain http, so what
decides is PUBLIC_URL: https there means browsers must never come back over plain http (the
session cookie is `Secure` for the same reason, web/dashboard/session.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from tripleseat_revel.config import Settings

HSTS = (b"strict-transport-security", b"max-age=31536000")  # one year; no includeSubDomains: not ours


def is_https(settings: Settings) -> bool:
    return (settings.PUBLIC_URL or "").startswith("https://")


class HstsMiddleware:
    """Adds the HSTS header to every HTTP response (a pure ASGI middleware: no buffering)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_hsts(message: Any) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], HSTS]
            await send(message)

        await self.app(scope, receive, with_hsts)


def install_hsts(app: FastAPI, settings: Settings) -> None:
    if is_https(settings):
        app.add_middleware(HstsMiddleware)
