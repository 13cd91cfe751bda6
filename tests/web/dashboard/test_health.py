"""The Health page and `GET /api/doctor`: the doctor's checks for an admin, escaped, read-only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import FAST
from tests.fixtures.harness import Connector, running_connector
from tests.web.dashboard.conftest import Dashboard
from tripleseat_revel.sandbox.server import SandboxServer
from tripleseat_revel.sandbox.world import LOCATIONS_FILE

pytestmark = pytest.mark.e2e


@pytest.fixture
def odd_names(sandbox: SandboxServer, tmp_path: Path) -> Iterator[Connector]:
    """A connector whose location name carries markup, and one TripleSeat location that is gone."""
    path = tmp_path / "locations.toml"
    text = LOCATIONS_FILE.read_text().replace('name = "Harbor Room"', 'name = "<b>Harbor</b> Room"')
    path.write_text(text.replace("tripleseat_location_id = 20281", "tripleseat_location_id = 20299"))
    with running_connector(sandbox, tmp_path, LOCATIONS_FILE=str(path), **FAST) as running:
        yield running


def test_the_api_gives_each_check_and_its_fix_to_an_admin_only(
    odd_names: Connector, sandbox: SandboxServer
) -> None:
    anonymous = httpx.get(f"{odd_names.web.url}/api/doctor", timeout=60)
    assert anonymous.status_code == 401

    report = odd_names.http.get("/api/doctor").json()

    assert report["ok"] is False
    (gone,) = [c for c in report["checks"] if c["name"] == "location '<b>Harbor</b> Room'"]
    assert gone["status"] == "fail" and "tripleseat_location_id" in gone["fix"]
    unmapped = [c for c in report["checks"] if "Dance Floor Rental" in c["name"]]
    assert unmapped and unmapped[0]["status"] == "fail"
    assert httpx.get(f"{sandbox.revel_url}/_sandbox/writes", timeout=30).json()["writes"] == []


def test_the_health_page_lists_failures_first_escaped(odd_names: Connector) -> None:
    with httpx.Client(base_url=odd_names.web.url, follow_redirects=False, timeout=60) as client:
        page = Dashboard(odd_names.rt, client)
        assert client.get("/health").status_code == 303  # not logged in: to the login page
        assert page.login().status_code == 303

        html = client.get("/health").text

    assert "<b>Harbor</b>" not in html and "&lt;b&gt;Harbor&lt;/b&gt; Room" in html
    assert "thing(s) to fix" in html
    first_ok = html.index("check-ok")
    assert html.index("check-fail") < first_ok
    assert "correct tripleseat_location_id" in html
    assert 'href="/health" aria-current="page"' in html
