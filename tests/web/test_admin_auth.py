"""The admin API is never open: 503 without a configured token, 401 without the right one."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.fixtures.harness import Connector, running_connector
from tripleseat_revel.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e
ADMIN_PATHS = ["/api/sync/tripleseat?event_id=1", "/api/events/1", "/api/switches", "/api/sync/runs/x"]


@pytest.mark.parametrize("path", ADMIN_PATHS)
@pytest.mark.parametrize("header", [None, "Bearer wrong-token", "Basic dGVzdA==", "Bearer"])
def test_missing_or_wrong_token_is_401_with_www_authenticate(
    connector: Connector, path: str, header: str | None
) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = httpx.get(f"{connector.web.url}{path}", headers=headers)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"error": "missing or invalid admin token"}


def test_the_right_token_is_accepted(connector: Connector) -> None:
    response = connector.http.get("/api/switches")
    assert response.status_code == 200
    assert response.json() == {"DRY_RUN": False, "ENABLE_CONNECTOR": True, "LOCATION_OVERRIDE": False}


def test_without_a_configured_token_the_admin_api_refuses_with_503(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    with running_connector(sandbox, tmp_path, ADMIN_TOKEN="") as connector:
        connector.rt.settings.ADMIN_TOKEN = None
        response = httpx.get(
            f"{connector.web.url}/api/switches", headers={"Authorization": "Bearer anything"}
        )
    assert response.status_code == 503
    assert "ADMIN_TOKEN is not configured" in response.json()["error"]


def test_no_cors_by_default(connector: Connector) -> None:
    response = httpx.options(
        f"{connector.web.url}/api/switches",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in response.headers


def test_switch_changes_are_persisted_and_audited(connector: Connector) -> None:
    assert connector.http.put("/api/switches", json={"DRY_RUN": True}).json()["DRY_RUN"] is True
    assert connector.http.get("/api/switches").json()["DRY_RUN"] is True
    from tripleseat_revel.models import AuditEntry

    with connector.rt.db.session() as session:
        kinds = [
            (e.kind, e.message) for e in session.query(AuditEntry).filter(AuditEntry.kind == "switch.changed")
        ]
    assert kinds == [("switch.changed", "DRY_RUN: None -> True by api")]
