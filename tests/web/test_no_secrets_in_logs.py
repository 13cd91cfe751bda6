"""A full sync with known secrets: nothing logged (console or JSON) contains any of them."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.conftest import FAST
from tests.fixtures.events import due_event
from tests.fixtures.harness import ADMIN_TOKEN, running_connector
from tests.fixtures.sandbox_api import orders_for
from tripleseat_revel.integrations.tripleseat.webhooks import sign
from tripleseat_revel.logging import configure_logging
from tripleseat_revel.models import OAuthToken
from tripleseat_revel.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_a_full_sync_logs_no_secret(
    sandbox: SandboxServer, tmp_path: Path, capfd: pytest.CaptureFixture[str], fmt: str
) -> None:
    with running_connector(sandbox, tmp_path, LOG_FORMAT=fmt, LOG_LEVEL="DEBUG", **FAST) as connector:
        settings = connector.settings
        configure_logging(fmt=fmt, level="DEBUG", secrets=settings.secret_values())
        event = due_event(sandbox)
        body = json.dumps({"webhook_trigger_type": "UPDATE_EVENT", "event": {"id": event["id"]}}).encode()
        response = httpx.post(
            f"{connector.web.url}/webhooks/tripleseat",
            content=body,
            headers={"X-Signature": sign(body, "sandbox-signing-key")},
        )
        assert response.status_code == 200
        connector.wait_idle()
        assert connector.sync(event["id"]).status_code == 200
        with connector.rt.db.session() as session:
            token = session.get(OAuthToken, "tripleseat")
            assert token is not None and token.access_token
            secrets = [token.access_token, *(v for v in [token.refresh_token] if v)]
    assert len(orders_for(sandbox, event["id"])) == 1
    secrets += ["sandbox-secret", "sandbox-signing-key", "sandbox-key:sandbox-secret", ADMIN_TOKEN]
    secrets += [sign(body, "sandbox-signing-key")]
    out, err = capfd.readouterr()
    logged = out + err
    assert "revel.order.created" in logged and "webhook.accepted" in logged  # the scan saw the sync
    for secret in secrets:
        assert secret not in logged, f"a secret was logged: {secret[:4]}..."
    if fmt == "json":
        lines = [line for line in logged.splitlines() if line.startswith("{")]
        assert lines and all(json.loads(line).get("event") for line in lines)
