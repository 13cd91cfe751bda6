"""Finding 4: behind a TLS-terminating proxy the session cookie is still `Secure`, and browsers
are told to keep to https (HSTS), whenever PUBLIC_URL is https; the proxies whose forwarded
headers are believed are a setting (FORWARDED_ALLOW_IPS) that reaches uvicorn."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.web.dashboard.conftest import build, serving
from tripleseat_revel.web.app import create_app
from tripleseat_revel.web.dashboard.session import COOKIE
from tripleseat_revel.web.serving import serve_in_thread, uvicorn_options

HSTS = "Strict-Transport-Security"


def _session_cookie(response: httpx.Response) -> str:
    (cookie,) = [c for c in response.headers.get_list("set-cookie") if c.startswith(f"{COOKIE}=")]
    return cookie


def test_an_https_public_url_makes_the_cookie_secure_and_sends_hsts(tmp_path: Path) -> None:
    rt = build(tmp_path, PUBLIC_URL="https://ops.example.com")
    with serving(rt) as dash:  # plain http from the proxy, as nginx or Render would send it
        response = dash.client.get("/login")
        health = dash.client.get("/healthz")
    rt.close()

    assert "secure" in _session_cookie(response).lower()
    assert response.headers[HSTS].startswith("max-age=31536000")
    assert health.headers[HSTS] == response.headers[HSTS]


def test_without_https_no_hsts_and_no_secure_flag_on_plain_http(tmp_path: Path) -> None:
    rt = build(tmp_path)
    with serving(rt) as dash:
        response = dash.client.get("/login")
    rt.close()

    assert HSTS not in response.headers
    assert "secure" not in _session_cookie(response).lower()


@contextmanager
def _served(tmp_path: Path, **settings: Any) -> Iterator[str]:
    rt = build(tmp_path, **settings)
    web = serve_in_thread(create_app(rt), **uvicorn_options(rt.settings))
    try:
        yield web.url
    finally:
        web.stop()
        rt.close()


def _secure_behind_proxy(url: str) -> bool:
    response = httpx.get(f"{url}/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "1.2.3.4"})
    return "secure" in _session_cookie(response).lower()


def test_a_trusted_proxy_forwarding_https_makes_the_cookie_secure(tmp_path: Path) -> None:
    with _served(tmp_path, FORWARDED_ALLOW_IPS="127.0.0.0/8") as url:
        assert _secure_behind_proxy(url) is True


def test_an_untrusted_client_cannot_claim_https_by_header(tmp_path: Path) -> None:
    with _served(tmp_path, FORWARDED_ALLOW_IPS="10.9.8.7") as url:  # not the test client
        assert _secure_behind_proxy(url) is False
