"""`tripleseat-revel serve` writes uvicorn's own records through the connector's log pipeline:
in JSON mode every line is a JSON event, scrubbed (issue 12, finding 3)."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from tests.conftest import FAST
from tests.fixtures.harness import ConnectorProcess, connector_env, free_port
from tripleseat_revel.sandbox.server import SandboxServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_uvicorn_records_come_out_as_json_events_of_the_pipeline(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    env = connector_env(
        sandbox,
        f"sqlite:///{tmp_path / 'connector.db'}",
        tmp_path,
        LOG_FORMAT="json",
        EXECUTOR_ID="r1",
        **FAST,
    )
    proc = ConnectorProcess(env, free_port(), tmp_path / "serve.log")
    proc.start()
    try:
        # Not HTTP: uvicorn itself logs a warning ("Invalid HTTP request received.").
        with socket.create_connection(("127.0.0.1", proc.port), timeout=5) as sock:
            sock.sendall(b"\x16\x03\x01 not http at all\r\n\r\n")
            sock.recv(1024)
        deadline = time.monotonic() + 10
        while "Invalid HTTP request" not in proc.log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        proc.stop()

    lines = [line for line in proc.log_path.read_text().splitlines() if "Invalid HTTP request" in line]
    assert lines, "uvicorn's warning was not logged"
    event = json.loads(lines[0])
    assert event["event"] == "Invalid HTTP request received." and event["level"] == "warning"
