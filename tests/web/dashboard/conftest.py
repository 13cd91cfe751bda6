"""The dashboard over a real database, with no vendor reachable (pages read the ledger)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.harness import ADMIN_TOKEN
from tripleseat_revel import migrate
from tripleseat_revel.config import load_settings
from tripleseat_revel.db import Database
from tripleseat_revel.models import EventRecord
from tripleseat_revel.runtime import Runtime, build_runtime
from tripleseat_revel.sandbox.world import LOCATIONS_FILE
from tripleseat_revel.web.app import create_app
from tripleseat_revel.web.serving import serve_in_thread

UNREACHABLE = "http://127.0.0.1:9"  # the discard port: connections are refused at once
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def page_text(html: str) -> str:
    """A page's text as a person reads it: tags dropped, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@dataclass
class Dashboard:
    rt: Runtime
    client: httpx.Client

    def csrf(self, path: str = "/login") -> str:
        """The CSRF token of the forms on `path` (as a browser would read it)."""
        found = CSRF.search(self.client.get(path).text)
        assert found is not None, f"no form on {path}"
        return found.group(1)

    def login(self, name: str = "Maria", token: str = ADMIN_TOKEN) -> Any:
        form = {"token": token, "name": name, "next": "/", "csrf_token": self.csrf()}
        return self.client.post("/login", data=form)


def build(tmp_path: Path, **overrides: Any) -> Runtime:
    env: dict[str, Any] = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'dashboard.db'}",
        "ADMIN_TOKEN": ADMIN_TOKEN,
        "LOCATIONS_FILE": str(LOCATIONS_FILE),
        "TRIPLESEAT_API_BASE": UNREACHABLE,
        "REVEL_BASE_URL": UNREACHABLE,
        "REVEL_API_KEY": "k",
        "REVEL_API_SECRET": "s",
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        **overrides,
    }
    settings = load_settings(_env_file=None, **env)
    db = Database(settings.DATABASE_URL)
    migrate.upgrade(db.engine)
    return build_runtime(settings, db=db)


@contextmanager
def serving(rt: Runtime, **headers: str) -> Iterator[Dashboard]:
    """The app served on localhost (real HTTP, as a browser sees it)."""
    web = serve_in_thread(create_app(rt))
    try:
        with httpx.Client(base_url=web.url, follow_redirects=False, headers=headers, timeout=30) as client:
            yield Dashboard(rt, client)
    finally:
        web.stop()


@pytest.fixture
def dash(tmp_path: Path) -> Iterator[Dashboard]:
    rt = build(tmp_path)
    with serving(rt) as dashboard:
        yield dashboard
    rt.close()


def seed(rt: Runtime, event_id: int, **fields: Any) -> None:
    """A ledger row as a sync would have left it."""
    values: dict[str, Any] = {
        "name": f"Event {event_id}",
        "event_date": rt.clock().date().isoformat(),
        "location_name": "Harbor Room",
        "state": "verified",
        "outcome": "INJECTED",
        "reason": "Revel order 7001 created",
        "attempts": 1,
        "last_synced_at": datetime.now(UTC),
        **fields,
    }
    with rt.db.session() as session:
        session.add(EventRecord(event_id=event_id, **values))
