"""The dashboard session: a signed, expiring cookie (itsdangerous), nothing stored server-side.

The cookie holds who logged in, the CSRF token of their forms, and a tag of the ADMIN_TOKEN it was
opened with (rotating the token ends every session). It is HttpOnly, SameSite=Lax, Secure when the
request came over https or PUBLIC_URL is https, and expires after `MAX_AGE`. One-shot "flash"
messages ride in a second signed cookie between a form's redirect and the page it lands on.

The signing key is SESSION_SECRET, else a random one generated once and kept in the database
(`session_secret`), never anything derived from the admin token: a cookie handed to anyone by
`GET /login` must not let them test admin token guesses offline. The token tag is keyed by the
same secret for the same reason.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from tripleseat_revel.config import Settings
from tripleseat_revel.db import Database
from tripleseat_revel.models import AppSecret
from tripleseat_revel.web.https import is_https

COOKIE = "tsr_session"
FLASH_COOKIE = "tsr_flash"
MAX_AGE = 12 * 3600
FLASH_MAX_AGE = 120
_SALT = "tripleseat-revel/dashboard-session"
_FLASH_SALT = "tripleseat-revel/dashboard-flash"
SECRET_NAME = "session_secret"  # noqa: S105 - the name of its row, not a secret


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


def stored_session_secret(settings: Settings, db: Database) -> str | None:
    """The generated session secret kept in the database, if any (re-encrypted under the first key
    when it is not); CipherError when TOKEN_ENCRYPTION_KEY cannot read it (checked at start)."""
    cipher = settings.token_cipher()
    with db.session() as session:
        row = session.get(AppSecret, SECRET_NAME)
        if row is None:
            return None
        value = cipher.decrypt(row.value, what="session secret") or ""
        if not cipher.is_current(row.value):  # stored before the key was set, or under an old one
            row.value = cipher.encrypt(value) or ""
        return value


def session_secret(settings: Settings, db: Database) -> str:
    """SESSION_SECRET, else this installation's own: generated once (32 random bytes), kept in the
    database encrypted, and so the same for every replica and across restarts."""
    if settings.SESSION_SECRET is not None:
        return settings.SESSION_SECRET.get_secret_value()
    stored = stored_session_secret(settings, db)
    if stored:
        return stored
    value = settings.token_cipher().encrypt(secrets.token_urlsafe(32)) or ""
    try:
        with db.session() as session:
            session.add(AppSecret(name=SECRET_NAME, value=value))
    except sa.exc.IntegrityError:
        pass  # another replica stored one first: theirs it is
    return stored_session_secret(settings, db) or ""


def _secret(request: Request) -> str:
    return str(request.app.state.session_secret)


def token_tag(request: Request, settings: Settings) -> str | None:
    """A keyed digest of ADMIN_TOKEN: a session opened with an older token is void, and the tag
    tells nothing about the token to whoever reads the cookie."""
    if settings.ADMIN_TOKEN is None:
        return None
    token = settings.ADMIN_TOKEN.get_secret_value().encode()
    return hmac.new(_secret(request).encode(), b"dashboard-token-tag:" + token, hashlib.sha256).hexdigest()[
        :32
    ]


def new_session(user: str | None = None, tag: str | None = None) -> Session:
    return Session(csrf=secrets.token_urlsafe(32), user=user, token_tag=tag)


def _load(request: Request, salt: str, raw: str | None, max_age: int) -> Any:
    if not raw:
        return None
    try:
        return URLSafeTimedSerializer(_secret(request), salt=salt).loads(raw, max_age=max_age)
    except BadSignature:  # tampered, signed with another secret, or expired
        return None


def read_session(request: Request, settings: Settings) -> Session | None:
    """The request's valid session, or None (absent, forged, expired, or from an old token)."""
    data = _load(request, _SALT, request.cookies.get(COOKIE), MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("csrf"), str):
        return None
    user = data.get("user")
    if user is not None and (not isinstance(user, str) or data.get("tag") != token_tag(request, settings)):
        return None
    return Session(csrf=data["csrf"], user=user, token_tag=data.get("tag"))


def _cookie_flags(request: Request) -> dict[str, Any]:
    secure = request.url.scheme == "https" or is_https(request.app.state.runtime.settings)
    return {"path": "/", "httponly": True, "samesite": "lax", "secure": secure}


def write_session(response: Response, request: Request, settings: Settings, session: Session) -> None:
    serializer = URLSafeTimedSerializer(_secret(request), salt=_SALT)
    value = serializer.dumps({"csrf": session.csrf, "user": session.user, "tag": session.token_tag})
    response.set_cookie(COOKIE, str(value), max_age=MAX_AGE, **_cookie_flags(request))


def clear_session(response: Response, request: Request) -> None:
    response.delete_cookie(COOKIE, **_cookie_flags(request))


def add_flash(response: Response, request: Request, settings: Settings, level: str, text: str) -> None:
    """Leave a message for the page the browser is redirected to."""
    serializer = URLSafeTimedSerializer(_secret(request), salt=_FLASH_SALT)
    value = serializer.dumps({"level": level, "text": text[:600]})
    response.set_cookie(FLASH_COOKIE, str(value), max_age=FLASH_MAX_AGE, **_cookie_flags(request))


def take_flash(request: Request, settings: Settings) -> Flash | None:
    """The message left for this page, if any (the caller clears the cookie)."""
    data = _load(request, _FLASH_SALT, request.cookies.get(FLASH_COOKIE), FLASH_MAX_AGE)
    if not isinstance(data, dict):
        return None
    return Flash(level=str(data.get("level", "info")), text=str(data.get("text", "")))


def clear_flash(response: Response, request: Request) -> None:
    response.delete_cookie(FLASH_COOKIE, **_cookie_flags(request))
