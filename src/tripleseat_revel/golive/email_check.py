"""The doctor's email checks: the transport answers (SMTP EHLO/STARTTLS/login, or SendGrid's key
accepted by a read-only call), and PUBLIC_URL is set when emails link to the dashboard."""

from __future__ import annotations

import smtplib

import httpx

from tripleseat_revel.config import Settings
from tripleseat_revel.golive.report import Check, fail, ok, warn
from tripleseat_revel.notify.transports import SendGridTransport, SmtpTransport

AREA = "email"


def checks(settings: Settings) -> list[Check]:
    return [transport(settings), public_url(settings)]


def transport(settings: Settings) -> Check:
    if settings.SENDGRID_API_KEY is not None:
        return _sendgrid(
            SendGridTransport(settings.SENDGRID_API_KEY.get_secret_value(), settings.SENDGRID_API_URL)
        )
    if settings.SMTP_URL is not None:
        return _smtp(settings)
    return warn(
        AREA,
        "transport",
        f"no SMTP_URL or SENDGRID_API_KEY: alerts go to {settings.OUTBOX_DIR} only",
        "set SMTP_URL or SENDGRID_API_KEY so alerts reach people",
    )


def _sendgrid(sender: SendGridTransport) -> Check:
    name = "SendGrid"
    try:
        status = sender.check(timeout=10)
    except httpx.HTTPError as exc:
        return fail(AREA, name, f"no answer: {type(exc).__name__}", "check SENDGRID_API_URL and the network")
    if status in (401, 403):
        return fail(
            AREA,
            name,
            f"the API key was refused ({status})",
            "create a SendGrid key with Mail Send and set SENDGRID_API_KEY",
        )
    if status >= 300:
        return fail(AREA, name, f"answered {status}", "check SendGrid's status and SENDGRID_API_URL")
    return ok(AREA, name, "the API key is accepted")


def _smtp(settings: Settings) -> Check:
    name = "SMTP"
    assert settings.SMTP_URL is not None
    try:
        server = SmtpTransport(
            settings.SMTP_URL.get_secret_value(),
            allow_plaintext=settings.SMTP_ALLOW_PLAINTEXT,
            ca_file=settings.SMTP_CA_FILE,
            timeout=10,
        )
    except ValueError as exc:
        return fail(AREA, name, str(exc), "set SMTP_URL as smtp://user:password@host:587")
    where = f"{server.host}:{server.port}"
    try:
        said = server.check()
    except smtplib.SMTPAuthenticationError:
        return fail(AREA, name, f"{where} refused the login", "correct the user and password in SMTP_URL")
    except (smtplib.SMTPException, OSError) as exc:
        return fail(
            AREA,
            name,
            f"{where}: {type(exc).__name__}: {exc}",
            "check SMTP_URL's host and port, and that the server is up",
        )
    if "no STARTTLS offered" in said:
        return warn(
            AREA,
            name,
            f"{where}: {', '.join(said)} (mail would travel unencrypted)",
            "use a server that offers STARTTLS, or smtps://",
        )
    return ok(AREA, name, f"{where}: {', '.join(said)}")


def public_url(settings: Settings) -> Check:
    name = "PUBLIC_URL"
    if settings.PUBLIC_URL:
        return ok(AREA, name, settings.PUBLIC_URL)
    if settings.email_recipients:
        return fail(
            AREA,
            name,
            "not set: alert emails cannot link to the dashboard",
            "set PUBLIC_URL to the connector's public address (https://...)",
        )
    return warn(
        AREA, name, "not set (no EMAIL_TO, so no alert emails link to it)", "set PUBLIC_URL before going live"
    )
