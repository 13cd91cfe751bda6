"""A real SMTP relay on localhost (aiosmtpd) that offers STARTTLS with a self-signed certificate
and asks for a password, recording whether each AUTH came over TLS."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.fixtures.harness import free_port
from tests.notify.conftest import Inbox
from tests.web.dashboard.conftest import dash  # noqa: F401 - the dashboard fixture, shared

USER, PASSWORD = "mailer", "relay-password-9f3k"


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for localhost / 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    san = x509.SubjectAlternativeName(
        [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(san, critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "relay.pem", directory / "relay.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


@dataclass
class Authenticator:
    """Accepts USER/PASSWORD; remembers, for each AUTH, whether the session was under TLS."""

    attempts: list[bool] = field(default_factory=list)

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        self.attempts.append(session.ssl is not None)
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            USER.encode(),
            PASSWORD.encode(),
        )
        return AuthResult(success=ok)


@dataclass
class Relay:
    url: str  # smtp://USER:PASSWORD@127.0.0.1:port
    inbox: Inbox
    auth: Authenticator
    ca_file: Path | None


def _relay(tmp_path: Path, *, tls: bool) -> Iterator[Relay]:
    port = free_port()
    inbox, auth = Inbox(), Authenticator()
    context, ca_file = None, None
    if tls:
        ca_file, key_file = self_signed(tmp_path)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(ca_file, key_file)
    # auth_require_tls=False: the relay would take a password in clear (as the one in the finding
    # did), so only the client's own care keeps it off the wire.
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        authenticator=auth,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield Relay(f"smtp://{USER}:{PASSWORD}@127.0.0.1:{port}", inbox, auth, ca_file)
    finally:
        controller.stop()


@pytest.fixture
def starttls_relay(tmp_path: Path) -> Iterator[Relay]:
    yield from _relay(tmp_path, tls=True)


@pytest.fixture
def plain_relay(tmp_path: Path) -> Iterator[Relay]:
    yield from _relay(tmp_path, tls=False)
