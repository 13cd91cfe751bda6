"""TripleSeat authorization-code onboarding against the simulator, end to end."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.conftest import FAST
from tests.fixtures.events import due_event
from tests.fixtures.harness import ADMIN_TOKEN, Connector, running_connector
from tests.fixtures.sandbox_api import orders_for
from tripleseat_revel.integrations.tripleseat.tokens import DatabaseTokenStore
from tripleseat_revel.models import OAuthToken
from tripleseat_revel.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _logged_in(connector: Connector) -> httpx.Client:
    """A browser logged in to the dashboard (onboarding starts there)."""
    browser = httpx.Client(base_url=connector.web.url, timeout=30)
    found = CSRF.search(browser.get("/login").text)
    assert found is not None
    browser.post("/login", data={"token": ADMIN_TOKEN, "next": "/", "csrf_token": found.group(1)})
    return browser


def test_authorize_then_callback_stores_rotating_tokens_used_by_the_next_sync(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    with running_connector(
        sandbox, tmp_path, TRIPLESEAT_AUTHORIZE_URL=f"{sandbox.tripleseat_url}/oauth2/authorize", **FAST
    ) as connector:
        connector.rt.settings.PUBLIC_URL = connector.web.url
        browser = _logged_in(connector)
        url = browser.get("/oauth/start").headers["location"]
        query = parse_qs(urlsplit(url).query)
        assert query["redirect_uri"] == [f"{connector.web.url}/oauth/callback"]
        assert query["response_type"] == ["code"] and query["client_id"] == ["sandbox-client"]

        page = browser.get(url, follow_redirects=True)

        assert page.status_code == 200 and "TripleSeat is connected" in page.text
        with connector.rt.db.session() as session:
            stored = session.get(OAuthToken, "tripleseat")
            assert stored is not None and stored.refresh_token and stored.access_token
            first_refresh = stored.refresh_token
        assert first_refresh not in page.text

        # Force a refresh: the stored refresh token is used and rotated.
        with connector.rt.db.session() as session:
            stored = session.get(OAuthToken, "tripleseat")
            assert stored is not None
            stored.access_token = None
        tokens = connector.rt.tripleseat.tokens
        assert isinstance(tokens, DatabaseTokenStore)
        tokens._cache = None
        event = due_event(sandbox)
        assert connector.sync(event["id"]).json()["events"][0]["outcome"] == "INJECTED"
        with connector.rt.db.session() as session:
            rotated = session.get(OAuthToken, "tripleseat")
            assert rotated is not None and rotated.refresh_token not in (None, first_refresh)
        assert len(orders_for(sandbox, event["id"])) == 1


def test_a_forged_state_is_refused(sandbox: SandboxServer, tmp_path: Path) -> None:
    with running_connector(sandbox, tmp_path, **FAST) as connector:
        browser = _logged_in(connector)
        page = browser.get("/oauth/callback", params={"code": "abc", "state": "forged"})
    assert page.status_code == 400 and "state parameter is not ours" in page.text
