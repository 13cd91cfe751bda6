"""TripleSeatClient against a fake TripleSeat (httpx.MockTransport): the OAuth token requests, the
exact API requests each method sends, what it makes of the answers, how it maps errors, and which
failures it retries (a 401 or the HTML login page: one refresh; 429, 5xx, network: backoff)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.fixtures.http import (
    FAST_RETRY,
    Recorder,
    fail,
    form_body,
    html,
    ok,
    params,
    record_sleeps,
)
from tripleseat_revel.integrations.tripleseat.client import (
    PAGE_SIZE,
    MemoryTokenStore,
    OAuthClient,
    TokenState,
    TokenStore,
    TripleSeatClient,
    mmddyyyy,
)
from tripleseat_revel.integrations.tripleseat.errors import (
    TripleSeatAuthError,
    TripleSeatError,
    TripleSeatNotFound,
    TripleSeatRateLimited,
    TripleSeatResponseError,
    TripleSeatServerError,
    TripleSeatTransportError,
    TripleSeatValidationError,
)
from tripleseat_revel.integrations.tripleseat.schemas import LocationInfo, Site
from tripleseat_revel.kit.http import RetryPolicy

BASE = "https://api.tripleseat.test"
NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
CLIENT_ID, CLIENT_SECRET = "ts-client-id", "ts-client-secret"
AUTH = OAuthClient(CLIENT_ID, CLIENT_SECRET, refresh_token="ts-refresh-1")
EVENT_ID = 55521609

EVENT: dict[str, Any] = {
    "id": EVENT_ID,
    "name": "Smith Rehearsal Dinner",
    "status": "DEFINITE",
    "event_date": "01/10/2026",
    "event_start_utc": "2026-01-10T23:00:00Z",
    "updated_at": "2026-01-09T10:00:00Z",
    "location": {"id": 20271, "name": "Downtown", "site_id": 7},
    "grand_total": "261.00",
    "documents": [
        {
            "id": 1,
            "line_items": [{"id": 5, "quantity": "40", "price": "4.50", "display_name": "Caprese Skewers"}],
        }
    ],
}


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    return record_sleeps(monkeypatch)


@pytest.fixture(autouse=True)
def _never_sleep(sleeps: list[float]) -> None:
    """Every test: retry pauses are recorded, not slept."""


def client(
    fake: Recorder,
    *,
    auth: OAuthClient = AUTH,
    store: TokenStore | None = None,
    clock: Callable[[], datetime] = lambda: NOW,
    **options: Any,
) -> TripleSeatClient:
    options.setdefault("retry", FAST_RETRY)
    return TripleSeatClient(
        f"{BASE}/", auth, token_store=store, transport=fake.transport, clock=clock, **options
    )


def signed_in(access: str = "ts-access-0", refresh: str = "ts-refresh-0") -> MemoryTokenStore:
    """A store that already holds a token valid for an hour."""
    store = MemoryTokenStore()
    store.save(TokenState(access, refresh, NOW + timedelta(hours=1)))
    return store


def token(
    access: str = "ts-access-1", refresh: str | None = "ts-refresh-2", expires_in: int = 7200
) -> httpx.Response:
    body: dict[str, Any] = {"access_token": access, "token_type": "Bearer", "expires_in": expires_in}
    if refresh is not None:
        body["refresh_token"] = refresh
    return ok({**body, "scope": "events:read", "created_at": 1768046400})


def event(ident: int, updated_at: str = "2026-01-09T10:00:00Z") -> dict[str, Any]:
    return {"id": ident, "name": f"Event {ident}", "updated_at": updated_at}


def results(total_pages: int, *events: dict[str, Any]) -> httpx.Response:
    return ok({"total_pages": total_pages, "results": list(events)})


def bearer(request: httpx.Request) -> str:
    return request.headers["Authorization"]


# ---- OAuth: which grant, what body --------------------------------------------------------------


def test_first_call_refreshes_with_the_configured_refresh_token_as_a_form() -> None:
    fake = Recorder(token(), ok({"event": EVENT}))
    client(fake).get_event(EVENT_ID)
    request = fake.requests[0]
    assert fake.lines() == ["POST /oauth2/token", f"GET /v1/events/{EVENT_ID}.json"]
    assert form_body(request) == {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "grant_type": "refresh_token",
        "refresh_token": "ts-refresh-1",
    }
    assert request.headers["Accept"] == "application/json"
    assert "Authorization" not in request.headers
    assert params(request) == {}


def test_without_a_refresh_token_the_client_credentials_grant_asks_for_the_scope() -> None:
    fake = Recorder(token(refresh=None), ok({"event": EVENT}))
    auth = OAuthClient(CLIENT_ID, CLIENT_SECRET, scope="events:read")
    client(fake, auth=auth).get_event(EVENT_ID)
    assert form_body(fake.requests[0]) == {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "grant_type": "client_credentials",
        "scope": "events:read",
    }
    assert bearer(fake.requests[1]) == "Bearer ts-access-1"


def test_client_credentials_without_a_scope_sends_none() -> None:
    fake = Recorder(token(refresh=None), ok({"event": EVENT}))
    client(fake, auth=OAuthClient(CLIENT_ID, CLIENT_SECRET)).get_event(EVENT_ID)
    assert form_body(fake.requests[0]) == {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "grant_type": "client_credentials",
    }


def test_the_stored_refresh_token_wins_over_the_configured_one() -> None:
    fake = Recorder(token(), ok({"event": EVENT}))
    client(fake, store=MemoryTokenStore("ts-refresh-stored")).get_event(EVENT_ID)
    assert form_body(fake.requests[0])["refresh_token"] == "ts-refresh-stored"


def test_the_rotated_refresh_token_and_expiry_are_saved_in_the_store() -> None:
    store = MemoryTokenStore("ts-refresh-1")
    fake = Recorder(
        token(access="ts-access-1", refresh="ts-refresh-2", expires_in=3600), ok({"event": EVENT})
    )
    client(fake, store=store).get_event(EVENT_ID)
    assert store.load() == TokenState("ts-access-1", "ts-refresh-2", NOW + timedelta(seconds=3600))


def test_a_refresh_answered_without_a_new_refresh_token_keeps_the_old_one() -> None:
    store = MemoryTokenStore("ts-refresh-1")
    fake = Recorder(token(refresh=None), ok({"event": EVENT}))
    client(fake, store=store).get_event(EVENT_ID)
    assert store.load().refresh_token == "ts-refresh-1"


def test_a_usable_stored_token_is_sent_without_a_token_request() -> None:
    fake = Recorder(ok({"event": EVENT}))
    client(fake, store=signed_in("ts-access-0")).get_event(EVENT_ID)
    assert fake.lines() == [f"GET /v1/events/{EVENT_ID}.json"]
    assert bearer(fake.last) == "Bearer ts-access-0"


def test_one_token_serves_several_calls() -> None:
    fake = Recorder(token(), ok({"event": EVENT}), ok({"event": EVENT}))
    ts = client(fake)
    ts.get_event(EVENT_ID)
    ts.get_event(EVENT_ID)
    assert fake.lines().count("POST /oauth2/token") == 1
    assert [bearer(r) for r in fake.requests[1:]] == ["Bearer ts-access-1"] * 2


def test_a_token_within_a_minute_of_expiry_is_refreshed_before_the_call() -> None:
    store = MemoryTokenStore()
    store.save(TokenState("ts-access-0", "ts-refresh-0", NOW + timedelta(seconds=59)))
    fake = Recorder(token(), ok({"event": EVENT}))
    client(fake, store=store).get_event(EVENT_ID)
    assert fake.lines()[0] == "POST /oauth2/token"
    assert form_body(fake.requests[0])["refresh_token"] == "ts-refresh-0"
    assert bearer(fake.requests[1]) == "Bearer ts-access-1"


def test_exchange_code_trades_the_code_for_tokens_and_stores_them() -> None:
    store = MemoryTokenStore()
    fake = Recorder(token(access="ts-access-9", refresh="ts-refresh-9"))
    state = client(fake, store=store).exchange_code("auth-code-1", "https://connector.test/oauth/callback")
    assert fake.lines() == ["POST /oauth2/token"]
    assert form_body(fake.last) == {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "grant_type": "authorization_code",
        "code": "auth-code-1",
        "redirect_uri": "https://connector.test/oauth/callback",
    }
    assert state == TokenState("ts-access-9", "ts-refresh-9", NOW + timedelta(seconds=7200))
    assert store.load() == state


def test_access_token_returns_the_stored_token_while_it_is_usable() -> None:
    fake = Recorder()
    assert client(fake, store=signed_in("ts-access-0")).access_token() == "ts-access-0"
    assert fake.requests == []


def test_access_token_refreshes_when_told_the_current_token_was_rejected() -> None:
    fake = Recorder(token(access="ts-access-1"))
    assert client(fake, store=signed_in("ts-access-0")).access_token(rejected="ts-access-0") == "ts-access-1"
    assert form_body(fake.last)["grant_type"] == "refresh_token"


def test_access_token_keeps_a_token_another_worker_refreshed_meanwhile() -> None:
    fake = Recorder()
    ts = client(fake, store=signed_in("ts-access-new"))
    assert ts.access_token(rejected="ts-access-old") == "ts-access-new"
    assert fake.requests == []


# ---- OAuth: failures ----------------------------------------------------------------------------


def test_401_refreshes_once_and_repeats_the_call_with_the_new_token() -> None:
    store = signed_in("ts-access-0", "ts-refresh-0")
    fake = Recorder(fail(401, {"error": "invalid_token"}), token(access="ts-access-1"), ok({"event": EVENT}))
    assert client(fake, store=store).get_event(EVENT_ID).id == EVENT_ID
    assert fake.lines() == [
        f"GET /v1/events/{EVENT_ID}.json",
        "POST /oauth2/token",
        f"GET /v1/events/{EVENT_ID}.json",
    ]
    assert [bearer(fake.requests[0]), bearer(fake.requests[2])] == [
        "Bearer ts-access-0",
        "Bearer ts-access-1",
    ]
    assert form_body(fake.requests[1])["refresh_token"] == "ts-refresh-0"
    assert params(fake.requests[2]) == {"show_financial": "true"}


def test_a_401_after_the_refresh_is_an_auth_error_without_more_attempts() -> None:
    fake = Recorder(fail(401), token(), fail(401, {"error": "Token resource owner not found"}))
    with pytest.raises(TripleSeatAuthError) as caught:
        client(fake, store=signed_in()).get_event(EVENT_ID)
    assert (caught.value.status, caught.value.retryable) == (401, False)
    assert caught.value.body is not None and "resource owner" in caught.value.body
    assert len(fake.requests) == 3


def test_the_html_login_page_is_taken_as_a_rejected_token() -> None:
    fake = Recorder(html(200), token(access="ts-access-1"), ok({"event": EVENT}))
    assert client(fake, store=signed_in()).get_event(EVENT_ID).name == "Smith Rehearsal Dinner"
    assert fake.lines()[1] == "POST /oauth2/token"
    assert bearer(fake.last) == "Bearer ts-access-1"


def test_a_redirect_to_the_html_login_page_is_taken_as_a_rejected_token() -> None:
    fake = Recorder(
        html(302, headers={"Location": "https://login.tripleseat.com/sign_in"}),
        token(),
        ok({"event": EVENT}),
    )
    client(fake, store=signed_in()).get_event(EVENT_ID)
    assert fake.lines()[1:] == ["POST /oauth2/token", f"GET /v1/events/{EVENT_ID}.json"]


def test_the_html_login_page_after_the_refresh_is_an_auth_error() -> None:
    fake = Recorder(html(200), token(), html(200))
    with pytest.raises(TripleSeatAuthError, match="refused the credentials") as caught:
        client(fake, store=signed_in()).get_event(EVENT_ID)
    assert caught.value.status == 200
    assert len(fake.requests) == 3


def test_403_is_an_auth_error_without_a_refresh() -> None:
    fake = Recorder(fail(403, {"error": "forbidden"}))
    with pytest.raises(TripleSeatAuthError) as caught:
        client(fake, store=signed_in()).get_event(EVENT_ID)
    assert caught.value.status == 403
    assert fake.lines() == [f"GET /v1/events/{EVENT_ID}.json"]


@pytest.mark.parametrize("status", [400, 401])
def test_a_refused_grant_is_an_auth_error_naming_the_grant(status: int) -> None:
    fake = Recorder(fail(status, {"error": "invalid_grant"}))
    with pytest.raises(TripleSeatAuthError, match="refresh_token grant") as caught:
        client(fake).get_event(EVENT_ID)
    assert (caught.value.status, caught.value.retryable) == (status, False)
    assert fake.lines() == ["POST /oauth2/token"]


def test_an_html_answer_from_the_token_endpoint_is_an_auth_error() -> None:
    fake = Recorder(html(200))
    with pytest.raises(TripleSeatAuthError):
        client(fake).get_event(EVENT_ID)
    assert fake.lines() == ["POST /oauth2/token"]


def test_a_token_answer_without_an_access_token_is_a_response_error() -> None:
    fake = Recorder(ok({"token_type": "Bearer"}))
    with pytest.raises(TripleSeatResponseError, match="oauth token"):
        client(fake).get_event(EVENT_ID)


def test_a_5xx_from_the_token_endpoint_is_retried_with_the_call() -> None:
    fake = Recorder(fail(503), token(), ok({"event": EVENT}))
    assert client(fake).get_event(EVENT_ID).id == EVENT_ID
    assert fake.lines() == ["POST /oauth2/token", "POST /oauth2/token", f"GET /v1/events/{EVENT_ID}.json"]
    assert form_body(fake.requests[0]) == form_body(fake.requests[1])


def test_a_network_failure_on_the_token_endpoint_is_a_transport_error() -> None:
    fake = Recorder(*(httpx.ConnectError("refused") for _ in range(3)))
    with pytest.raises(TripleSeatTransportError, match="oauth token: ConnectError"):
        client(fake).get_event(EVENT_ID)
    assert fake.lines() == ["POST /oauth2/token"] * FAST_RETRY.attempts


# ---- endpoints ----------------------------------------------------------------------------------


def test_get_event_asks_for_the_financials_with_the_bearer_token() -> None:
    fake = Recorder(ok({"event": EVENT}))
    found = client(fake, store=signed_in("ts-access-0")).get_event(EVENT_ID)
    assert fake.lines() == [f"GET /v1/events/{EVENT_ID}.json"]
    assert params(fake.last) == {"show_financial": "true"}
    assert (bearer(fake.last), fake.last.headers["Accept"]) == ("Bearer ts-access-0", "application/json")
    assert (found.id, found.status_upper, found.effective_location_id, found.grand_total) == (
        EVENT_ID,
        "DEFINITE",
        20271,
        Decimal("261.00"),
    )
    line = found.documents[0].line_items[0]
    assert (line.name, line.quantity, line.price) == ("Caprese Skewers", Decimal(40), Decimal("4.50"))


def test_get_event_without_financials_sends_no_query() -> None:
    fake = Recorder(ok({"event": EVENT}))
    client(fake, store=signed_in()).get_event(EVENT_ID, show_financial=False)
    assert str(fake.last.url) == f"{BASE}/v1/events/{EVENT_ID}.json"


def test_search_page_adds_the_page_number_to_the_given_filters() -> None:
    fake = Recorder(results(4, event(1), event(2)))
    found = client(fake, store=signed_in()).search_page({"status": "closed"}, 3)
    assert fake.lines() == ["GET /v1/events/search.json"]
    assert params(fake.last) == {"status": "closed", "page": "3"}
    assert (found.total_pages, [e.id for e in found.results]) == (4, [1, 2])


def test_search_events_sends_every_filter_with_dates_as_mm_dd_yyyy() -> None:
    fake = Recorder(results(1, event(1)))
    ts = client(fake, store=signed_in("ts-access-0"))
    found = list(
        ts.search_events(
            updated_between=(date(2025, 12, 28), date(2026, 1, 2)),
            start_between=(date(2026, 1, 5), date(2026, 2, 14)),
            statuses=["DEFINITE", "Closed"],
            location_ids=[20271, 20272],
            show_financial=True,
        )
    )
    assert fake.lines() == ["GET /v1/events/search.json"]
    assert params(fake.last) == {
        "order": "updated_at",
        "sort_direction": "asc",
        "event_updated_start_date": "12/28/2025",
        "event_updated_end_date": "01/02/2026",
        "event_start_date": "01/05/2026",
        "event_end_date": "02/14/2026",
        "status": "definite,closed",
        "location_ids": "20271,20272",
        "show_financial": "true",
        "page": "1",
    }
    assert bearer(fake.last) == "Bearer ts-access-0"
    assert [e.id for e in found] == [1]


def test_search_events_without_filters_only_orders_by_update() -> None:
    fake = Recorder(results(0))
    assert list(client(fake, store=signed_in()).search_events()) == []
    assert params(fake.last) == {"order": "updated_at", "sort_direction": "asc", "page": "1"}


def test_search_events_pages_through_total_pages_and_stops() -> None:
    fake = Recorder(
        results(3, *(event(i) for i in range(1, PAGE_SIZE + 1))),
        results(3, *(event(i) for i in range(PAGE_SIZE + 1, 2 * PAGE_SIZE + 1))),
        results(3, event(2 * PAGE_SIZE + 1)),
    )
    found = list(client(fake, store=signed_in()).search_events(statuses=["closed"]))
    assert [e.id for e in found] == list(range(1, 2 * PAGE_SIZE + 2))
    assert [params(r)["page"] for r in fake.requests] == ["1", "2", "3"]
    assert {params(r)["status"] for r in fake.requests} == {"closed"}


def test_search_events_stops_early_at_an_empty_page() -> None:
    fake = Recorder(results(5, event(1)), results(5))
    assert [e.id for e in client(fake, store=signed_in()).search_events()] == [1]
    assert [params(r)["page"] for r in fake.requests] == ["1", "2"]


def test_search_events_yields_each_id_and_update_once() -> None:
    fake = Recorder(
        results(2, event(1), event(2)),
        results(2, event(2), event(1, updated_at="2026-01-09T11:00:00Z")),
    )
    found = list(client(fake, store=signed_in()).search_events())
    assert [(e.id, e.updated_at) for e in found] == [
        (1, "2026-01-09T10:00:00Z"),
        (2, "2026-01-09T10:00:00Z"),
        (1, "2026-01-09T11:00:00Z"),
    ]


def test_list_locations_unwraps_the_location_wrappers() -> None:
    fake = Recorder(
        ok(
            [
                {"location": {"id": 20271, "name": "Downtown", "site_id": 7}},
                {"id": 20272, "name": "Uptown", "site_id": ""},
            ]
        )
    )
    found = client(fake, store=signed_in("ts-access-0")).list_locations()
    assert fake.lines() == ["GET /v1/locations.json"]
    assert params(fake.last) == {}
    assert bearer(fake.last) == "Bearer ts-access-0"
    assert found == [
        LocationInfo(id=20271, name="Downtown", site_id=7),
        LocationInfo(id=20272, name="Uptown", site_id=None),
    ]


def test_list_sites_unwraps_the_site_wrappers() -> None:
    fake = Recorder(ok([{"site": {"id": 7, "name": "Smith Group", "timezone": "America/New_York"}}]))
    found = client(fake, store=signed_in()).list_sites()
    assert fake.lines() == ["GET /v1/sites.json"]
    assert params(fake.last) == {}
    assert found == [Site(id=7, name="Smith Group", timezone="America/New_York")]


# ---- error mapping ------------------------------------------------------------------------------


def test_404_is_not_found_and_not_retried() -> None:
    fake = Recorder(fail(404, {"error": "not found"}))
    with pytest.raises(TripleSeatNotFound, match=r"/v1/events/\{id\}\.json: not found") as caught:
        client(fake, store=signed_in()).get_event(EVENT_ID)
    assert caught.value.status == 404
    assert len(fake.requests) == 1


def test_422_is_a_validation_error_with_the_rails_errors() -> None:
    fake = Recorder(fail(422, {"errors": {"event_start_date": ["requires an end date"]}}))
    with pytest.raises(TripleSeatValidationError, match="requires an end date"):
        client(fake, store=signed_in()).search_page({"event_start_date": "01/05/2026"}, 1)
    assert len(fake.requests) == 1


def test_400_on_an_api_call_is_a_plain_error_and_not_retried() -> None:
    fake = Recorder(fail(400, {"error": "bad request"}))
    with pytest.raises(TripleSeatError, match="unexpected status 400") as caught:
        client(fake, store=signed_in()).list_sites()
    assert type(caught.value) is TripleSeatError
    assert len(fake.requests) == 1


def test_429_is_rate_limited_with_the_retry_after_hint() -> None:
    fake = Recorder(fail(429, headers={"Retry-After": "5"}))
    with pytest.raises(TripleSeatRateLimited) as caught:
        client(fake, store=signed_in(), retry=RetryPolicy(attempts=1)).get_event(EVENT_ID)
    assert (caught.value.status, caught.value.retryable, caught.value.retry_after) == (429, True, 5.0)


def test_a_2xx_that_is_not_json_is_a_response_error() -> None:
    fake = Recorder(httpx.Response(200, text="OK", headers={"Content-Type": "text/plain"}))
    with pytest.raises(TripleSeatResponseError, match="not JSON"):
        client(fake, store=signed_in()).get_event(EVENT_ID)


def test_an_event_answer_without_the_event_envelope_is_a_response_error() -> None:
    fake = Recorder(ok(EVENT))
    with pytest.raises(TripleSeatResponseError, match="unexpected shape"):
        client(fake, store=signed_in()).get_event(EVENT_ID)


# ---- retries ------------------------------------------------------------------------------------


def test_a_429_is_retried_after_at_least_retry_after(sleeps: list[float]) -> None:
    fake = Recorder(fail(429, headers={"Retry-After": "5"}), ok({"event": EVENT}))
    assert client(fake, store=signed_in()).get_event(EVENT_ID).id == EVENT_ID
    assert fake.lines() == [f"GET /v1/events/{EVENT_ID}.json"] * 2
    assert sleeps == [5.0]


def test_a_5xx_is_retried_with_the_same_request() -> None:
    fake = Recorder(fail(502), results(1, event(1)))
    client(fake, store=signed_in()).search_page({"status": "closed"}, 2)
    assert [str(r.url) for r in fake.requests] == [f"{BASE}/v1/events/search.json?status=closed&page=2"] * 2
    assert [bearer(r) for r in fake.requests] == ["Bearer ts-access-0"] * 2


def test_a_5xx_that_persists_is_a_retryable_server_error() -> None:
    fake = Recorder(fail(500), fail(502), fail(503))
    with pytest.raises(TripleSeatServerError) as caught:
        client(fake, store=signed_in()).get_event(EVENT_ID)
    assert (caught.value.status, caught.value.retryable) == (503, True)
    assert len(fake.requests) == FAST_RETRY.attempts


@pytest.mark.parametrize("error", [httpx.ReadTimeout("read timed out"), httpx.ConnectError("refused")])
def test_a_network_failure_is_retried(error: httpx.HTTPError) -> None:
    fake = Recorder(error, ok([]))
    assert client(fake, store=signed_in()).list_locations() == []
    assert fake.lines() == ["GET /v1/locations.json"] * 2


def test_a_network_failure_that_persists_is_a_transport_error() -> None:
    fake = Recorder(*(httpx.ReadTimeout("read timed out") for _ in range(3)))
    with pytest.raises(TripleSeatTransportError, match=r"/v1/events/\{id\}\.json: ReadTimeout") as caught:
        client(fake, store=signed_in()).get_event(EVENT_ID)
    assert (caught.value.retryable, caught.value.ambiguous) == (True, True)
    assert len(fake.requests) == FAST_RETRY.attempts


# ---- bookkeeping --------------------------------------------------------------------------------


def test_the_observer_and_the_limiter_see_api_calls_but_not_token_requests() -> None:
    class Counting:
        def __init__(self) -> None:
            self.acquired = 0

        def acquire(self) -> float:
            self.acquired += 1
            return 0.0

    seen: list[tuple[str, str, str]] = []
    limiter = Counting()
    fake = Recorder(token(), fail(503), ok({"event": EVENT}))
    ts = client(
        fake,
        limiter=limiter,
        observer=lambda vendor, endpoint, status, _: seen.append((vendor, endpoint, status)),
    )
    ts.get_event(EVENT_ID)
    assert seen == [
        ("tripleseat", "GET /v1/events/{id}.json", "503"),
        ("tripleseat", "GET /v1/events/{id}.json", "200"),
    ]
    assert limiter.acquired == 2


# ---- the token store and small helpers ----------------------------------------------------------


def test_memory_token_store_starts_with_the_refresh_token_only() -> None:
    assert MemoryTokenStore("ts-refresh-1").load() == TokenState(refresh_token="ts-refresh-1")


def test_memory_token_store_lock_yields_what_was_saved() -> None:
    store: TokenStore = MemoryTokenStore()
    saved = TokenState("ts-access-1", "ts-refresh-2", NOW)
    store.save(saved)
    with store.refresh_lock() as current:
        assert current == saved
    assert store.load() == saved


@pytest.mark.parametrize(
    ("state", "usable"),
    [
        (TokenState("ts-access-1", None, NOW + timedelta(seconds=61)), True),
        (TokenState("ts-access-1", None, NOW + timedelta(seconds=60)), False),
        (TokenState("ts-access-1", None, None), True),
        (TokenState(None, "ts-refresh-1", NOW + timedelta(hours=1)), False),
    ],
    ids=["beyond-the-margin", "within-the-margin", "no-expiry", "no-access-token"],
)
def test_token_state_usable_keeps_a_minute_of_margin(state: TokenState, usable: bool) -> None:
    assert state.usable(NOW) is usable


def test_mmddyyyy_pads_month_and_day() -> None:
    assert mmddyyyy(date(2026, 1, 2)) == "01/02/2026"


def test_close_closes_the_http_client() -> None:
    ts = client(Recorder(), store=signed_in())
    ts.close()
    assert ts.http.is_closed
    with pytest.raises(RuntimeError):
        ts.get_event(EVENT_ID)
