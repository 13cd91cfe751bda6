"""No configured secret or OAuth token leaks through an error (issue 12, finding 3).

An error is forced in each layer: a vendor answer that echoes the API key, a database error while
the OAuth tokens are saved (its parameters are the tokens), and an uncaught exception in a route.
Then the log (JSON and console, uvicorn's "Exception in ASGI application" included), the
dashboard's pages, the reasons stored on the ledger and the audit trail, and the emails are
searched for every secret: none may be found.
"""

from __future__ import annotations

import email
import json
import logging
from email import policy
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from tests.conftest import FAST
from tests.fixtures.events import due_event
from tests.fixtures.harness import ADMIN_TOKEN, running_connector
from tripleseat_revel.db import Database
from tripleseat_revel.logging import configure_logging, get_logger
from tripleseat_revel.models import AuditEntry, EmailLog, EventRecord
from tripleseat_revel.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e
SESSION_SECRET = "session-secret-for-the-leak-test-0123456789"
STRIP = ("content-encoding", "content-length", "transfer-encoding")


class Tap(httpx.BaseTransport):
    """Real HTTP to the simulator, with a hook that sees (and may replace) each answer."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.tokens: list[str] = []
        self.echo_key_on_order_post = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.echo_key_on_order_post and request.method == "POST" and "/Order/" in request.url.path:
            # A vendor whose error page repeats the credentials it was sent.
            echoed = f"invalid request from API-AUTHENTICATION {request.headers['API-AUTHENTICATION']}"
            return httpx.Response(400, json={"error": echoed})
        response = self.inner.handle_request(request)
        if request.url.path != "/oauth2/token":
            return response
        response.read()
        body = response.json()
        self.tokens += [body.get("access_token") or "", body.get("refresh_token") or ""]
        headers = [(k, v) for k, v in response.headers.items() if k.lower() not in STRIP]
        return httpx.Response(response.status_code, headers=headers, content=response.content)


def _crashing_route(app: FastAPI) -> None:
    @app.get("/boom")
    def boom() -> None:
        settings = app.state.runtime.settings
        key, secret = settings.REVEL_API_KEY.get_secret_value(), settings.REVEL_API_SECRET.get_secret_value()
        raise RuntimeError(f"crashed holding {key}:{secret} {ADMIN_TOKEN}")


def _refuse_token_writes(db: Database) -> None:
    with db.engine.begin() as conn:
        for verb in ("INSERT", "UPDATE"):
            conn.exec_driver_sql(
                f"CREATE TRIGGER refuse_token_{verb.lower()} BEFORE {verb} ON oauth_tokens "
                "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
            )


def _allow_token_writes(db: Database) -> None:
    with db.engine.begin() as conn:
        for verb in ("insert", "update"):
            conn.exec_driver_sql(f"DROP TRIGGER refuse_token_{verb}")


def _stored(db: Database) -> str:
    """Everything the connector stored about events: ledger, audit trail, email outbox."""
    with db.session() as session:
        rows: list[Any] = [
            *session.scalars(sa.select(EventRecord)),
            *session.scalars(sa.select(AuditEntry)),
            *session.scalars(sa.select(EmailLog)),
        ]
        return "\n".join(
            json.dumps({c.key: getattr(r, c.key) for c in r.__table__.columns}, default=str) for r in rows
        )


def _emails(outbox: Path) -> str:
    texts = []
    for path in sorted(outbox.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        texts.append(str(message["Subject"]))
        texts += [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]
    return "\n".join(texts)


def _leaks(secrets: list[str], places: dict[str, str]) -> list[str]:
    return [
        f"{secret[:6]}... in {where}"
        for secret in secrets
        for where, text in places.items()
        if secret in text
    ]


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_errors_in_every_layer_leak_no_secret(
    sandbox: SandboxServer, tmp_path: Path, capfd: pytest.CaptureFixture[str], fmt: str
) -> None:
    tap = Tap()
    with running_connector(
        sandbox,
        tmp_path,
        transport=tap,
        extend=_crashing_route,
        LOG_FORMAT=fmt,
        SESSION_SECRET=SESSION_SECRET,
        **FAST,
    ) as connector:
        settings, db = connector.settings, connector.rt.db
        configure_logging(fmt=fmt, level="INFO", secrets=settings.secret_values())
        # 1. The OAuth tokens cannot be saved: a database error whose parameters are the tokens.
        _refuse_token_writes(db)
        token_event = due_event(sandbox, name="Token save fails")
        connector.sync(token_event["id"])
        _allow_token_writes(db)
        # 2. The vendor answers with an error that echoes the API key.
        tap.echo_key_on_order_post = True
        vendor_event = due_event(sandbox, name="Revel echoes the key")
        connector.sync(vendor_event["id"])
        connector.wait_idle()
        # 3. An uncaught exception in a route.
        assert httpx.get(f"{connector.web.url}/boom").status_code == 500
        # 4. A stdlib logger's traceback (as SQLAlchemy, DBOS or a library would log one).
        try:
            raise ValueError(f"stdlib error with {ADMIN_TOKEN}")
        except ValueError:
            logging.getLogger("some.library").exception("library.failed")
            get_logger("app").exception("app.failed")
        pages = {
            path: connector.http.get(path).text
            for path in ("/", "/failures", f"/events/{token_event['id']}", f"/events/{vendor_event['id']}")
        }
        stored = _stored(db)
        with db.session() as session:
            reasons = {r.event_id: r.reason or "" for r in session.scalars(sa.select(EventRecord))}
    out, err = capfd.readouterr()
    logged = out + err
    secrets = [
        *(s for s in tap.tokens if s),
        "sandbox-secret",
        "sandbox-signing-key",
        "sandbox-key:sandbox-secret",
        ADMIN_TOKEN,
        SESSION_SECRET,
    ]
    # The errors happened, and were logged, stored and shown (the search saw them):
    assert tap.tokens and "Exception in ASGI application" in logged and "library.failed" in logged
    assert "the disk is full" in reasons[token_event["id"]]
    assert "invalid request from API-AUTHENTICATION" in reasons[vendor_event["id"]]
    assert "Revel echoes the key" in pages["/failures"]
    places = {"the log": logged, "the stored reasons": stored, "the emails": _emails(tmp_path / "outbox")}
    places.update({f"the page {path}": text for path, text in pages.items()})
    assert "invalid request from API-AUTHENTICATION" in places["the emails"]
    leaks = _leaks(secrets, places)
    assert not leaks, "\n".join(leaks)
