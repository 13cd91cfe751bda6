"""TripleSeat OAuth 2.0 authorization-code onboarding: the authorize URL and the code exchange.

The `state` parameter is a random nonce kept (hashed) in the database, issued only to a logged-in
dashboard session (`GET /oauth/start`), valid 15 minutes, and consumed once by the callback, which
must come back in that same session. So a state cannot be replayed, used from another browser, or
used by someone not logged in: nobody can bind the connector to another TripleSeat account.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlencode

import sqlalchemy as sa

from tripleseat_revel.config import ConfigError, Settings
from tripleseat_revel.db import Database
from tripleseat_revel.integrations.tripleseat.client import TripleSeatClient
from tripleseat_revel.models import OAuthState

STATE_MAX_AGE = 15 * 60
CALLBACK_PATH = "/oauth/callback"
START_PATH = "/oauth/start"


class OnboardingError(Exception):
    pass


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def redirect_uri(settings: Settings, base_url: str | None = None) -> str:
    base = base_url or settings.PUBLIC_URL or f"http://localhost:{settings.PORT}"
    return base.rstrip("/") + CALLBACK_PATH


def issue_state(db: Database, session_key: str, now: datetime) -> str:
    """A new single-use state for the dashboard session identified by `session_key`."""
    nonce = secrets.token_urlsafe(32)
    with db.session() as session:
        expired = now - timedelta(days=1)
        session.execute(sa.delete(OAuthState).where(OAuthState.created_at < expired))
        session.add(OAuthState(nonce_hash=_digest(nonce), session_hash=_digest(session_key), created_at=now))
    return nonce


def authorize_url(settings: Settings, state: str, base_url: str | None = None) -> str:
    """The URL a TripleSeat admin opens to authorise the connector."""
    if not settings.TRIPLESEAT_CLIENT_ID:
        raise ConfigError("environment/.env: TRIPLESEAT_CLIENT_ID: required for OAuth onboarding")
    query = {
        "client_id": settings.TRIPLESEAT_CLIENT_ID,
        "redirect_uri": redirect_uri(settings, base_url),
        "response_type": "code",
        "scope": settings.TRIPLESEAT_OAUTH_SCOPE,
        "state": state,
    }
    return f"{settings.TRIPLESEAT_AUTHORIZE_URL}?{urlencode(query)}"


def _why_refused(row: OAuthState | None, session_key: str, now: datetime) -> str | None:
    if row is None:
        return "the state parameter is not ours"
    if row.used_at is not None:
        return "this authorisation was already used; start again from the dashboard"
    if not secrets.compare_digest(row.session_hash, _digest(session_key)):
        return "this authorisation was started in another dashboard session"
    if row.created_at < now - timedelta(seconds=STATE_MAX_AGE):
        return "the authorisation link expired; start again from the dashboard"
    return None


def consume_state(db: Database, state: str, session_key: str, now: datetime) -> None:
    """Use `state` up, or raise OnboardingError saying why it is refused.

    One atomic UPDATE that only an unused, unexpired state of this session matches: of racing
    callbacks exactly one changes the row (a read-then-write let two through on SQLite)."""
    nonce_hash = _digest(state)
    consume = (
        sa.update(OAuthState)
        .where(
            OAuthState.nonce_hash == nonce_hash,
            OAuthState.used_at.is_(None),
            OAuthState.session_hash == _digest(session_key),
            OAuthState.created_at >= now - timedelta(seconds=STATE_MAX_AGE),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    with db.session() as session:
        if session.execute(consume).rowcount == 1:  # type: ignore[attr-defined]
            return
    with db.session() as session:
        reason = _why_refused(session.get(OAuthState, nonce_hash), session_key, now)
    raise OnboardingError(reason or "this authorisation was already used; start again from the dashboard")


def complete(
    settings: Settings,
    db: Database,
    client: TripleSeatClient,
    grant: tuple[str, str, str],
    now: datetime,
    base_url: str | None = None,
) -> None:
    """`grant` = (code, state, session key): consume the state, exchange the code for tokens and
    store them (never logged)."""
    code, state, session_key = grant
    consume_state(db, state, session_key, now)
    client.exchange_code(code, redirect_uri(settings, base_url))
