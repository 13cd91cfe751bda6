"""The scrubber knows every configured secret, sees the final text of every log line (stdlib
tracebacks included), and database errors carry no statement parameters (issue 12, finding 3)."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tripleseat_revel.config import load_settings
from tripleseat_revel.db import Database
from tripleseat_revel.integrations.revel.client import RevelClient
from tripleseat_revel.integrations.revel.errors import RevelError
from tripleseat_revel.logging import configure_logging, scrub_text
from tripleseat_revel.runtime import build_runtime
from tripleseat_revel.sandbox.world import LOCATIONS_FILE

DB_PASSWORD = "pg-p@ss:w0rd/42"
DATABASE_URL = "postgresql://connector:pg-p%40ss%3Aw0rd%2F42@127.0.0.1:5432/nowhere"


def _settings(tmp_path: Path) -> object:
    return load_settings(
        _env_file=None,
        DATABASE_URL=DATABASE_URL,
        SMTP_URL="smtp://mailer:smtp-pa55word@mail.example:587",
        LOCATIONS_FILE=str(LOCATIONS_FILE),
        REVEL_API_KEY="revel-key-123",
        REVEL_API_SECRET="revel-secret-456",
        OUTBOX_DIR=str(tmp_path / "outbox"),
    )


def test_the_configured_secrets_include_the_passwords_inside_urls(tmp_path: Path) -> None:
    secrets = _settings(tmp_path).secret_values()  # type: ignore[attr-defined]

    assert DB_PASSWORD in secrets and "pg-p%40ss%3Aw0rd%2F42" in secrets
    assert "smtp-pa55word" in secrets
    assert "revel-key-123:revel-secret-456" in secrets


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_the_database_password_is_scrubbed_from_a_library_traceback(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], fmt: str
) -> None:
    configure_logging(fmt=fmt, level="INFO")
    rt = build_runtime(_settings(tmp_path))  # type: ignore[arg-type]
    try:
        raise ConnectionError(f"could not connect to {DATABASE_URL} as connector:{DB_PASSWORD}")
    except ConnectionError:
        logging.getLogger("sqlalchemy.pool").exception("connection failed")
    rt.close()

    logged = "".join(capfd.readouterr())
    assert "connection failed" in logged and "could not connect" in logged
    assert DB_PASSWORD not in logged and "pg-p%40ss%3Aw0rd%2F42" not in logged
    assert scrub_text(f"smtp-pa55word {DB_PASSWORD}") == "[redacted] [redacted]"


def test_a_database_error_does_not_carry_the_values_of_its_statement(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'params.db'}")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE tokens (value TEXT UNIQUE)")
        conn.execute(sa.text("INSERT INTO tokens VALUES (:v)"), {"v": "access-token-never-shown"})

    with pytest.raises(sa.exc.IntegrityError) as caught, db.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO tokens VALUES (:v)"), {"v": "access-token-never-shown"})
    db.dispose()

    assert "UNIQUE constraint failed" in str(caught.value)
    assert "access-token-never-shown" not in str(caught.value)


def test_a_vendor_error_that_echoes_the_key_does_not_carry_it(tmp_path: Path) -> None:
    rt = build_runtime(_settings(tmp_path))  # type: ignore[arg-type]
    rt.close()

    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"error": f"bad key {request.headers['API-AUTHENTICATION']}"})

    client = RevelClient(
        "https://revel.test", "revel-key-123", "revel-secret-456", transport=httpx.MockTransport(echo)
    )
    with pytest.raises(RevelError) as caught:
        client.products(8)

    text = f"{caught.value} {caught.value.body}"
    assert "bad key" in text and "revel-key-123" not in text and "revel-secret-456" not in text
