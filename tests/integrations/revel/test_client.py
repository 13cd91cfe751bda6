"""RevelClient against a fake Revel (httpx.MockTransport): the exact requests each method sends,
what it makes of the answers, how it maps errors, and which failures it retries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.fixtures.http import (
    FAST_RETRY,
    Recorder,
    empty,
    fail,
    json_body,
    ok,
    params,
    record_sleeps,
)
from tripleseat_revel.integrations.revel.client import LIST_LIMIT, RevelClient
from tripleseat_revel.integrations.revel.errors import (
    RevelAuthError,
    RevelError,
    RevelNotFound,
    RevelRateLimited,
    RevelResponseError,
    RevelServerError,
    RevelTransportError,
    RevelValidationError,
)
from tripleseat_revel.integrations.revel.schemas import (
    Establishment,
    Order,
    OrderHistory,
    OrderItem,
    Payment,
    Product,
)
from tripleseat_revel.kit.http import RetryPolicy

BASE = "https://demo.revelup.com"
KEY, SECRET = "rv-key-123", "rv-secret-456"
LOCAL_ID = "Triple Seat 55521609"

ORDER: dict[str, Any] = {
    "id": 1001,
    "uuid": "6f1c2a7e-0000-4000-8000-000000000001",
    "resource_uri": "/resources/Order/1001/",
    "establishment": "/enterprise/Establishment/8/",
    "local_id": LOCAL_ID,
    "dining_option": 113,
    "subtotal": 240.0,
    "tax": "21.00",
    "final_total": 261,
    "remaining_due": "0",
    "closed": False,
}


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    return record_sleeps(monkeypatch)


@pytest.fixture(autouse=True)
def _never_sleep(sleeps: list[float]) -> None:
    """Every test: retry pauses are recorded, not slept."""


def client(fake: Recorder, **options: Any) -> RevelClient:
    options.setdefault("retry", FAST_RETRY)
    return RevelClient(f"{BASE}/", KEY, SECRET, transport=fake.transport, **options)


def page(*objects: dict[str, Any], next_url: str | None = None, total: int | None = None) -> dict[str, Any]:
    meta = {"limit": LIST_LIMIT, "offset": 0, "next": next_url, "previous": None, "total_count": total}
    return {"meta": meta, "objects": list(objects)}


def order(ident: int, local_id: str | None) -> dict[str, Any]:
    return {**ORDER, "id": ident, "resource_uri": f"/resources/Order/{ident}/", "local_id": local_id}


# ---- headers ------------------------------------------------------------------------------------


def test_every_request_sends_the_key_and_secret_in_api_authentication() -> None:
    fake = Recorder(ok(page()), ok(ORDER, status=201))
    revel = client(fake)
    revel.establishments()
    revel.create_order({"local_id": LOCAL_ID})
    assert [r.headers["API-AUTHENTICATION"] for r in fake.requests] == [f"{KEY}:{SECRET}"] * 2
    assert [r.headers["Accept"] for r in fake.requests] == ["application/json"] * 2


def test_requests_go_to_the_base_url_without_a_doubled_slash() -> None:
    fake = Recorder(ok(ORDER))
    client(fake).get_order(1001)
    assert str(fake.last.url) == f"{BASE}/resources/Order/1001/"


# ---- reads --------------------------------------------------------------------------------------


def test_establishments_lists_the_enterprise_establishments() -> None:
    fake = Recorder(ok(page({"id": 8, "name": "Downtown", "active": True}, {"id": 9, "name": "Test Store"})))
    found = client(fake).establishments()
    assert fake.lines() == ["GET /enterprise/Establishment/"]
    assert params(fake.last) == {"limit": "200"}
    assert fake.last.content == b""
    assert found == [
        Establishment(id=8, name="Downtown", active=True),
        Establishment(id=9, name="Test Store", active=True),
    ]


def test_products_filters_by_establishment() -> None:
    product = {
        "id": 579,
        "name": "Caprese Skewers",
        "price": "4.50",
        "establishment": "/enterprise/Establishment/8/",
    }
    fake = Recorder(ok(page(product)))
    found = client(fake).products(8)
    assert fake.lines() == ["GET /resources/Product/"]
    assert params(fake.last) == {"limit": "200", "establishment": "8"}
    assert found == [
        Product(
            id=579,
            name="Caprese Skewers",
            price=Decimal("4.50"),
            establishment="/enterprise/Establishment/8/",
        )
    ]


def test_find_orders_filters_by_establishment_and_local_id() -> None:
    fake = Recorder(ok(page(ORDER)))
    found = client(fake).find_orders(8, LOCAL_ID)
    assert fake.lines() == ["GET /resources/Order/"]
    assert params(fake.last) == {"limit": "200", "establishment": "8", "local_id": LOCAL_ID}
    assert [(o.id, o.local_id, o.final_total, o.tax) for o in found] == [
        (1001, LOCAL_ID, Decimal("261.00"), Decimal("21.00"))
    ]


def test_find_orders_with_no_match_is_an_empty_list() -> None:
    fake = Recorder(ok(page(total=0)))
    assert client(fake).find_orders(8, LOCAL_ID) == []
    assert len(fake.requests) == 1


def test_a_list_follows_meta_next_until_it_is_null() -> None:
    fake = Recorder(
        ok(page({"id": 1}, {"id": 2}, next_url="/resources/Product/?establishment=8&limit=2&offset=2")),
        ok(page({"id": 3}, {"id": 4}, next_url="/resources/Product/?establishment=8&limit=2&offset=4")),
        ok(page({"id": 5})),
    )
    found = client(fake).products(8)
    assert [p.id for p in found] == [1, 2, 3, 4, 5]
    assert fake.lines() == ["GET /resources/Product/"] * 3
    assert [params(r) for r in fake.requests] == [
        {"limit": "200", "establishment": "8"},
        {"establishment": "8", "limit": "2", "offset": "2"},
        {"establishment": "8", "limit": "2", "offset": "4"},
    ]


def test_a_list_follows_an_absolute_next_url_on_the_configured_host() -> None:
    fake = Recorder(
        ok(
            page(ORDER, next_url="https://elsewhere.example/resources/Order/?local_id=Triple+Seat+1&offset=1")
        ),
        ok(page()),
    )
    client(fake).find_orders(8, LOCAL_ID)
    second = fake.requests[1]
    assert (second.url.host, second.url.path) == ("demo.revelup.com", "/resources/Order/")
    assert params(second) == {"local_id": "Triple Seat 1", "offset": "1"}


def test_a_list_stops_at_an_empty_page_even_if_meta_next_is_set() -> None:
    fake = Recorder(
        ok(page({"id": 1}, next_url="/resources/Product/?offset=1")),
        ok(page(next_url="/resources/Product/?offset=2")),
    )
    assert [p.id for p in client(fake).products(8)] == [1]
    assert len(fake.requests) == 2


def test_newest_order_asks_for_one_order_newest_first_and_does_not_page() -> None:
    fake = Recorder(ok(page(order(2002, None), next_url="/resources/Order/?limit=1&offset=1")))
    newest = client(fake).newest_order(with_local_id=False)
    assert fake.lines() == ["GET /resources/Order/"]
    assert params(fake.last) == {"limit": "1", "order_by": "-id"}
    assert newest is not None
    assert (newest.id, newest.local_id) == (2002, None)


def test_newest_order_with_local_id_filters_on_local_id_isnull_false() -> None:
    fake = Recorder(ok(page(order(1999, "Triple Seat 7"))))
    newest = client(fake).newest_order(with_local_id=True)
    assert params(fake.last) == {"limit": "1", "order_by": "-id", "local_id__isnull": "false"}
    assert newest is not None
    assert (newest.id, newest.local_id) == (1999, "Triple Seat 7")


def test_newest_order_is_none_when_revel_has_no_order() -> None:
    fake = Recorder(ok(page(total=0)))
    assert client(fake).newest_order(with_local_id=True) is None


def test_orders_by_local_ids_asks_once_with_local_id_in_sorted_and_room_for_all() -> None:
    fake = Recorder(ok(page(order(1, "Triple Seat 3"), total=1)))
    client(fake).orders_by_local_ids(["Triple Seat 3", "Triple Seat 1"], known="Triple Seat 2")
    assert fake.lines() == ["GET /resources/Order/"]
    assert params(fake.last) == {
        "local_id__in": "Triple Seat 1,Triple Seat 2,Triple Seat 3",
        "limit": str(2 * 3 + 10),
    }


def test_orders_by_local_ids_groups_the_orders_under_each_asked_local_id() -> None:
    fake = Recorder(
        ok(page(order(1, "Triple Seat 1"), order(2, "Triple Seat 1"), order(9, "Triple Seat 9"), total=3))
    )
    found = client(fake).orders_by_local_ids(["Triple Seat 1", "Triple Seat 2"], known="Triple Seat 9")
    assert found is not None
    assert {local_id: [o.id for o in orders] for local_id, orders in found.items()} == {
        "Triple Seat 1": [1, 2],
        "Triple Seat 2": [],
    }


def test_orders_by_local_ids_without_a_known_order_trusts_an_empty_answer() -> None:
    fake = Recorder(ok(page(total=0)))
    assert client(fake).orders_by_local_ids(["Triple Seat 1"], known=None) == {"Triple Seat 1": []}
    assert params(fake.last) == {"local_id__in": "Triple Seat 1", "limit": "12"}


@pytest.mark.parametrize(
    "answer",
    [
        page(order(1, "Triple Seat 1"), next_url="/resources/Order/?offset=1", total=2),
        page(order(1, "Triple Seat 1"), total=2),
        page(order(1, "Triple Seat 1"), order(5, "Someone else's"), total=2),
        page(order(1, "Triple Seat 1"), order(6, None), total=2),
        page(order(1, "Triple Seat 1"), total=1),
    ],
    ids=["more-pages", "total-count-above-page", "ignored-filter", "order-without-local-id", "known-missing"],
)
def test_orders_by_local_ids_is_none_when_the_answer_may_be_incomplete(answer: dict[str, Any]) -> None:
    fake = Recorder(ok(answer))
    assert client(fake).orders_by_local_ids(["Triple Seat 1"], known="Triple Seat 9") is None
    assert len(fake.requests) == 1


def test_orders_by_local_ids_is_none_when_revel_refuses_the_filter() -> None:
    fake = Recorder(fail(400, {"error": "The 'local_id' field does not allow the 'in' filter."}))
    assert client(fake).orders_by_local_ids(["Triple Seat 1"], known=None) is None
    assert len(fake.requests) == 1


def test_orders_by_local_ids_is_none_after_the_retries_of_a_failing_read() -> None:
    fake = Recorder(fail(503), fail(503), fail(503))
    assert client(fake).orders_by_local_ids(["Triple Seat 1"], known=None) is None
    assert len(fake.requests) == FAST_RETRY.attempts


def test_get_order_reads_one_order_by_id() -> None:
    fake = Recorder(ok(ORDER))
    found = client(fake).get_order(1001)
    assert fake.lines() == ["GET /resources/Order/1001/"]
    assert params(fake.last) == {}
    assert found == Order.model_validate(ORDER)
    assert (found.subtotal, found.final_total, found.remaining_due) == (
        Decimal("240.00"),
        Decimal("261.00"),
        Decimal("0.00"),
    )


def test_order_items_filters_by_order() -> None:
    item = {"id": 77, "order": "/resources/Order/1001/", "product": "/resources/Product/579/"}
    fake = Recorder(ok(page({**item, "quantity": "40", "price": 4.5})))
    found = client(fake).order_items(1001)
    assert fake.lines() == ["GET /resources/OrderItem/"]
    assert params(fake.last) == {"limit": "200", "order": "1001"}
    assert [(i.id, i.product_id, i.quantity, i.price) for i in found] == [
        (77, 579, Decimal(40), Decimal("4.50"))
    ]


def test_order_payments_filters_by_order() -> None:
    fake = Recorder(
        ok(page({"id": 31, "order": "/resources/Order/1001/", "amount": "261.00", "payment_type": 236}))
    )
    found = client(fake).order_payments(1001)
    assert fake.lines() == ["GET /resources/Payment/"]
    assert params(fake.last) == {"limit": "200", "order": "1001"}
    assert found == [
        Payment(id=31, order="/resources/Order/1001/", amount=Decimal("261.00"), payment_type=236)
    ]


def test_order_history_filters_by_order() -> None:
    row = {"id": 12, "order": "/resources/Order/1001/", "opened": "2026-01-10T18:00:00", "closed": None}
    fake = Recorder(ok(page(row)))
    found = client(fake).order_history(1001)
    assert fake.lines() == ["GET /resources/OrderHistory/"]
    assert params(fake.last) == {"limit": "200", "order": "1001"}
    assert found == [OrderHistory(id=12, order="/resources/Order/1001/", opened="2026-01-10T18:00:00")]


# ---- writes -------------------------------------------------------------------------------------


def test_create_order_posts_the_body_as_json() -> None:
    body = {"establishment": "/enterprise/Establishment/8/", "local_id": LOCAL_ID, "dining_option": 113}
    fake = Recorder(ok(ORDER, status=201))
    created = client(fake).create_order(body)
    assert fake.lines() == ["POST /resources/Order/"]
    assert params(fake.last) == {}
    assert json_body(fake.last) == body
    assert (created.id, created.local_id) == (1001, LOCAL_ID)


def test_create_order_item_posts_the_body_as_json() -> None:
    body = {
        "order": "/resources/Order/1001/",
        "product": "/resources/Product/579/",
        "quantity": 40,
        "price": "4.50",
    }
    fake = Recorder(ok({**body, "id": 77}, status=201))
    created = client(fake).create_order_item(body)
    assert fake.lines() == ["POST /resources/OrderItem/"]
    assert json_body(fake.last) == body
    assert created == OrderItem(
        id=77,
        order="/resources/Order/1001/",
        product="/resources/Product/579/",
        quantity=Decimal(40),
        price=Decimal("4.50"),
    )


def test_create_payment_posts_the_body_as_json() -> None:
    body = {"order": "/resources/Order/1001/", "amount": "261.00", "payment_type": 236, "tip": 0}
    fake = Recorder(ok({**body, "id": 31}, status=201))
    created = client(fake).create_payment(body)
    assert fake.lines() == ["POST /resources/Payment/"]
    assert json_body(fake.last) == body
    assert (created.id, created.amount, created.tip) == (31, Decimal("261.00"), Decimal("0.00"))


def test_create_order_history_posts_the_body_as_json() -> None:
    body = {"order": "/resources/Order/1001/", "opened": "2026-01-10T18:00:00"}
    fake = Recorder(ok({**body, "id": 12}, status=201))
    created = client(fake).create_order_history(body)
    assert fake.lines() == ["POST /resources/OrderHistory/"]
    assert json_body(fake.last) == body
    assert created == OrderHistory(id=12, order="/resources/Order/1001/", opened="2026-01-10T18:00:00")


def test_a_created_record_answered_without_a_body_is_a_response_error() -> None:
    fake = Recorder(empty(201))
    with pytest.raises(RevelResponseError, match="/resources/Order/: unexpected shape"):
        client(fake).create_order({"local_id": LOCAL_ID})


def test_patch_order_sends_the_changes_as_json_and_returns_the_answer() -> None:
    body = {"subtotal": "240.00", "final_total": "261.00", "remaining_due": "0.00"}
    fake = Recorder(ok({**ORDER, "closed": True}))
    patched = client(fake).patch_order(1001, body)
    assert fake.lines() == ["PATCH /resources/Order/1001/"]
    assert json_body(fake.last) == body
    assert (patched.id, patched.closed) == (1001, True)


def test_patch_order_answered_without_a_body_reads_the_order_back() -> None:
    fake = Recorder(empty(202), ok({**ORDER, "notes": "patched"}))
    patched = client(fake).patch_order(1001, {"notes": "patched"})
    assert fake.lines() == ["PATCH /resources/Order/1001/", "GET /resources/Order/1001/"]
    assert fake.requests[1].content == b""
    assert patched.notes == "patched"


def test_delete_order_item_sends_a_delete_without_a_body() -> None:
    fake = Recorder(empty(204))
    client(fake).delete_order_item(77)
    assert fake.lines() == ["DELETE /resources/OrderItem/77/"]
    assert fake.last.content == b""
    assert "content-type" not in fake.last.headers


# ---- error mapping ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_is_an_auth_error_and_not_retried(status: int) -> None:
    fake = Recorder(fail(status, {"error": "Authentication failed"}))
    with pytest.raises(RevelAuthError, match="REVEL_API_KEY") as caught:
        client(fake).products(8)
    assert (caught.value.status, caught.value.retryable) == (status, False)
    assert len(fake.requests) == 1


def test_404_is_not_found_and_not_retried() -> None:
    fake = Recorder(fail(404))
    with pytest.raises(RevelNotFound, match=r"GET /resources/Order/\{id\}/") as caught:
        client(fake).get_order(404404)
    assert caught.value.status == 404
    assert len(fake.requests) == 1


def test_400_is_a_validation_error_carrying_revels_message() -> None:
    fake = Recorder(fail(400, {"order": {"establishment": ["This field is required."]}}))
    with pytest.raises(RevelValidationError, match="This field is required") as caught:
        client(fake).create_order({"local_id": LOCAL_ID})
    assert caught.value.status == 400
    assert caught.value.body is not None and "establishment" in caught.value.body
    assert (caught.value.retryable, caught.value.ambiguous) == (False, False)


def test_an_undocumented_status_is_a_plain_revel_error() -> None:
    fake = Recorder(fail(409))
    with pytest.raises(RevelError, match="unexpected status 409") as caught:
        client(fake).get_order(1001)
    assert type(caught.value) is RevelError


def test_a_2xx_that_is_not_json_is_a_response_error() -> None:
    fake = Recorder(httpx.Response(200, text="<html>maintenance</html>"))
    with pytest.raises(RevelResponseError, match="not JSON"):
        client(fake).get_order(1001)


def test_a_2xx_of_the_wrong_shape_is_a_response_error() -> None:
    fake = Recorder(ok(page({"name": "no id"})))
    with pytest.raises(RevelResponseError, match="unexpected shape"):
        client(fake).products(8)


def test_429_is_rate_limited_with_the_retry_after_hint() -> None:
    fake = Recorder(fail(429, headers={"Retry-After": "7"}))
    with pytest.raises(RevelRateLimited) as caught:
        client(fake, retry=RetryPolicy(attempts=1)).get_order(1001)
    assert (caught.value.status, caught.value.retryable, caught.value.retry_after) == (429, True, 7.0)


def test_5xx_on_a_read_is_a_retryable_server_error_that_is_not_ambiguous() -> None:
    fake = Recorder(fail(502), fail(502), fail(502))
    with pytest.raises(RevelServerError) as caught:
        client(fake).get_order(1001)
    assert (caught.value.status, caught.value.retryable, caught.value.ambiguous) == (502, True, False)
    assert len(fake.requests) == FAST_RETRY.attempts


# ---- retries ------------------------------------------------------------------------------------


def test_a_read_is_retried_after_a_5xx_with_the_same_request() -> None:
    fake = Recorder(fail(503), ok(page({"id": 579})))
    assert [p.id for p in client(fake).products(8)] == [579]
    assert [(r.method, str(r.url)) for r in fake.requests] == [
        ("GET", f"{BASE}/resources/Product/?limit=200&establishment=8")
    ] * 2


def test_a_read_is_retried_after_a_429_waiting_at_least_retry_after(sleeps: list[float]) -> None:
    fake = Recorder(fail(429, headers={"Retry-After": "7"}), ok(ORDER))
    assert client(fake).get_order(1001).id == 1001
    assert len(fake.requests) == 2
    assert sleeps == [7.0]


@pytest.mark.parametrize("error", [httpx.ReadTimeout("read timed out"), httpx.ConnectError("refused")])
def test_a_read_is_retried_after_a_transport_error(error: httpx.HTTPError) -> None:
    fake = Recorder(error, ok(ORDER))
    assert client(fake).get_order(1001).id == 1001
    assert len(fake.requests) == 2


def test_a_read_that_keeps_timing_out_is_a_transport_error() -> None:
    fake = Recorder(*(httpx.ReadTimeout("read timed out") for _ in range(3)))
    with pytest.raises(RevelTransportError, match="ReadTimeout") as caught:
        client(fake).get_order(1001)
    assert (caught.value.retryable, caught.value.ambiguous) == (True, False)
    assert len(fake.requests) == FAST_RETRY.attempts


def test_a_post_is_not_retried_after_a_5xx_that_may_have_landed() -> None:
    fake = Recorder(fail(502), ok(ORDER, status=201))
    with pytest.raises(RevelServerError) as caught:
        client(fake).create_order({"local_id": LOCAL_ID})
    assert (caught.value.retryable, caught.value.ambiguous) == (True, True)
    assert fake.lines() == ["POST /resources/Order/"]
    assert fake.pending == 1


def test_a_post_is_not_retried_after_a_timeout_once_sent() -> None:
    fake = Recorder(httpx.ReadTimeout("read timed out"), ok(ORDER, status=201))
    with pytest.raises(RevelTransportError) as caught:
        client(fake).create_payment({"amount": "1.00"})
    assert caught.value.ambiguous is True
    assert fake.lines() == ["POST /resources/Payment/"]


@pytest.mark.parametrize("error", [httpx.ConnectError("refused"), httpx.ConnectTimeout("connect timed out")])
def test_a_post_is_retried_when_the_connection_never_opened(error: httpx.HTTPError) -> None:
    body = {"local_id": LOCAL_ID}
    fake = Recorder(error, ok(ORDER, status=201))
    assert client(fake).create_order(body).id == 1001
    assert fake.lines() == ["POST /resources/Order/"] * 2
    assert [json_body(r) for r in fake.requests] == [body, body]


def test_a_post_is_retried_after_a_429_which_proves_nothing_was_applied(sleeps: list[float]) -> None:
    fake = Recorder(fail(429, headers={"Retry-After": "2"}), ok({"id": 77}, status=201))
    assert client(fake).create_order_item({"quantity": 1}).id == 77
    assert fake.lines() == ["POST /resources/OrderItem/"] * 2
    assert sleeps == [2.0]


def test_a_patch_is_not_repeated_after_a_5xx_it_may_have_applied() -> None:
    # A repeated discount PATCH stacks on some Revels: the writer checks the order first.
    fake = Recorder(fail(502))
    with pytest.raises(RevelServerError) as caught:
        client(fake).patch_order(1001, {"final_total": "261.00"})
    assert caught.value.ambiguous is True
    assert fake.lines() == ["PATCH /resources/Order/1001/"]


def test_a_patch_is_retried_after_a_429_which_proves_nothing_was_applied(sleeps: list[float]) -> None:
    body = {"final_total": "261.00"}
    fake = Recorder(fail(429, headers={"Retry-After": "2"}), ok(ORDER))
    assert client(fake).patch_order(1001, body).id == 1001
    assert [json_body(r) for r in fake.requests] == [body, body]


def test_a_delete_is_not_repeated_after_a_5xx_it_may_have_applied() -> None:
    # Repeated, a DELETE that landed answers 404; the writer looks at the order instead.
    fake = Recorder(fail(502))
    with pytest.raises(RevelServerError) as caught:
        client(fake).delete_order_item(77)
    assert caught.value.ambiguous is True
    assert fake.lines() == ["DELETE /resources/OrderItem/77/"]


# ---- bookkeeping --------------------------------------------------------------------------------


def test_the_observer_sees_each_attempt_by_endpoint_template_and_status() -> None:
    seen: list[tuple[str, str, str]] = []
    fake = Recorder(fail(503), httpx.ConnectError("refused"), ok(ORDER))
    revel = client(fake, observer=lambda vendor, endpoint, status, _: seen.append((vendor, endpoint, status)))
    revel.get_order(1001)
    assert seen == [
        ("revel", "GET /resources/Order/{id}/", "503"),
        ("revel", "GET /resources/Order/{id}/", "error"),
        ("revel", "GET /resources/Order/{id}/", "200"),
    ]


def test_every_attempt_takes_a_rate_limit_slot_and_is_counted() -> None:
    class Counting:
        def __init__(self) -> None:
            self.acquired = 0

        def acquire(self) -> float:
            self.acquired += 1
            return 0.0

    limiter = Counting()
    fake = Recorder(
        fail(503), ok(page({"id": 1}, next_url="/resources/Product/?offset=1")), ok(page({"id": 2}))
    )
    revel = client(fake, limiter=limiter)
    revel.products(8)
    assert (limiter.acquired, revel.calls, len(fake.requests)) == (3, 3, 3)


def test_list_all_yields_the_raw_objects_of_every_page_under_the_given_endpoint_label() -> None:
    fake = Recorder(
        ok(page({"id": 1, "extra": "kept"}, next_url="/resources/Discount/?offset=1")),
        fail(404),
    )
    rows = client(fake).list_all("/resources/Discount/", {"active": True}, "/resources/Discount/")
    assert next(rows) == {"id": 1, "extra": "kept"}
    assert params(fake.last) == {"limit": "200", "active": "true"}
    with pytest.raises(RevelNotFound, match="GET /resources/Discount/: not found"):
        next(rows)
    assert params(fake.last) == {"offset": "1"}


def test_close_closes_the_http_client() -> None:
    revel = client(Recorder())
    revel.close()
    assert revel.http.is_closed
    with pytest.raises(RuntimeError):
        revel.get_order(1001)


# ---- the records orders refer to (for `locations init`) ------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("dining_options", "/resources/CustomOrderOption/"),
        ("payment_types", "/resources/CustomPaymentType/"),
        ("discounts", "/resources/Discount/"),
        ("pos_stations", "/resources/PosStation/"),
    ],
)
def test_named_records_are_read_whole_with_their_establishment(method: str, path: str) -> None:
    own = {"id": 5, "name": "Bar Station", "active": True, "establishment": "/enterprise/Establishment/8/"}
    shared = {"id": 4, "name": "Catering Station", "establishment": None, "is_open": True}
    fake = Recorder(ok(page(own, shared)))
    found = getattr(client(fake), method)()
    assert fake.lines() == [f"GET {path}"]
    assert params(fake.last) == {"limit": "200"}  # no establishment filter: it would drop shared ones
    assert [(r.id, r.name, r.establishment_id, r.is_open) for r in found] == [
        (5, "Bar Station", 8, None),
        (4, "Catering Station", None, True),
    ]


def test_users_are_read_with_a_readable_name() -> None:
    fake = Recorder(
        ok(page({"id": 1, "username": "api", "first_name": "API", "last_name": "User", "active": True}))
    )
    (user,) = client(fake).users()
    assert fake.lines() == ["GET /enterprise/User/"]
    assert (user.id, user.name, user.active) == (1, "API User (api)", True)
