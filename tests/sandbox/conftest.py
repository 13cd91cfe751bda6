"""Fixtures for the simulator tests: a world on a pinned clock, sync callers into its two apps
(in-process through httpx.ASGITransport), and the served form for tests that need real sockets."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tripleseat_revel.sandbox.apps import create_revel_app, create_tripleseat_app
from tripleseat_revel.sandbox.clock import Clock
from tripleseat_revel.sandbox.server import SandboxServer, serve_in_thread
from tripleseat_revel.sandbox.world import SandboxWorld

# 12:00 in San Francisco, 15:00 in Boston: "today" is 2026-11-25 everywhere.
NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
REVEL_AUTH = {"API-AUTHENTICATION": "sandbox-key:sandbox-secret"}


class Api:
    """Synchronous calls into an ASGI app; each call (or batch) runs on a fresh event loop."""

    def __init__(self, app: FastAPI, base_url: str, headers: dict[str, str] | None = None) -> None:
        self.app = app
        self.base_url = base_url
        self.headers = dict(headers or {})

    def _client(self) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app)
        return httpx.AsyncClient(transport=transport, base_url=self.base_url, headers=self.headers)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            async with self._client() as client:
                return await client.request(method, url, **kwargs)

        return asyncio.run(go())

    def batch(self, calls: list[tuple[str, str, dict[str, Any]]]) -> list[httpx.Response]:
        """Several requests one after the other on one loop (fast, for rate-limit tests)."""

        async def go() -> list[httpx.Response]:
            async with self._client() as client:
                return [await client.request(m, u, **kw) for m, u, kw in calls]

        return asyncio.run(go())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def world(clock: Clock) -> SandboxWorld:
    return SandboxWorld(clock=clock)


@pytest.fixture
def ts(world: SandboxWorld) -> Api:
    """The TripleSeat app, without credentials."""
    return Api(create_tripleseat_app(world), "http://tripleseat.test")


@pytest.fixture
def token(ts: Api) -> str:
    response = ts.post(
        "/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "sandbox-client",
            "client_secret": "sandbox-secret",
        },
    )
    assert response.status_code == 200
    value: str = response.json()["access_token"]
    return value


@pytest.fixture
def ts_api(world: SandboxWorld, token: str) -> Api:
    """The TripleSeat app with a valid Bearer token."""
    return Api(
        create_tripleseat_app(world),
        "http://tripleseat.test",
        {"Authorization": f"Bearer {token}"},
    )


@pytest.fixture
def rv(world: SandboxWorld) -> Api:
    """The Revel app with the right API-AUTHENTICATION header."""
    return Api(create_revel_app(world), "http://revel.test", REVEL_AUTH)


@pytest.fixture
def rv_anon(world: SandboxWorld) -> Api:
    return Api(create_revel_app(world), "http://revel.test")


@pytest.fixture
def served(world: SandboxWorld) -> Iterator[SandboxServer]:
    server = serve_in_thread(world)
    try:
        yield server
    finally:
        server.stop()
