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


class SmtpRefused(Exception):
    """The relay cannot be given the credentials safely (no STARTTLS offered)."""


class SmtpTransport:
    """SMTP_URL = smtp://user:password@host:port (STARTTLS) or smtps://... (TLS from the start).

    On smtp:// STARTTLS is negotiated whenever the relay offers it (asked after EHLO), and the
    relay's certificate is verified (system CAs, or `ca_file` for a private relay). Credentials are
    never sent outside TLS: a relay that offers no STARTTLS gets none unless `allow_plaintext`.
    """

    name = "smtp"

    def __init__(
        self, url: str, *, allow_plaintext: bool = False, ca_file: Path | None = None, timeout: float = 20
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://user:password@host:587")
        self.implicit_tls = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.implicit_tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.allow_plaintext = allow_plaintext
        self.ca_file = ca_file
        self.timeout = timeout

    @property
    def has_credentials(self) -> bool:
        return bool(self.username and self.password)

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)

    def connect(self) -> smtplib.SMTP:
        """A connection ready for AUTH and mail: under TLS, or plain only where that is allowed."""
        if self.implicit_tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self._context())
        server = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            server.ehlo()  # the extensions are only known after EHLO
            if server.has_extn("starttls"):
                server.starttls(context=self._context())
                server.ehlo()  # RFC 3207: forget what was said before TLS
            elif self.has_credentials and not self.allow_plaintext:
                raise SmtpRefused(
                    f"the relay {self.host}:{self.port} does not offer STARTTLS: credentials not sent "
                    "(use smtps://, a relay with STARTTLS, or SMTP_ALLOW_PLAINTEXT=true)"
                )
        except BaseException:
            server.close()
            raise
        return server

    def offers_tls(self) -> bool:
        """Whether the relay can be given the credentials under TLS (for the start-up check)."""
        if self.implicit_tls:
            return True
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as server:
            server.ehlo()
            return server.has_extn("starttls")

    def send(self, message: EmailMessage) -> None:
        with self.connect() as server:
            if self.has_credentials:
                server.login(self.username or "", self.password or "")
            server.send_message(message)

    def check(self) -> list[str]:
        """Talk to the server without sending (EHLO, STARTTLS, login), under the same rules as a
        send (credentials only under TLS): what it answered, in words; raises
        (smtplib.SMTPException, OSError) when it does not answer as it should."""
        try:
            server = self.connect()
        except SmtpRefused as exc:
            raise smtplib.SMTPException(str(exc)) from exc
        said = ["EHLO 250"]
        with server:
            if self.implicit_tls:
                said.append("TLS")
            elif isinstance(server.sock, ssl.SSLSocket):
                said.append("STARTTLS")
            else:
                said.append("no STARTTLS offered")
            if self.has_credentials:
                server.login(self.username or "", self.password or "")
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
