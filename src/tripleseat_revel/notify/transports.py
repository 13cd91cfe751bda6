"""Email transports: SendGrid, SMTP, or the default file outbox (./var/outbox/*.eml)."""

from __future__ import annotations

import smtplib
import ssl
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from tripleseat_revel.logging import get_logger

log = get_logger(__name__)


class Transport(Protocol):
    name: str

    def send(self, message: EmailMessage) -> None: ...


class FileOutbox:
    """Writes each email as an .eml file (the default without SMTP_URL or SENDGRID_API_KEY)."""

    name = "file"

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S")
        slug = "".join(c if c.isalnum() else "-" for c in str(message["Subject"]))[:60].strip("-")
        path = self.directory / f"{stamp}-{time.monotonic_ns() % 10**9:09d}-{slug}.eml"
        path.write_bytes(message.as_bytes())
        log.info("email.outbox", path=str(path), subject=str(message["Subject"]))


class SmtpTransport:
    """SMTP_URL = smtp://user:password@host:port (STARTTLS when offered) or smtps://... (TLS)."""

    name = "smtp"

    def __init__(self, url: str, timeout: float = 20) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://user:password@host:587")
        self.tls = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    def send(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        if self.tls:
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=context
            )
        else:
            server = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with server:
            if not self.tls and server.has_extn("starttls"):
                server.starttls(context=context)
            if self.username and self.password:
                server.login(self.username, self.password)
            server.send_message(message)

    def check(self) -> list[str]:
        """Talk to the server without sending (EHLO, STARTTLS, login): what it answered, in
        words; raises (smtplib.SMTPException, OSError) when it does not answer as it should."""
        context = ssl.create_default_context()
        said: list[str] = []
        server: smtplib.SMTP = (
            smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
            if self.tls
            else smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        )
        with server:
            code, _ = server.ehlo()
            if code != 250:
                raise smtplib.SMTPResponseException(code, b"EHLO refused")
            said.append("EHLO 250")
            if self.tls:
                said.append("TLS")
            elif server.has_extn("starttls"):
                server.starttls(context=context)
                server.ehlo()
                said.append("STARTTLS")
            else:
                said.append("no STARTTLS offered")
            if self.username and self.password:
                server.login(self.username, self.password)
                said.append("login accepted")
        return said


class SendGridTransport:
    name = "sendgrid"

    def __init__(self, api_key: str, api_url: str = "https://api.sendgrid.com") -> None:
        self.api_key = api_key
        self.api_url = api_url.rstrip("/")

    def check(self, timeout: float = 20) -> int:
        """A read-only call (`GET /v3/scopes`): the HTTP status SendGrid answered with this key."""
        import httpx

        response = httpx.get(
            f"{self.api_url}/v3/scopes",
            headers={"Authorization": f"Bearer {self.api_key}"},
            timeout=timeout,
        )
        return response.status_code

    def send(self, message: EmailMessage) -> None:
        from sendgrid import SendGridAPIClient
        from sendgrid.helpers.mail import Mail

        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        mail = Mail(
            from_email=str(message["From"]),
            to_emails=[a.strip() for a in str(message["To"]).split(",")],
            subject=str(message["Subject"]),
            plain_text_content=text.get_content() if text else None,
            html_content=html.get_content() if html else None,
        )
        response = SendGridAPIClient(self.api_key, host=self.api_url).send(mail)
        if response.status_code >= 300:
            raise RuntimeError(f"SendGrid answered {response.status_code}")
