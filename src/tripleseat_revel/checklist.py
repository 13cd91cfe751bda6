"""The production checklist `serve` and `worker` run at start: every unsafe setting, one line each.

A policy relaxed on purpose has its own switch (SMTP_ALLOW_PLAINTEXT, ALLOW_INSECURE_HTTP); nothing
unsafe is silently accepted. docs/security.md lists the same checks for the operator.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from tripleseat_revel.config import Settings
from tripleseat_revel.notify.transports import SmtpTransport

MIN_SECRET = 32
KEYGEN = "`tripleseat-revel keygen` makes one"
Check = Callable[[Settings], str | None]


def _admin_token(settings: Settings) -> str | None:
    token = settings.ADMIN_TOKEN
    if token is not None and len(token.get_secret_value()) < MIN_SECRET:
        length = len(token.get_secret_value())
        return f"ADMIN_TOKEN: {length} characters; at least {MIN_SECRET} are required ({KEYGEN})"
    return None


def _session_secret(settings: Settings) -> str | None:
    secret = settings.SESSION_SECRET
    if secret is None:
        return None  # generated once and kept in the database
    if len(secret.get_secret_value()) < MIN_SECRET:
        return f"SESSION_SECRET: at least {MIN_SECRET} characters are required (or leave it unset)"
    if settings.ADMIN_TOKEN is not None and secret == settings.ADMIN_TOKEN:
        return "SESSION_SECRET: must not be the admin token (or leave it unset)"
    return None


def _token_key(settings: Settings) -> str | None:
    if settings.TOKEN_ENCRYPTION_KEY is None:
        return f"TOKEN_ENCRYPTION_KEY: not set, so OAuth tokens would be stored in plain text ({KEYGEN})"
    return None


def _smtp(settings: Settings, offers_tls: Callable[[SmtpTransport], bool]) -> str | None:
    if settings.SMTP_CA_FILE is not None and not settings.SMTP_CA_FILE.is_file():
        return f"SMTP_CA_FILE: {settings.SMTP_CA_FILE}: file not found"
    if settings.SMTP_URL is None or settings.SENDGRID_API_KEY is not None:
        return None
    smtp = SmtpTransport(settings.SMTP_URL.get_secret_value(), allow_plaintext=settings.SMTP_ALLOW_PLAINTEXT)
    if not smtp.has_credentials or smtp.implicit_tls or smtp.allow_plaintext:
        return None
    try:
        if offers_tls(smtp):
            return None
    except OSError:
        return None  # unreachable now: each send checks again, and an alert waits for the relay
    return (
        f"SMTP_URL: the relay {smtp.host}:{smtp.port} offers no STARTTLS, so its password would go "
        "in clear (use smtps://, a relay with STARTTLS, or SMTP_ALLOW_PLAINTEXT=true)"
    )


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _public_url(settings: Settings, host: str) -> str | None:
    if _loopback(host) or settings.ALLOW_INSECURE_HTTP:
        return None
    if not (settings.PUBLIC_URL or "").startswith("https://"):
        return (
            f"PUBLIC_URL: not https while serving on {host}, so the session cookie would not be "
            "Secure (set PUBLIC_URL=https://..., or ALLOW_INSECURE_HTTP=true on a private network)"
        )
    return None


def unsafe_settings(
    settings: Settings,
    *,
    web_host: str | None,
    offers_tls: Callable[[SmtpTransport], bool] = SmtpTransport.offers_tls,
) -> list[str]:
    """One line per unsafe setting (empty: safe to start). `web_host` is the interface `serve`
    listens on (None for `worker`, which serves no page); `offers_tls` asks the SMTP relay."""
    problems = [check(settings) for check in (_admin_token, _session_secret, _token_key)]
    problems.append(_smtp(settings, offers_tls))
    if web_host is not None:
        problems.append(_public_url(settings, web_host))
    return [problem for problem in problems if problem is not None]


def start_warnings(
    settings: Settings, *, offers_tls: Callable[[SmtpTransport], bool] = SmtpTransport.offers_tls
) -> list[str]:
    """Settings that are allowed but worth a line at start (`serve` and `worker` print them with
    `!` and start): an SMTP relay without STARTTLS gets no password, yet the alerts still cross
    the network in clear."""
    if settings.SMTP_URL is None or settings.SENDGRID_API_KEY is not None or settings.SMTP_ALLOW_PLAINTEXT:
        return []
    smtp = SmtpTransport(settings.SMTP_URL.get_secret_value(), ca_file=settings.SMTP_CA_FILE)
    if smtp.implicit_tls or smtp.has_credentials:  # with a password it is a refusal (`_smtp`)
        return []
    try:
        if offers_tls(smtp):
            return []
    except OSError:
        return []
    return [
        f"SMTP_URL: the relay {smtp.host}:{smtp.port} offers no STARTTLS, so the alerts (event names, "
        "customers, amounts) go to it in clear (use a relay with STARTTLS or smtps://, or "
        "SMTP_ALLOW_PLAINTEXT=true for a trusted local relay)"
    ]
