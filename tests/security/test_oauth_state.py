"""Finding 6 (OAuth): the `state` is a server-side nonce issued only to a logged-in dashboard
session, consumed once, and the callback must come back in that session. Against the TripleSeat
simulator's authorize endpoint (it approves at once and redirects with a code and the state)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from typer.testing import CliRunner

from tests.conftest import FAST
from tests.fixtures.harness import ADMIN_TOKEN, Connector, running_connector
from tripleseat_revel.cli import app
from tripleseat_revel.models import OAuthToken
from tripleseat_revel.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def onboarding(sandbox: SandboxServer, tmp_path: Path) -> Iterator[Connector]:
    authorize = f"{sandbox.tripleseat_url}/oauth2/authorize"
    with running_connector(sandbox, tmp_path, TRIPLESEAT_AUTHORIZE_URL=authorize, **FAST) as connector:
        connector.rt.settings.PUBLIC_URL = connector.web.url
        yield connector


def _browser(connector: Connector, *, logged_in: bool = True) -> httpx.Client:
    browser = httpx.Client(base_url=connector.web.url, timeout=30)
    if logged_in:
        found = CSRF.search(browser.get("/login").text)
        assert found is not None
        form = {"token": ADMIN_TOKEN, "name": "Maria", "next": "/", "csrf_token": found.group(1)}
        assert browser.post("/login", data=form).status_code == 303
    return browser


def _authorised(authorize_url: str) -> tuple[str, str]:
    """TripleSeat's answer to an authorisation: a fresh code, and the state it was given."""
    answer = httpx.get(authorize_url, timeout=30)
    assert answer.status_code in (302, 303), answer.text
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    return query["code"][0], query["state"][0]


def _start(browser: httpx.Client) -> str:
    """The authorize URL the dashboard sends this browser to."""
    response = browser.get("/oauth/start")
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def _callback(browser: httpx.Client, code: str, state: str) -> httpx.Response:
    return browser.get("/oauth/callback", params={"code": code, "state": state})


def _stored(connector: Connector) -> OAuthToken | None:
    with connector.rt.db.session() as session:
        return session.get(OAuthToken, "tripleseat")


def test_the_logged_in_operator_connects_tripleseat(onboarding: Connector) -> None:
    browser = _browser(onboarding)
    code, state = _authorised(_start(browser))

    page = _callback(browser, code, state)

    assert page.status_code == 200 and "TripleSeat is connected" in page.text
    stored = _stored(onboarding)
    assert stored is not None and stored.refresh_token


def test_a_state_is_used_once(onboarding: Connector) -> None:
    browser = _browser(onboarding)
    url = _start(browser)
    assert _callback(browser, *_authorised(url)).status_code == 200

    replay = _callback(browser, *_authorised(url))  # a fresh code, the same state

    assert replay.status_code == 400 and "already used" in replay.text


def test_a_state_from_another_browser_session_is_refused(onboarding: Connector) -> None:
    victim, attacker = _browser(onboarding), _browser(onboarding)
    code, state = _authorised(_start(attacker))

    page = _callback(victim, code, state)

    assert page.status_code == 400 and "another dashboard session" in page.text
    assert _stored(onboarding) is None


def test_the_callback_needs_a_logged_in_session(onboarding: Connector) -> None:
    code, state = _authorised(_start(_browser(onboarding)))

    page = _callback(_browser(onboarding, logged_in=False), code, state)

    assert page.status_code == 401 and "Log in" in page.text
    assert _stored(onboarding) is None


def test_only_a_logged_in_session_gets_a_state(onboarding: Connector) -> None:
    anonymous = _browser(onboarding, logged_in=False).get("/oauth/start")
    script = httpx.get(
        f"{onboarding.web.url}/oauth/start", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )

    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    assert script.status_code == 403  # a Bearer token has no browser session to bind the state to


def test_the_auth_command_points_the_admin_to_the_dashboard() -> None:
    env = {"TRIPLESEAT_CLIENT_ID": "client-1", "PUBLIC_URL": "https://ops.example.com"}
    result = CliRunner().invoke(app, ["auth", "tripleseat"], env=env)

    assert result.exit_code == 0, result.output
    assert "https://ops.example.com/oauth/callback" in result.output
    assert "https://ops.example.com/oauth/start" in result.output
    assert "state=" not in result.output  # no state exists outside a logged-in session
