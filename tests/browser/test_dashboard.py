"""The dashboard in a real browser: log in, see today's injected event and its order, sync it now,
save a mapping that unblocks an event, turn dry run on; a screenshot of each page, laptop and phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LAPTOP, PHONE
from tests.fixtures.events import EST, UNMAPPED, due_event
from tests.fixtures.harness import ADMIN_TOKEN, Connector
from tests.fixtures.sandbox_api import orders_for
from tripleseat_revel.integrations.revel.schemas import id_from_uri
from tripleseat_revel.sandbox import catalog
from tripleseat_revel.sandbox.server import SandboxServer

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
AV = catalog.MENU_BY_ID[5071]  # the Revel product the operator picks for the dance floor


def _log_in(page: Any, url: str) -> None:
    page.goto(url + "/")
    page.wait_for_url(re.compile(r"/login\?next=/$"))
    page.get_by_label("Your name").fill("Maria")
    page.get_by_label("Admin token").fill(ADMIN_TOKEN)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(url + "/")


def _off_the_loop(call: Callable[[], None]) -> None:
    """DBOS's blocking API refuses the thread where Playwright's event loop runs."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(call).result()


def _flash(page: Any) -> str:
    """The message the last action left at the top of the page."""
    return str(page.locator("main > .flash").inner_text())


def _shot(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_an_operator_runs_the_day_from_the_dashboard(
    connector: Connector, sandbox: SandboxServer, chromium: Any, screenshots: Path
) -> None:
    dinner = due_event(sandbox, name="Smith Rehearsal Dinner")
    assert connector.sync(dinner["id"]).json()["events"][0]["outcome"] == "INJECTED"
    (order,) = orders_for(sandbox, dinner["id"])
    blocked = due_event(
        sandbox, name="Garcia Dance Party", items=[{"menu_item_id": UNMAPPED.menu_item_id, "quantity": 1}]
    )
    assert connector.sync(blocked["id"]).json()["events"][0]["outcome"] == "FAILED_UNMAPPED"
    url = connector.web.url
    context = chromium.new_context(viewport=LAPTOP)
    page = context.new_page()

    # Log in, and see the injected event with its Revel order among today's events.
    page.goto(url + "/")
    page.wait_for_url(re.compile("/login"))
    _shot(page, screenshots, "01-login-laptop")
    _log_in(page, url)
    row = page.get_by_role("row").filter(has_text="Smith Rehearsal Dinner")
    assert "On the POS" in row.inner_text() and f"#{order['id']}" in row.inner_text()
    assert "Failed" in page.get_by_role("row").filter(has_text="Garcia Dance Party").inner_text()
    _shot(page, screenshots, "02-events-laptop")

    # Its page: the planned order beside the Revel order; then "Sync now".
    page.get_by_role("link", name="Smith Rehearsal Dinner").click()
    page.wait_for_url(f"{url}/events/{dinner['id']}")
    assert page.get_by_role("heading", name=f"Revel order #{order['id']}").is_visible()
    assert page.get_by_text("✓ Matches the planned order").is_visible()
    _shot(page, screenshots, "03-event-laptop")
    page.get_by_role("button", name="Sync now").click()
    page.wait_for_url(f"{url}/events/{dinner['id']}")
    assert "ALREADY_INJECTED" in _flash(page)
    _shot(page, screenshots, "04-event-synced-laptop")

    # Map the dance floor to a Revel product: the blocked event is retried and injected.
    page.get_by_role("link", name="Unmapped items").click()
    card = page.locator("section").filter(has_text=f"#{blocked['id']}")
    assert UNMAPPED.name in card.get_by_role("heading").inner_text()
    _shot(page, screenshots, "05-mappings-laptop")
    product = catalog.product_id(EST, AV)
    card.get_by_label("Another Revel product:").fill(f"{product} {AV.name}")
    card.get_by_role("button", name="Save mapping").click()
    page.wait_for_url(f"{url}/mappings")
    assert f"Saved: {UNMAPPED.name} is Revel product {product}" in _flash(page)
    _shot(page, screenshots, "06-mapping-saved-laptop")
    _off_the_loop(connector.wait_idle)
    (unblocked,) = orders_for(sandbox, blocked["id"])
    assert [id_from_uri(i["product"]) for i in unblocked["items"]] == [product]
    page.goto(f"{url}/events/{blocked['id']}")
    assert page.get_by_text("✓ Matches the planned order").is_visible()
    _shot(page, screenshots, "07-unblocked-event-laptop")

    # Turn dry run on: persisted, and every page says so.
    page.get_by_role("link", name="Switches").click()
    page.get_by_role("button", name="Turn dry run on").click()
    page.wait_for_url(f"{url}/switches")
    assert "Dry run is now on." in _flash(page)
    assert page.get_by_text("Dry run is on: orders are planned but nothing is written").is_visible()
    _shot(page, screenshots, "08-switches-laptop")
    assert connector.http.get("/api/switches").json()["DRY_RUN"] is True
    page.get_by_role("link", name="Needs attention").click()
    _shot(page, screenshots, "09-failures-laptop")
    context.close()

    # The same pages on a phone.
    phone = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(url + "/login")
    _shot(page, screenshots, "01-login-phone")
    _log_in(page, url)
    pages = {
        "02-events": "/",
        "03-event": f"/events/{dinner['id']}",
        "05-mappings": "/mappings",
        "08-switches": "/switches",
        "09-failures": "/failures",
    }
    for name, path in pages.items():
        page.goto(url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scroll
        _shot(page, screenshots, f"{name}-phone")
    phone.close()
