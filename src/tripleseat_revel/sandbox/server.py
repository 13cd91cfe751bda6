"""Serving the two simulators with uvicorn: both apps on one event loop in a background thread, so
the world is only ever touched from that loop."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import uvicorn
from fastapi import FastAPI

from tripleseat_revel.sandbox.apps import create_revel_app, create_tripleseat_app
from tripleseat_revel.sandbox.world import SandboxWorld


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit it. Without it a keep-alive client waits ~40 ms per call (Nagle
    # against the client's delayed ACK: uvicorn writes a response's head and body separately),
    # a delay real vendors do not impose (docs/benchmarks.md).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))  # port 0: the OS picks a free one
    sock.listen(128)
    sock.setblocking(False)
    return sock


def _url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://{host}:{port}"


@dataclass
class SandboxServer:
    """Both simulators served in a background thread; `stop()` shuts them down."""

    world: SandboxWorld
    tripleseat_url: str
    revel_url: str
    _servers: list[uvicorn.Server] = field(repr=False)
    _thread: threading.Thread = field(repr=False)
    _sockets: list[socket.socket] = field(repr=False)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 10) -> None:
        for server in self._servers:
            server.should_exit = True
        self._thread.join(timeout)
        for sock in self._sockets:
            sock.close()

    def __enter__(self) -> SandboxServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _server(app: FastAPI) -> uvicorn.Server:
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=1
    )
    return uvicorn.Server(config)


def serve_in_thread(
    world: SandboxWorld,
    host: str = "127.0.0.1",
    tripleseat_port: int = 0,
    revel_port: int = 0,
    *,
    startup_timeout: float = 10,
) -> SandboxServer:
    """Start both simulators (port 0: any free port) and return once they accept connections."""
    sockets = [_bind(host, tripleseat_port), _bind(host, revel_port)]
    servers = [_server(create_tripleseat_app(world)), _server(create_revel_app(world))]

    async def main() -> None:
        await asyncio.gather(*(s.serve(sockets=[sock]) for s, sock in zip(servers, sockets, strict=True)))

    thread = threading.Thread(target=asyncio.run, args=(main(),), name="sandbox-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not all(s.started for s in servers):
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the sandbox servers did not start")
        time.sleep(0.01)
    return SandboxServer(world, _url(sockets[0]), _url(sockets[1]), servers, thread, sockets)


def run_forever(
    world: SandboxWorld,
    host: str = "127.0.0.1",
    tripleseat_port: int = 8101,
    revel_port: int = 8102,
    *,
    announce: Callable[[SandboxServer], None] | None = None,
    exit_after: float = 0,
) -> None:
    """Serve until Ctrl-C (or for `exit_after` seconds); `announce(server)` runs once started."""
    server = serve_in_thread(world, host, tripleseat_port, revel_port)
    try:
        if announce is not None:
            announce(server)
        deadline = time.monotonic() + exit_after if exit_after > 0 else None
        while server.alive and (deadline is None or time.monotonic() < deadline):
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
