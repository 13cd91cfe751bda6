"""TripleSeat OAuth 2.0: token grants, rotation, expiry, and how /v1 answers bad tokens."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

from tripleseat_revel.integrations.tripleseat.schemas import TokenResponse
from tripleseat_revel.sandbox.clock import Clock

from .conftest import Api

CLIENT = {"client_id": "sandbox-client", "client_secret": "sandbox-secret"}
EVENT = "/v1/events/55521609.json"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_client_credentials_token_has_doorkeeper_shape(ts: Api) -> None:
    response = ts.post("/oauth2/token", data={"grant_type": "client_credentials", **CLIENT})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    token = TokenResponse.model_validate(response.json())
    assert token.token_type == "Bearer"
    assert token.expires_in == 7200
    assert len(token.access_token) == 43
    assert token.refresh_token is None  # client credentials get no refresh token
    assert token.created_at == 1795636800  # the pinned clock
    assert ts.get(EVENT, headers=bearer(token.access_token)).status_code == 200


def test_token_endpoint_accepts_json_bodies_basic_auth_and_the_old_path(ts: Api) -> None:
    as_json = ts.post("/oauth2/token", json={"grant_type": "client_credentials", **CLIENT})
    basic = base64.b64encode(b"sandbox-client:sandbox-secret").decode()
    with_basic = ts.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    old_path = ts.post("/oauth/token", data={"grant_type": "client_credentials", **CLIENT})
    assert [r.status_code for r in (as_json, with_basic, old_path)] == [200, 200, 200]


def test_wrong_client_secret_is_invalid_client(ts: Api) -> None:
    response = ts.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": "sandbox-client", "client_secret": "x"},
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_unknown_and_missing_grant_types(ts: Api) -> None:
    unknown = ts.post("/oauth2/token", data={"grant_type": "password", **CLIENT})
    missing = ts.post("/oauth2/token", data=CLIENT)
    assert (unknown.status_code, unknown.json()["error"]) == (400, "unsupported_grant_type")
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_request")


def test_refresh_tokens_rotate_and_the_old_one_dies(ts: Api) -> None:
    first = ts.post(
        "/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": "sandbox-refresh-token", **CLIENT},
    )
    assert first.status_code == 200
    rotated = first.json()["refresh_token"]
    assert rotated
    assert rotated != "sandbox-refresh-token"
    reuse = ts.post(
        "/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": "sandbox-refresh-token", **CLIENT},
    )
    assert reuse.status_code == 400
    assert reuse.json()["error"] == "invalid_grant"
    second = ts.post(
        "/oauth2/token", data={"grant_type": "refresh_token", "refresh_token": rotated, **CLIENT}
    )
    assert second.status_code == 200
    assert second.json()["refresh_token"] not in (rotated, "sandbox-refresh-token")
    assert ts.get(EVENT, headers=bearer(second.json()["access_token"])).status_code == 200


def test_authorization_code_flow_redirects_then_exchanges_once(ts: Api) -> None:
    redirect_uri = "https://connector.example/oauth/callback"
    response = ts.get(
        "/oauth2/authorize",
        params={
            "client_id": "sandbox-client",
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": "events:read",
            "state": "xyz",
        },
        follow_redirects=False,
    )
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == redirect_uri
    query = parse_qs(location.query)
    assert query["state"] == ["xyz"]
    body = {
        "grant_type": "authorization_code",
        "code": query["code"][0],
        "redirect_uri": redirect_uri,
        **CLIENT,
    }
    exchanged = ts.post("/oauth2/token", data=body)
    assert exchanged.status_code == 200
    token = TokenResponse.model_validate(exchanged.json())
    assert token.refresh_token
    assert token.scope == "events:read"
    again = ts.post("/oauth2/token", data=body)
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")


def test_authorization_code_needs_the_same_redirect_uri(ts: Api) -> None:
    response = ts.get(
        "/oauth2/authorize",
        params={
            "client_id": "sandbox-client",
            "redirect_uri": "https://a.example/cb",
            "response_type": "code",
        },
        follow_redirects=False,
    )
    code = parse_qs(urlsplit(response.headers["location"]).query)["code"][0]
    exchanged = ts.post(
        "/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "https://b.example/cb",
            **CLIENT,
        },
    )
    assert exchanged.status_code == 400


def test_missing_and_unknown_tokens_get_401_json(ts: Api) -> None:
    missing = ts.get(EVENT)
    unknown = ts.get(EVENT, headers=bearer("not-a-token"))
    for response in (missing, unknown):
        assert response.status_code == 401
        assert response.json() == {
            "error": "invalid_token",
            "error_description": "The access token is invalid",
            "state": "unauthorized",
        }
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_tokens_expire_after_expires_in(ts: Api, token: str, clock: Clock) -> None:
    assert ts.get(EVENT, headers=bearer(token)).status_code == 200
    clock.advance(7200)
    expired = ts.get(EVENT, headers=bearer(token))
    assert expired.status_code == 401
    assert expired.json()["error_description"] == "The access token expired"


def test_a_shorter_expires_in_setting_applies_to_new_tokens(ts: Api, clock: Clock) -> None:
    assert ts.put("/_sandbox/settings", json={"expires_in": 60}).json()["expires_in"] == 60
    token = ts.post("/oauth2/token", data={"grant_type": "client_credentials", **CLIENT}).json()
    assert token["expires_in"] == 60
    clock.advance(61)
    assert ts.get(EVENT, headers=bearer(token["access_token"])).status_code == 401


def test_resource_owner_missing_variant_rejects_client_credentials_tokens(ts: Api, token: str) -> None:
    ts.put("/_sandbox/settings", json={"oauth_variant": "client_credentials_resource_owner_missing"})
    response = ts.get(EVENT, headers=bearer(token))
    assert response.status_code == 401
    assert response.json() == {"error": "Token resource owner not found"}
    user_token = ts.post(
        "/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": "sandbox-refresh-token", **CLIENT},
    ).json()["access_token"]
    assert ts.get(EVENT, headers=bearer(user_token)).status_code == 200


def test_html_auth_failure_variant_answers_a_login_page(ts: Api) -> None:
    ts.put("/_sandbox/settings", json={"auth_failure_style": "html"})
    response = ts.get(EVENT, headers=bearer("stale"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Log in to Tripleseat" in response.text


def test_minted_refresh_tokens_work_once(ts: Api) -> None:
    minted = ts.post("/_sandbox/oauth/refresh-token").json()["refresh_token"]
    body = {"grant_type": "refresh_token", "refresh_token": minted, **CLIENT}
    assert ts.post("/oauth2/token", data=body).status_code == 200
    assert ts.post("/oauth2/token", data=body).status_code == 400
