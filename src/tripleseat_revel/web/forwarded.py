"""The client's address and scheme behind a proxy (replaces uvicorn's proxy-header handling).

Forwarded headers are believed only from a peer in FORWARDED_ALLOW_IPS (addresses, networks, or
`*` when the platform's proxies have no fixed addresses). X-Forwarded-For is read from the right:
each proxy appends the address it saw, so only the right end is written by proxies; the left end
is whatever the client sent. The client is the FORWARDED_HOPS-th address from the right, or the
first one before it that is not a trusted proxy. (uvicorn with `*` takes the LEFTMOST address,
which the client chooses: a throttle keyed on it could be escaped, or aimed at someone else.)
"""

from __future__ import annotations

import ipaddress
from typing import Any

from tripleseat_revel.config import Settings

SCHEMES = {"http", "https"}


class TrustedProxies:
    def __init__(self, spec: str) -> None:
        items = [item.strip() for item in spec.split(",") if item.strip()]
        self.everyone = "*" in items
        self.networks = [ipaddress.ip_network(item, strict=False) for item in items if item != "*"]

    def __contains__(self, host: str | None) -> bool:
        if self.everyone:
            return True
        try:
            address = ipaddress.ip_address(host or "")
        except ValueError:
            return False
        return any(address in network for network in self.networks)


def _host(entry: str) -> str:
    """An X-Forwarded-For entry without a port (`1.2.3.4:5`, `[::1]:5`)."""
    entry = entry.strip()
    if entry.startswith("["):
        return entry[1:].split("]", 1)[0]
    return entry.rsplit(":", 1)[0] if entry.count(":") == 1 else entry


def forwarded_client(forwarded_for: str, trusted: TrustedProxies, hops: int) -> str | None:
    """The client in an X-Forwarded-For value appended to by `hops` trusted proxies."""
    entries = [_host(e) for e in forwarded_for.split(",") if e.strip()]
    if not entries:
        return None
    chain = list(reversed(entries))[: max(1, hops)]
    for host in chain:
        if host not in trusted:
            return host
    return chain[-1]


class ForwardedMiddleware:
    """Rewrites the ASGI scope's client and scheme from a trusted proxy's headers."""

    def __init__(self, app: Any, *, trusted: str, hops: int) -> None:
        self.app = app
        self.trusted = TrustedProxies(trusted)
        self.hops = hops

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        peer = scope.get("client")
        if scope["type"] in ("http", "websocket") and peer and peer[0] in self.trusted:
            scope = self._rewrite(dict(scope))
        await self.app(scope, receive, send)

    def _rewrite(self, scope: dict[str, Any]) -> dict[str, Any]:
        protos = [v.decode("latin1") for k, v in scope["headers"] if k == b"x-forwarded-proto"]
        proto = (protos[-1] if protos else "").split(",")[-1].strip().lower()
        if proto in SCHEMES:
            scope["scheme"] = proto if scope["type"] == "http" else proto.replace("http", "ws")
        forwarded = [v.decode("latin1") for k, v in scope["headers"] if k == b"x-forwarded-for"]
        client = forwarded_client(", ".join(forwarded), self.trusted, self.hops)
        if client:
            scope["client"] = (client[:64], 0)
        return scope


def install_forwarded(app: Any, settings: Settings) -> None:
    app.add_middleware(
        ForwardedMiddleware, trusted=settings.FORWARDED_ALLOW_IPS, hops=settings.FORWARDED_HOPS
    )
