"""Finding 2: the dashboard's cookies give no offline oracle for the admin token.

The attacker's position: anyone can `GET /login` and receive a signed cookie; a logged-in cookie
(stolen from a shared machine, say) shows its payload, signed but not encrypted. The attacker knows
the source, so tries every way the connector ever derived a key or a tag from the admin token, with
a dictionary that, in the worst case, holds the real token.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

from tests.fixtures.harness import ADMIN_TOKEN
from tests.web.dashboard.conftest import Dashboard, build, serving
from tripleseat_revel.web.dashboard.session import COOKIE

SALT = "tripleseat-revel/dashboard-session"
DICTIONARY = ["admin", "changeme", "password", "test-admin-token", "demo-admin-token", ADMIN_TOKEN]


def _keys(candidate: str) -> Iterator[str]:
    """Every signing key the connector could have derived from an admin token."""
    yield candidate
    yield hashlib.sha256(b"tripleseat-revel/session:" + candidate.encode()).hexdigest()


def _signs(cookie: str, key: str) -> bool:
    try:
        URLSafeTimedSerializer(key, salt=SALT).loads(cookie)
    except BadSignature:
        return False
    return True


def _payload(cookie: str) -> dict[str, str]:
    """What anyone holding the cookie can read without any key."""
    _, payload = URLSafeTimedSerializer("unknown").loads_unsafe(cookie)
    assert isinstance(payload, dict)
    return payload


def test_a_fresh_login_cookie_does_not_confirm_any_admin_token_guess(dash: Dashboard) -> None:
    dash.client.get("/login")
    cookie = dash.client.cookies[COOKIE]

    confirmed = [guess for guess in DICTIONARY if any(_signs(cookie, key) for key in _keys(guess))]

    assert confirmed == []


def test_the_token_tag_of_a_logged_in_cookie_does_not_confirm_any_guess(dash: Dashboard) -> None:
    dash.login()
    tag = _payload(dash.client.cookies[COOKIE])["tag"]

    tags = {hashlib.sha256(b"dashboard:" + guess.encode()).hexdigest()[:16]: guess for guess in DICTIONARY}

    assert tag and tag not in tags


def test_the_same_admin_token_gives_unrelated_cookies_on_two_installations(tmp_path: Path) -> None:
    tags = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        rt = build(tmp_path / name)
        with serving(rt) as dashboard:
            dashboard.login()
            tags.append(_payload(dashboard.client.cookies[COOKIE])["tag"])
        rt.close()
    assert tags[0] != tags[1]  # the tag is keyed by a secret of the installation, not the token


def test_the_generated_secret_is_kept_so_replicas_and_restarts_share_sessions(tmp_path: Path) -> None:
    first, second = build(tmp_path), build(tmp_path)  # two processes on one database
    with serving(first) as one, serving(second) as other:
        one.login()
        other.client.cookies.update(one.client.cookies)
        assert other.client.get("/").status_code == 200
    first.close()
    second.close()
