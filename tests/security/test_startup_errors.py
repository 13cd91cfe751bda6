"""Start-up failures an operator can cause by configuration end with one line naming the cause and
exit code 2, never a traceback (issue 12 review): a key that does not decrypt the stored session
secret, a malformed SMTP_URL, `locations init` under a wrong key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.fixtures.harness import ADMIN_TOKEN, run_cli
from tripleseat_revel import migrate
from tripleseat_revel.config import load_settings
from tripleseat_revel.db import Database
from tripleseat_revel.integrations.tripleseat.client import TokenState
from tripleseat_revel.integrations.tripleseat.tokens import DatabaseTokenStore
from tripleseat_revel.kit.crypto import TokenCipher
from tripleseat_revel.sandbox.server import SandboxServer
from tripleseat_revel.sandbox.world import LOCATIONS_FILE
from tripleseat_revel.web.dashboard.session import session_secret

UNREACHABLE = "http://127.0.0.1:9"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRIPLESEAT_", "REVEL_", "SMTP_"))}
    env.update(
        PYTHONPATH=os.pathsep.join(sys.path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'connector.db'}",
        ADMIN_TOKEN=ADMIN_TOKEN,
        TOKEN_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        LOCATIONS_FILE=str(LOCATIONS_FILE),
        TRIPLESEAT_API_BASE=UNREACHABLE,
        TRIPLESEAT_CLIENT_ID="client",
        TRIPLESEAT_CLIENT_SECRET="client-secret",
        REVEL_BASE_URL=UNREACHABLE,
        REVEL_API_KEY="key",
        REVEL_API_SECRET="secret",
        OUTBOX_DIR=str(tmp_path / "outbox"),
        SESSION_SECRET="",
        LOG_FORMAT="console",
    )
    env.update(extra)
    return env


def _run(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env=env, cwd=tmp_path)


def _error_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]


def _stored_session_secret(tmp_path: Path, env: dict[str, str]) -> None:
    """The installation ran once under its key: a session secret generated and stored encrypted."""
    settings = load_settings(
        _env_file=None, DATABASE_URL=env["DATABASE_URL"], TOKEN_ENCRYPTION_KEY=env["TOKEN_ENCRYPTION_KEY"]
    )
    db = Database(settings.DATABASE_URL)
    migrate.upgrade(db.engine, token_cipher=settings.token_cipher())
    session_secret(settings, db)
    db.dispose()


def test_serve_with_a_key_that_does_not_decrypt_the_session_secret_is_one_line(tmp_path: Path) -> None:
    env = _env(tmp_path)
    _stored_session_secret(tmp_path, env)
    env["TOKEN_ENCRYPTION_KEY"] = Fernet.generate_key().decode()  # the wrong key

    result = _run(tmp_path, env, "serve", "--host", "127.0.0.1", "--port", "9")

    assert result.returncode == 2, result.stderr[-2000:]
    lines = _error_lines(result)
    assert len(lines) == 1, lines
    (line,) = lines
    assert line.startswith(
        "error: configuration: TOKEN_ENCRYPTION_KEY does not decrypt the stored session secret"
    )


@pytest.mark.parametrize(
    "url", ["smtp://mailer:pa55-w0rd-smtp@mail.example:notaport", "mailto:ops@example.com", "smtp://:587"]
)
def test_serve_with_a_malformed_smtp_url_is_one_line_without_the_password(tmp_path: Path, url: str) -> None:
    result = _run(tmp_path, _env(tmp_path, SMTP_URL=url), "serve", "--host", "127.0.0.1", "--port", "9")

    assert result.returncode == 2, result.stderr[-2000:]
    lines = _error_lines(result)
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: configuration: environment/.env: SMTP_URL: ")
    assert "pa55-w0rd-smtp" not in result.stdout + result.stderr
    assert not (tmp_path / "connector.db").exists()  # refused before touching anything


def test_locations_init_with_a_key_that_does_not_decrypt_the_tokens_is_one_line(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    env = _env(tmp_path, **sandbox.world.env(sandbox.tripleseat_url, sandbox.revel_url))
    env.update(LOCATIONS_FILE=str(tmp_path / "locations.toml"))
    db = Database(env["DATABASE_URL"])
    cipher = TokenCipher(env["TOKEN_ENCRYPTION_KEY"])
    migrate.upgrade(db.engine, token_cipher=cipher)
    DatabaseTokenStore(db, cipher=cipher).save(TokenState("access-token-1234", "refresh-token-5678"))
    db.dispose()
    env["TOKEN_ENCRYPTION_KEY"] = Fernet.generate_key().decode()  # the wrong key

    result = _run(tmp_path, env, "locations", "init", "--yes", "--output", str(tmp_path / "out.toml"))

    assert result.returncode == 2, result.stderr[-2000:]
    lines = _error_lines(result)
    assert len(lines) == 1, lines
    assert lines[0].startswith(
        "error: configuration: TOKEN_ENCRYPTION_KEY does not decrypt the stored OAuth tokens"
    )
