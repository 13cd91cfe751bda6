"""TripleSeat OAuth 2.0 authorization-code onboarding: the authorize URL and the code exchange.

The `state` parameter is signed and expires (15 minutes), so a callback cannot be forged or replayed.
"""

from __future__ import annotations

import hashlib
import secrets
from urllib.parse import urlencode

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from tripleseat_revel.config import ConfigError, Settings
from tripleseat_revel.integrations.tripleseat.client import TripleSeatClient

STATE_MAX_AGE = 15 * 60
CALLBACK_PATH = "/oauth/callback"


def signing_secret(settings: Settings) -> str:
    """SESSION_SECRET, else one derived from ADMIN_TOKEN (both stay server-side)."""
    if settings.SESSION_SECRET is not None:
        return settings.SESSION_SECRET.get_secret_value()
    if settings.ADMIN_TOKEN is not None:
        return hashlib.sha256(
            b"tripleseat-revel/session:" + settings.ADMIN_TOKEN.get_secret_value().encode()
        ).hexdigest()
    raise ConfigError("environment/.env: SESSION_SECRET (or ADMIN_TOKEN): required to sign OAuth state")


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(signing_secret(settings), salt="tripleseat-oauth-state")


def redirect_uri(settings: Settings, base_url: str | None = None) -> str:
    base = base_url or settings.PUBLIC_URL or f"http://localhost:{settings.PORT}"
    return base.rstrip("/") + CALLBACK_PATH


def authorize_url(settings: Settings, base_url: str | None = None) -> str:
    """The URL a TripleSeat admin opens to authorise the connector."""
    if not settings.TRIPLESEAT_CLIENT_ID:
        raise ConfigError("environment/.env: TRIPLESEAT_CLIENT_ID: required for OAuth onboarding")
    state = _serializer(settings).dumps({"nonce": secrets.token_urlsafe(12)})
    query = {
        "client_id": settings.TRIPLESEAT_CLIENT_ID,
        "redirect_uri": redirect_uri(settings, base_url),
        "response_type": "code",
        "scope": settings.TRIPLESEAT_OAUTH_SCOPE,
        "state": state,
    }
    return f"{settings.TRIPLESEAT_AUTHORIZE_URL}?{urlencode(query)}"


class OnboardingError(Exception):
    pass


def complete(
    settings: Settings, client: TripleSeatClient, code: str, state: str, base_url: str | None = None
) -> None:
    """Check `state`, exchange `code` for tokens and store them (never logged)."""
    try:
        _serializer(settings).loads(state, max_age=STATE_MAX_AGE)
    except SignatureExpired as exc:
        raise OnboardingError(
            "the authorisation link expired; run `tripleseat-revel auth tripleseat` again"
        ) from exc
    except BadSignature as exc:
        raise OnboardingError("the state parameter is not ours") from exc
    client.exchange_code(code, redirect_uri(settings, base_url))
