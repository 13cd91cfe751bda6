"""The production checklist: `serve` (and `worker`) refuse to start on an unsafe setting, with one
clear line each; a policy is relaxed only by its own explicit switch."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from typer.testing import CliRunner

from tests.fixtures.harness import run_cli
from tests.security.conftest import Relay
from tripleseat_revel.checklist import unsafe_settings
from tripleseat_revel.cli import app
from tripleseat_revel.config import Settings, load_settings

ADMIN = "an-admin-token-of-forty-characters-0123"
SAFE: dict[str, Any] = {
    "ADMIN_TOKEN": ADMIN,
    "TOKEN_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "PUBLIC_URL": "https://ops.example.com",
}


def _settings(**overrides: Any) -> Settings:
    return load_settings(_env_file=None, **{**SAFE, **overrides})


def _problems(web_host: str | None = "0.0.0.0", **overrides: Any) -> list[str]:
    return unsafe_settings(_settings(**overrides), web_host=web_host)


def test_a_production_configuration_passes() -> None:
    assert _problems() == []


@pytest.mark.parametrize(
    ("overrides", "line"),
    [
        ({"ADMIN_TOKEN": "test-admin-token"}, "ADMIN_TOKEN: 16 characters; at least 32 are required"),
        ({"SESSION_SECRET": "too-short"}, "SESSION_SECRET: at least 32 characters are required"),
        ({"SESSION_SECRET": ADMIN}, "SESSION_SECRET: must not be the admin token"),
        ({"TOKEN_ENCRYPTION_KEY": None}, "TOKEN_ENCRYPTION_KEY: not set, so OAuth tokens would be stored"),
        ({"PUBLIC_URL": "http://ops.example.com"}, "PUBLIC_URL: not https while serving on 0.0.0.0"),
        ({"PUBLIC_URL": None}, "PUBLIC_URL: not https while serving on 0.0.0.0"),
        ({"SMTP_CA_FILE": "/nonexistent/ca.pem"}, "SMTP_CA_FILE: /nonexistent/ca.pem: file not found"),
    ],
    ids=["admin-token", "session-short", "session-is-token", "token-key", "http-url", "no-url", "ca-file"],
)
def test_each_unsafe_setting_is_one_line(overrides: dict[str, Any], line: str) -> None:
    (problem,) = _problems(**overrides)
    assert problem.startswith(line) and "\n" not in problem


def test_smtp_credentials_to_a_relay_without_starttls_are_refused(plain_relay: Relay) -> None:
    (problem,) = _problems(SMTP_URL=plain_relay.url)

    assert problem.startswith("SMTP_URL: the relay 127.0.0.1:")
    assert "offers no STARTTLS" in problem and "SMTP_ALLOW_PLAINTEXT=true" in problem
    assert "relay-password" not in problem


def test_smtp_passes_with_starttls_or_when_plain_text_is_allowed(
    starttls_relay: Relay, plain_relay: Relay
) -> None:
    assert _problems(SMTP_URL=starttls_relay.url, SMTP_CA_FILE=str(starttls_relay.ca_file)) == []
    assert _problems(SMTP_URL=plain_relay.url, SMTP_ALLOW_PLAINTEXT="true") == []
    assert _problems(SMTP_URL=plain_relay.url.replace("mailer:relay-password-9f3k@", "")) == []


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_plain_http_is_fine_on_a_loopback_interface(host: str) -> None:
    assert _problems(web_host=host, PUBLIC_URL=None) == []


def test_plain_http_elsewhere_only_when_allowed_and_never_checked_for_a_worker() -> None:
    assert _problems(PUBLIC_URL=None, ALLOW_INSECURE_HTTP="true") == []
    assert _problems(web_host=None, PUBLIC_URL=None) == []


def test_serve_refuses_to_start_with_one_line_per_unsafe_setting(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'never.db'}",
        "ADMIN_TOKEN": "short-admin-token",
        "TOKEN_ENCRYPTION_KEY": "",
        "PUBLIC_URL": "",
    }
    result = run_cli("serve", "--host", "0.0.0.0", "--port", "9", env=env, cwd=tmp_path)

    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: unsafe configuration")]
    assert [line.split(": ")[2] for line in lines] == ["ADMIN_TOKEN", "TOKEN_ENCRYPTION_KEY", "PUBLIC_URL"]
    assert not (tmp_path / "never.db").exists()  # refused before touching anything


def test_keygen_prints_secrets_the_checklist_accepts() -> None:
    result = CliRunner().invoke(app, ["keygen"])

    assert result.exit_code == 0, result.output
    made = dict(line.split("=", 1) for line in result.output.splitlines())
    assert sorted(made) == ["ADMIN_TOKEN", "SESSION_SECRET", "TOKEN_ENCRYPTION_KEY"]
    assert _problems(**made) == []


def test_a_relay_without_starttls_is_a_warning_even_without_credentials(
    plain_relay: Relay, starttls_relay: Relay, capfd: pytest.CaptureFixture[str]
) -> None:
    from tripleseat_revel.checklist import start_warnings
    from tripleseat_revel.cli import bootstrap

    no_password = plain_relay.url.replace("mailer:relay-password-9f3k@", "")
    (warning,) = start_warnings(_settings(SMTP_URL=no_password))
    bootstrap.refuse_unsafe(_settings(SMTP_URL=no_password), web_host="0.0.0.0")  # starts nonetheless

    assert (
        warning.startswith("SMTP_URL: the relay 127.0.0.1:") and "alerts" in warning and "in clear" in warning
    )
    assert "! warning: SMTP_URL: the relay" in capfd.readouterr().err
    assert start_warnings(_settings(SMTP_URL=no_password, SMTP_ALLOW_PLAINTEXT="true")) == []
    tls = starttls_relay.url.replace("mailer:relay-password-9f3k@", "")
    assert start_warnings(_settings(SMTP_URL=tls, SMTP_CA_FILE=str(starttls_relay.ca_file))) == []
