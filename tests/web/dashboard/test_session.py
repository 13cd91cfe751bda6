"""Logging in and out: the signed session cookie, CSRF on every form, and the login redirect."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import time_machine
from pydantic import SecretStr

from tests.fixtures.harness import ADMIN_TOKEN
from tests.web.dashboard.conftest import Dashboard, build, serving
from tripleseat_revel.models import AuditEntry, Switch
from tripleseat_revel.web.dashboard.auth import safe_next
from tripleseat_revel.web.dashboard.session import COOKIE, MAX_AGE

PAGES = ["/", "/events/55521609", "/events/55521609/preview", "/failures", "/mappings", "/switches"]


def _cookie_header(response: httpx.Response) -> str:
    headers = response.headers.get_list("set-cookie")
    (cookie,) = [h for h in headers if h.startswith(f"{COOKIE}=")]
    return str(cookie)


@pytest.mark.parametrize("path", PAGES)
def test_a_page_without_a_session_redirects_to_the_login_and_back(dash: Dashboard, path: str) -> None:
    response = dash.client.get(path)

    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={path}"


def test_a_form_without_a_session_is_sent_to_the_login(dash: Dashboard) -> None:
    response = dash.client.post("/switches", data={"name": "DRY_RUN", "value": "true"})

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_the_right_token_opens_a_session_with_strict_cookie_flags(dash: Dashboard) -> None:
    response = dash.login()

    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = _cookie_header(response).lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert f"max-age={MAX_AGE}" in cookie
    assert "secure" not in cookie  # plain http (tests): a Secure cookie would never come back
    page = dash.client.get("/")
    assert page.status_code == 200
    assert "Maria" in page.text and "Log out" in page.text


def test_behind_an_https_proxy_the_cookie_is_secure(tmp_path: Path) -> None:
    rt = build(tmp_path)
    with serving(rt, **{"X-Forwarded-Proto": "https"}) as https:
        assert "; secure" in _cookie_header(https.client.get("/login")).lower()
    rt.close()


def test_a_wrong_token_is_refused_and_opens_nothing(dash: Dashboard) -> None:
    response = dash.login(token="not-the-token")

    assert response.status_code == 401
    assert "That is not the admin token." in response.text
    assert dash.client.get("/").status_code == 303


def test_login_without_the_forms_csrf_token_is_refused(dash: Dashboard) -> None:
    response = dash.client.post("/login", data={"token": ADMIN_TOKEN, "csrf_token": "forged"})

    assert response.status_code == 403
    assert dash.client.get("/").status_code == 303


def test_logout_ends_the_session(dash: Dashboard) -> None:
    dash.login()
    response = dash.client.post("/logout", data={"csrf_token": dash.csrf("/")})

    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert "max-age=0" in _cookie_header(response).lower() or "expires=" in _cookie_header(response).lower()
    assert dash.client.get("/").status_code == 303


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_a_post_without_the_sessions_csrf_token_changes_nothing(dash: Dashboard, token: str | None) -> None:
    dash.login()
    form = {"name": "DRY_RUN", "value": "true"} | ({"csrf_token": token} if token is not None else {})
    response = dash.client.post("/switches", data=form)

    assert response.status_code == 403
    assert "That form has expired" in response.text
    with dash.rt.db.session() as session:
        assert session.get(Switch, "DRY_RUN") is None


def test_a_csrf_token_from_an_earlier_session_is_refused(dash: Dashboard) -> None:
    dash.login()
    old = dash.csrf("/")
    dash.client.post("/logout", data={"csrf_token": old})
    dash.login()

    response = dash.client.post("/switches", data={"name": "DRY_RUN", "value": "true", "csrf_token": old})

    assert response.status_code == 403


def test_a_valid_form_is_applied_and_audited_with_the_operators_name(dash: Dashboard) -> None:
    dash.login(name="Maria")
    response = dash.client.post(
        "/switches", data={"name": "DRY_RUN", "value": "true", "csrf_token": dash.csrf("/switches")}
    )

    assert response.status_code == 303
    with dash.rt.db.session() as session:
        switch = session.get(Switch, "DRY_RUN")
        assert switch is not None and switch.value is True and switch.updated_by == "Maria (dashboard)"
        entry = session.query(AuditEntry).filter_by(kind="switch.changed").one()
        assert entry.message == "DRY_RUN: None -> True by Maria (dashboard)"
    assert "Dry run is now on." in dash.client.get("/switches").text


def test_the_session_expires(dash: Dashboard) -> None:
    dash.login()
    assert dash.client.get("/").status_code == 200
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=MAX_AGE + 60)):
        assert dash.client.get("/").status_code == 303


def test_rotating_the_admin_token_ends_every_session(dash: Dashboard) -> None:
    dash.rt.settings.SESSION_SECRET = SecretStr("a-fixed-session-secret")  # signing key unchanged
    dash.login()
    assert dash.client.get("/").status_code == 200

    dash.rt.settings.ADMIN_TOKEN = SecretStr("a-new-token")

    assert dash.client.get("/").status_code == 303


def test_a_forged_cookie_is_ignored(dash: Dashboard) -> None:
    dash.client.cookies.set(COOKIE, '{"csrf": "x", "user": "mallory"}')
    assert dash.client.get("/").status_code == 303


def test_the_session_cookie_does_not_open_the_json_api(dash: Dashboard) -> None:
    dash.login()
    response = dash.client.get("/api/switches")

    assert response.status_code == 401  # the API stays Bearer-only: GET /api/sync acts
    bearer = dash.client.get("/api/switches", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert bearer.status_code == 200


def test_a_bearer_token_reads_the_pages_too(dash: Dashboard) -> None:
    response = dash.client.get("/failures", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert response.status_code == 200


def test_without_an_admin_token_the_login_page_says_so(tmp_path: Path) -> None:
    rt = build(tmp_path)
    rt.settings.ADMIN_TOKEN = None
    with serving(rt) as dashboard:
        response = dashboard.client.get("/login")
    rt.close()
    assert response.status_code == 503
    assert "No admin token is configured" in response.text


@pytest.mark.parametrize(
    ("target", "expected"),
    [("/events/1", "/events/1"), ("https://evil.example/", "/"), ("//evil.example", "/"), ("", "/")],
)
def test_after_login_only_local_pages_are_followed(target: str, expected: str) -> None:
    assert safe_next(target) == expected


def test_pages_are_not_in_the_openapi_document(dash: Dashboard) -> None:
    paths = set(dash.client.get("/openapi.json").json()["paths"])

    assert not paths & {"/", "/login", "/logout", "/events/{event_id}", "/failures", "/mappings", "/switches"}
    assert "/api/switches" in paths


def test_pages_forbid_framing_and_foreign_content(dash: Dashboard) -> None:
    response = dash.client.get("/login")

    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "script-src" not in response.headers["content-security-policy"]  # no script at all
