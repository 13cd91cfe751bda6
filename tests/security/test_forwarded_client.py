"""The client address the throttle keys on cannot be chosen by the client: behind the shipped
proxies a forged X-Forwarded-For neither escapes the throttle nor locks another address out
(issue 12 review). Served with the real uvicorn options `serve` uses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.fixtures.harness import ADMIN_TOKEN
from tests.web.dashboard.conftest import CSRF, build
from tripleseat_revel.web.app import create_app
from tripleseat_revel.web.serving import serve_in_thread, uvicorn_options

ROOT = Path(__file__).resolve().parents[2]
THROTTLED = {"AUTH_MAX_FAILURES": "3", "AUTH_FAILURE_WINDOW_SECONDS": "600", "AUTH_LOCKOUT_SECONDS": "120"}


@contextmanager
def _served(tmp_path: Path, **settings: Any) -> Iterator[httpx.Client]:
    rt = build(tmp_path, **THROTTLED, **settings)
    web = serve_in_thread(create_app(rt), **uvicorn_options(rt.settings))
    try:
        with httpx.Client(base_url=web.url, follow_redirects=False, timeout=30) as client:
            yield client
    finally:
        web.stop()
        rt.close()


def _login(client: httpx.Client, forwarded_for: str, token: str = "not-the-token") -> int:
    """A login as it reaches the app from the proxy, which says the client is `forwarded_for`."""
    headers = {"X-Forwarded-For": forwarded_for}
    found = CSRF.search(client.get("/login", headers=headers).text)
    assert found is not None
    form = {"token": token, "name": "x", "next": "/", "csrf_token": found.group(1)}
    return client.post("/login", data=form, headers=headers).status_code


def test_behind_an_appending_proxy_a_forged_address_does_not_escape_the_throttle(tmp_path: Path) -> None:
    # Render: proxies of unknown addresses, each appending the address it saw (the real client last)
    with _served(tmp_path, FORWARDED_ALLOW_IPS="*") as client:
        statuses = [_login(client, f"203.0.113.{n}, 198.51.100.5") for n in range(4)]

    assert statuses == [401, 401, 401, 429]


def test_behind_an_appending_proxy_a_forged_address_cannot_lock_another_client_out(tmp_path: Path) -> None:
    with _served(tmp_path, FORWARDED_ALLOW_IPS="*") as client:
        attacker = [_login(client, "198.51.100.7, 198.51.100.5") for _ in range(4)]
        victim = _login(client, "198.51.100.7", token=ADMIN_TOKEN)

    assert attacker[-1] == 429
    assert victim == 303  # logged in


def test_more_hops_are_a_setting(tmp_path: Path) -> None:
    # a CDN in front of the platform's proxy: two appended addresses, the client's the first of them
    with _served(tmp_path, FORWARDED_ALLOW_IPS="*", FORWARDED_HOPS="2") as client:
        statuses = [_login(client, f"203.0.113.{n}, 198.51.100.5, 192.0.2.1") for n in range(4)]

    assert statuses == [401, 401, 401, 429]


def test_an_untrusted_peer_is_the_client_whatever_it_forwards(tmp_path: Path) -> None:
    with _served(tmp_path, FORWARDED_ALLOW_IPS="10.9.8.7") as client:  # the proxy, not the test client
        statuses = [_login(client, f"203.0.113.{n}") for n in range(4)]

    assert statuses == [401, 401, 401, 429]


def test_a_trusted_proxy_chain_gives_the_rightmost_untrusted_address(tmp_path: Path) -> None:
    with _served(tmp_path, FORWARDED_ALLOW_IPS="127.0.0.1, 10.0.0.0/8", FORWARDED_HOPS="3") as client:
        statuses = [_login(client, f"203.0.113.{n}, 198.51.100.5, 10.1.2.3") for n in range(4)]

    assert statuses == [401, 401, 401, 429]


def test_nginx_replaces_the_forwarded_address_and_compose_trusts_only_nginx() -> None:
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in nginx
    assert "$proxy_add_x_forwarded_for" not in nginx
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    trusted = compose["x-connector"]["environment"]["FORWARDED_ALLOW_IPS"]
    lb_address = compose["services"]["lb"]["networks"]["default"]["ipv4_address"]
    assert trusted == lb_address


@pytest.mark.parametrize("locked", [True, False])
def test_the_throttle_table_never_grows_past_its_bound(locked: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    from tripleseat_revel.kit import throttle as mod

    monkeypatch.setattr(mod, "MAX_CLIENTS", 50)
    table = mod.FailureThrottle(mod.ThrottlePolicy(max_failures=1 if locked else 5))
    for n in range(500):
        table.failed(f"10.0.{n // 256}.{n % 256}")

    assert len(table._clients) <= 50
