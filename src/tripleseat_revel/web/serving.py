"""Serving an ASGI app with uvicorn in a background thread (demo, tests, benchmarks)."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import uvicorn

from tripleseat_revel.config import Settings
from tripleseat_revel.logging import adopt_uvicorn_logs


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """How `serve` runs uvicorn: its own proxy-header handling off. The app reads X-Forwarded-For
    and -Proto itself (web/forwarded.py: from FORWARDED_ALLOW_IPS only, right to left)."""
    del settings  # the app has them (create_app)
    return {"proxy_headers": False}


@dataclass
class ThreadServer:
    url: str
    server: uvicorn.Server
    thread: threading.Thread
    sock: socket.socket

    def stop(self, timeout: float = 10) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)
        self.sock.close()


def serve_in_thread(
    app: Any, host: str = "127.0.0.1", port: int = 0, *, startup_timeout: float = 15, **options: Any
) -> ThreadServer:
    """Start `app` on host:port (0 = a free port); return once it accepts connections.
    `options` go to uvicorn (e.g. `uvicorn_options(settings)`)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as sandbox.server._bind does
    sock.bind((host, port))
    sock.listen(1024)
    options.setdefault("proxy_headers", False)  # the app's ForwardedMiddleware decides
    config = uvicorn.Config(
        app,
        log_level="warning",
        log_config=None,  # uvicorn's records go through the connector's (scrubbed) log pipeline
        access_log=False,
        lifespan="off",
        backlog=1024,
        timeout_graceful_shutdown=2,
        **options,
    )
    adopt_uvicorn_logs()
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="web-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web server did not start")
        time.sleep(0.02)
    bound_host, bound_port = sock.getsockname()[:2]
    return ThreadServer(f"http://{bound_host}:{bound_port}", server, thread, sock)
