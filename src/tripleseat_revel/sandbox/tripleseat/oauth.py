"""TripleSeat's OAuth 2.0 server (Doorkeeper-like): client credentials, authorization code and
rotating refresh tokens, plus the Bearer check every `/v1/*` call goes through."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlencode

from tripleseat_revel.sandbox.clock import ClockLike

OAuthVariant = Literal["client_credentials", "client_credentials_resource_owner_missing"]
Grant = Literal["client_credentials", "authorization_code", "refresh_token"]
DEFAULT_SCOPE = "events:read events:write"

INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the redirection "
    "URI used in the authorization request, or was issued to another client."
)
INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication included, or "
    "unsupported authentication method."
)


class OAuthError(Exception):
    """An error of the token or authorize endpoint, in Doorkeeper's JSON shape."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(error)
        self.status = status
        self.body = {"error": error, "error_description": description}


class AuthFailure(Exception):
    """A `/v1/*` call whose Bearer token is missing, unknown, expired or lacks a resource owner."""

    def __init__(self, body: dict[str, Any], *, owner_missing: bool = False) -> None:
        super().__init__(body.get("error_description") or body.get("error"))
        self.body = body
        self.owner_missing = owner_missing


@dataclass
class AccessToken:
    token: str
    client_id: str
    grant: Grant
    scope: str
    created_at: datetime
    expires_at: datetime
    revoked: bool = False


@dataclass
class RefreshToken:
    token: str
    client_id: str
    scope: str
    revoked: bool = False


@dataclass
class AuthCode:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    expires_at: datetime
    used: bool = False


class OAuthServer:
    """Issues and checks tokens. One registered client; `expires_in` applies to new tokens."""

    def __init__(self, client_id: str, client_secret: str, clock: ClockLike, expires_in: int = 7200) -> None:
        self.clients = {client_id: client_secret}
        self.clock = clock
        self.expires_in = expires_in
        self.access: dict[str, AccessToken] = {}
        self.refresh: dict[str, RefreshToken] = {}
        self.codes: dict[str, AuthCode] = {}

    # ---------------------------------------------------------------- issuing

    def mint_refresh_token(self, client_id: str, token: str | None = None, scope: str = DEFAULT_SCOPE) -> str:
        """A valid refresh token for `client_id` (as if a user had authorised the app)."""
        value = token or secrets.token_urlsafe(32)
        self.refresh[value] = RefreshToken(value, client_id, scope)
        return value

    def token(self, params: dict[str, str], authorization: str | None = None) -> dict[str, Any]:
        """The token endpoint: `params` is the form (or JSON) body."""
        client_id = self._authenticate_client(params, authorization)
        grant = params.get("grant_type", "")
        if grant == "client_credentials":
            return self._issue(client_id, "client_credentials", params.get("scope") or DEFAULT_SCOPE)
        if grant == "refresh_token":
            return self._refresh(client_id, params.get("refresh_token", ""))
        if grant == "authorization_code":
            return self._exchange_code(client_id, params)
        if not grant:
            raise OAuthError(400, "invalid_request", "Missing required parameter: grant_type.")
        raise OAuthError(
            400,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
        )

    def _authenticate_client(self, params: dict[str, str], authorization: str | None) -> str:
        client_id, secret = params.get("client_id", ""), params.get("client_secret", "")
        if authorization and authorization.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(authorization[6:]).decode()
            except (ValueError, UnicodeDecodeError):
                decoded = ":"
            client_id, _, secret = decoded.partition(":")
        expected = self.clients.get(client_id)
        if expected is None or not secrets.compare_digest(expected, secret):
            raise OAuthError(401, "invalid_client", INVALID_CLIENT)
        return client_id

    def _issue(self, client_id: str, grant: Grant, scope: str) -> dict[str, Any]:
        now = self.clock.now()
        token = AccessToken(
            secrets.token_urlsafe(32),
            client_id,
            grant,
            scope,
            now,
            now + timedelta(seconds=self.expires_in),
        )
        self.access[token.token] = token
        body: dict[str, Any] = {
            "access_token": token.token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "scope": scope,
            "created_at": int(now.timestamp()),
        }
        if grant != "client_credentials":
            # Rotating refresh tokens: every user-context issue comes with a fresh one.
            body["refresh_token"] = self.mint_refresh_token(client_id, scope=scope)
        return body

    def _refresh(self, client_id: str, value: str) -> dict[str, Any]:
        record = self.refresh.get(value)
        if record is None or record.revoked or record.client_id != client_id:
            raise OAuthError(400, "invalid_grant", INVALID_GRANT)
        record.revoked = True
        return self._issue(client_id, "refresh_token", record.scope)

    def _exchange_code(self, client_id: str, params: dict[str, str]) -> dict[str, Any]:
        code = self.codes.get(params.get("code", ""))
        valid = (
            code is not None
            and not code.used
            and code.client_id == client_id
            and code.redirect_uri == params.get("redirect_uri", "")
            and code.expires_at > self.clock.now()
        )
        if code is None or not valid:
            raise OAuthError(400, "invalid_grant", INVALID_GRANT)
        code.used = True
        return self._issue(client_id, "authorization_code", code.scope)

    def authorize(self, params: dict[str, str]) -> str:
        """Auto-approve an authorization request; return the redirect URL with `code`, `state`."""
        client_id, redirect_uri = params.get("client_id", ""), params.get("redirect_uri", "")
        if client_id not in self.clients:
            raise OAuthError(401, "invalid_client", INVALID_CLIENT)
        if not redirect_uri.startswith(("http://", "https://")):
            raise OAuthError(400, "invalid_redirect_uri", "The requested redirect uri is malformed.")
        if params.get("response_type") != "code":
            raise OAuthError(
                400,
                "unsupported_response_type",
                "The authorization server does not support this response type.",
            )
        code = AuthCode(
            secrets.token_urlsafe(24),
            client_id,
            redirect_uri,
            params.get("scope") or DEFAULT_SCOPE,
            self.clock.now() + timedelta(minutes=10),
        )
        self.codes[code.code] = code
        query = {"code": code.code, **({"state": params["state"]} if "state" in params else {})}
        separator = "&" if "?" in redirect_uri else "?"
        return f"{redirect_uri}{separator}{urlencode(query)}"

    # ---------------------------------------------------------------- checking

    def client_of(self, token: str | None) -> str | None:
        record = self.access.get(token or "")
        return record.client_id if record else None

    def check(self, authorization: str | None, variant: OAuthVariant) -> AccessToken:
        """The access token behind an `Authorization: Bearer …` header, or AuthFailure."""
        scheme, _, value = (authorization or "").partition(" ")
        record = self.access.get(value.strip()) if scheme.lower() == "bearer" else None
        if record is None:
            raise AuthFailure(_invalid("The access token is invalid"))
        if record.revoked:
            raise AuthFailure(_invalid("The access token was revoked"))
        if record.expires_at <= self.clock.now():
            raise AuthFailure(_invalid("The access token expired"))
        if variant == "client_credentials_resource_owner_missing" and record.grant == "client_credentials":
            raise AuthFailure({"error": "Token resource owner not found"}, owner_missing=True)
        return record


def _invalid(description: str) -> dict[str, Any]:
    return {"error": "invalid_token", "error_description": description, "state": "unauthorized"}
