"""Inputs an attacker (or a broken vendor) controls never turn into a 500 or an endless loop:
an oversized signature timestamp, unbounded numbers in dashboard forms and queries, and vendor
pagination that never ends (issue 12, finding 6)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.harness import ADMIN_TOKEN
from tests.fixtures.http import FAST_RETRY
from tests.web.dashboard.conftest import Dashboard, build, serving
from tripleseat_revel.integrations.revel.client import RevelClient
from tripleseat_revel.integrations.revel.errors import RevelResponseError
from tripleseat_revel.integrations.tripleseat.client import (
    MemoryTokenStore,
    OAuthClient,
    TripleSeatClient,
)
from tripleseat_revel.integrations.tripleseat.errors import TripleSeatResponseError
from tripleseat_revel.integrations.tripleseat.webhooks import verify

HUGE = "9" * 400


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Dashboard]:
    """The dashboard as a script with the admin token sees it (Bearer: no CSRF form needed)."""
    rt = build(tmp_path, TRIPLESEAT_WEBHOOK_SIGNING_KEY="whsec-test-key")
    with serving(rt, Authorization=f"Bearer {ADMIN_TOKEN}") as dashboard:
        yield dashboard
    rt.close()


# ---- the webhook signature ----------------------------------------------------------------------


def test_a_400_digit_signature_timestamp_is_refused_not_raised() -> None:
    header = f"t={HUGE},v1={'a' * 64}"

    result = verify(b"{}", header, ["key"], now=1_700_000_000.0)

    assert not result.ok
    assert result.reason == "timestamp outside replay window"


def test_a_400_digit_signature_timestamp_is_answered_401_over_http(api: Dashboard) -> None:
    response = api.client.post(
        "/webhooks/tripleseat", content=b"{}", headers={"X-Signature": f"t={HUGE},v1={'a' * 64}"}
    )

    assert response.status_code == 401


# ---- unbounded numbers from the dashboard -------------------------------------------------------


@pytest.mark.parametrize("event_id", [HUGE, str(2**63), "-" + HUGE])
def test_retrying_an_out_of_range_event_id_is_a_4xx(api: Dashboard, event_id: str) -> None:
    response = api.client.post("/failures/retry", data={"event_id": event_id})

    assert response.status_code == 422


@pytest.mark.parametrize("event_id", ["1" * 30, str(2**63), "0", "-5"])
def test_saving_a_mapping_with_an_out_of_range_event_to_retry_is_a_4xx(api: Dashboard, event_id: str) -> None:
    # the events to retry ride along with the mapping form (before: any int, a 500 in the database)
    form = {"menu_item_id": "41", "establishment": "1", "other_product": "801", "retry": "true"}

    response = api.client.post("/mappings", data={**form, "event_id": ["7", event_id]})

    assert response.status_code == 422


@pytest.mark.parametrize("query", [HUGE, "9" * 5000, str(2**63), "0" * 30 + "1"])
def test_searching_an_out_of_range_number_finds_nothing(api: Dashboard, query: str) -> None:
    response = api.client.get("/", params={"q": query})

    assert response.status_code == 200
    assert "events" in response.text.lower()


# ---- vendor pagination ---------------------------------------------------------------------------


def _tripleseat(handler: Any, **options: Any) -> TripleSeatClient:
    store = MemoryTokenStore()
    auth = OAuthClient("id", "secret", refresh_token="refresh")

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth2/token":
            return httpx.Response(200, json={"access_token": "a", "token_type": "Bearer", "expires_in": 7200})
        return handler(request)  # type: ignore[no-any-return]

    return TripleSeatClient(
        "https://ts.test",
        auth,
        token_store=store,
        transport=httpx.MockTransport(answer),
        retry=FAST_RETRY,
        **options,
    )


def _event(ident: int) -> dict[str, Any]:
    return {"id": ident, "name": f"Event {ident}", "updated_at": "2026-01-09T10:00:00Z"}


def test_tripleseat_search_stops_when_a_page_repeats() -> None:
    pages: list[int] = []

    def same_page_forever(request: httpx.Request) -> httpx.Response:
        pages.append(int(request.url.params["page"]))
        if len(pages) > 50:
            raise AssertionError("the client kept paging a repeating answer")
        return httpx.Response(200, json={"total_pages": 10**9, "results": [_event(1), _event(2)]})

    events = list(_tripleseat(same_page_forever).search_events())

    assert [e.id for e in events] == [1, 2]
    assert pages == [1, 2]


def test_tripleseat_search_refuses_more_pages_than_the_cap() -> None:
    pages: list[int] = []

    def endless(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        pages.append(page)
        if len(pages) > 50:
            raise AssertionError("the client paged past its cap")
        return httpx.Response(200, json={"total_pages": 10**9, "results": [_event(page)]})

    with pytest.raises(TripleSeatResponseError, match="more than 5 pages"):
        list(_tripleseat(endless, max_pages=5).search_events())
    assert pages == [1, 2, 3, 4, 5]


def _revel(handler: Any, **options: Any) -> RevelClient:
    return RevelClient(
        "https://revel.test",
        "key",
        "secret",
        transport=httpx.MockTransport(handler),
        retry=FAST_RETRY,
        **options,
    )


def test_revel_list_stops_when_a_page_repeats() -> None:
    calls: list[str] = []

    def next_points_to_itself(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        if len(calls) > 50:
            raise AssertionError("the client kept following a repeating page")
        body = {"meta": {"next": "/resources/Product/?limit=200&offset=0"}, "objects": [{"id": 7}, {"id": 8}]}
        return httpx.Response(200, json=body)

    objects = list(_revel(next_points_to_itself).list_all("/resources/Product/", {}, "/resources/Product/"))

    assert [o["id"] for o in objects] == [7, 8]
    assert len(calls) == 2


def test_revel_list_refuses_more_pages_than_the_cap() -> None:
    calls: list[int] = []

    def endless(request: httpx.Request) -> httpx.Response:
        calls.append(len(calls) + 1)
        if len(calls) > 50:
            raise AssertionError("the client paged past its cap")
        n = len(calls)
        body = {"meta": {"next": f"/resources/Product/?offset={n}"}, "objects": [{"id": n}]}
        return httpx.Response(200, json=body)

    with pytest.raises(RevelResponseError, match="more than 5 pages"):
        list(_revel(endless, max_pages=5).list_all("/resources/Product/", {}, "/resources/Product/"))
    assert len(calls) == 5
