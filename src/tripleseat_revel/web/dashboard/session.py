"""The dashboard session: a signed, expiring cookie (itsdangerous), nothing stored server-side.

The cookie holds who logged in, the CSRF token of their forms, and a tag of the ADMIN_TOKEN it was
opened with (rotating the token ends every session). It is HttpOnly, SameSite=Lax, Secure when the
request came over https, and expires after `MAX_AGE`. One-shot "flash" messages ride in a second
signed cookie between a form's redirect and the page it lands on.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from tripleseat_revel.config import ConfigError, Settings
from tripleseat_revel.integrations.tripleseat.onboarding import signing_secret

COOKIE = "tsr_session"
FLASH_COOKIE = "tsr_flash"
MAX_AGE = 12 * 3600
FLASH_MAX_AGE = 120
_SALT = "tripleseat-revel/dashboard-session"
_FLASH_SALT = "tripleseat-revel/dashboard-flash"


@dataclass(frozen=True)
class Session:
    """A browser's session: anonymous (login form only) until `user` is set."""

    csrf: str
    user: str | None = None
    token_tag: str | None = None

    @property
    def logged_in(self) -> bool:
        return self.user is not None


@dataclass(frozen=True)
class Flash:
    level: str  # success | info | warning | error
    text: str


def token_tag(settings: Settings) -> str | None:
    """A short digest of ADMIN_TOKEN: a session opened with an older token is void."""
    if settings.ADMIN_TOKEN is None:
        return None
    digest = hashlib.sha256(b"dashboard:" + settings.ADMIN_TOKEN.get_secret_value().encode())
    return digest.hexdigest()[:16]


def new_session(user: str | None = None, tag: str | None = None) -> Session:
    return Session(csrf=secrets.token_urlsafe(32), user=user, token_tag=tag)


def _serializer(settings: Settings, salt: str) -> URLSafeTimedSerializer | None:
    try:
        return URLSafeTimedSerializer(signing_secret(settings), salt=salt)
    except ConfigError:
        return None  # neither SESSION_SECRET nor ADMIN_TOKEN: nobody can log in anyway


def _load(settings: Settings, salt: str, raw: str | None, max_age: int) -> Any:
    serializer = _serializer(settings, salt)
    if serializer is None or not raw:
        return None
    try:
        return serializer.loads(raw, max_age=max_age)
    except BadSignature:  # tampered, signed with another secret, or expired
        return None


def read_session(request: Request, settings: Settings) -> Session | None:
    """The request's valid session, or None (absent, forged, expired, or from an old token)."""
    data = _load(settings, _SALT, request.cookies.get(COOKIE), MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("csrf"), str):
        return None
    user = data.get("user")
    if user is not None and (not isinstance(user, str) or data.get("tag") != token_tag(settings)):
        return None
    return Session(csrf=data["csrf"], user=user, token_tag=data.get("tag"))


def _cookie_flags(request: Request) -> dict[str, Any]:
    return {"path": "/", "httponly": True, "samesite": "lax", "secure": request.url.scheme == "https"}


def write_session(response: Response, request: Request, settings: Settings, session: Session) -> None:
    serializer = _serializer(settings, _SALT)
    if serializer is None:
        return
    value = serializer.dumps({"csrf": session.csrf, "user": session.user, "tag": session.token_tag})
    response.set_cookie(COOKIE, str(value), max_age=MAX_AGE, **_cookie_flags(request))


def clear_session(response: Response, request: Request) -> None:
    response.delete_cookie(COOKIE, **_cookie_flags(request))


def add_flash(response: Response, request: Request, settings: Settings, level: str, text: str) -> None:
    """Leave a message for the page the browser is redirected to."""
    serializer = _serializer(settings, _FLASH_SALT)
    if serializer is not None:
        value = serializer.dumps({"level": level, "text": text[:600]})
        response.set_cookie(FLASH_COOKIE, str(value), max_age=FLASH_MAX_AGE, **_cookie_flags(request))


def take_flash(request: Request, settings: Settings) -> Flash | None:
    """The message left for this page, if any (the caller clears the cookie)."""
    data = _load(settings, _FLASH_SALT, request.cookies.get(FLASH_COOKIE), FLASH_MAX_AGE)
    if not isinstance(data, dict):
        return None
    return Flash(level=str(data.get("level", "info")), text=str(data.get("text", "")))


def clear_flash(response: Response, request: Request) -> None:
    response.delete_cookie(FLASH_COOKIE, **_cookie_flags(request))
