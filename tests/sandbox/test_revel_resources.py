"""Revel reads: API-AUTHENTICATION, Tastypie lists (meta + objects), pagination links and the
Django-style filters, parsed with the connector's Revel schemas."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from tripleseat_revel.integrations.revel.schemas import Establishment, Order, Page, Product

from .conftest import Api

PRODUCTS = "/resources/Product/"

# Query parameters as httpx takes them.
Params = Mapping[str, str | int]


def page(api: Api, path: str, params: Params | None = None) -> Page:
    response = api.get(path, params=params)
    assert response.status_code == 200, response.text
    return Page.model_validate(response.json())


def ids(api: Api, path: str, params: Params) -> list[int]:
    return [o["id"] for o in page(api, path, params).objects]


def test_missing_or_wrong_credentials_get_401(rv_anon: Api) -> None:
    missing = rv_anon.get(PRODUCTS)
    wrong = rv_anon.get(PRODUCTS, headers={"API-AUTHENTICATION": "sandbox-key:nope"})
    basic = rv_anon.get(PRODUCTS, headers={"Authorization": "Basic c2FuZGJveC1rZXk6c2FuZGJveC1zZWNyZXQ="})
    for response in (missing, wrong, basic):
        assert (response.status_code, response.content) == (401, b"")


def test_query_parameter_credentials_work_too(rv_anon: Api) -> None:
    response = rv_anon.get(PRODUCTS, params={"api_key": "sandbox-key", "api_secret": "sandbox-secret"})
    assert response.status_code == 200


def test_json_401_variant_and_a_key_missing_a_scope(rv: Api) -> None:
    rv.put("/_sandbox/settings", json={"auth_failure_body": "json", "denied_resources": ["Order"]})
    denied = rv.get("/resources/Order/")
    assert (denied.status_code, denied.json()) == (401, {"error_message": "Invalid API credentials"})
    assert rv.get(PRODUCTS).status_code == 200


def test_list_shape_and_default_limit(rv: Api) -> None:
    body = rv.get(PRODUCTS).json()
    assert set(body) == {"meta", "objects"}
    assert body["meta"] == {
        "limit": 20,
        "offset": 0,
        "total_count": 5 * 39,
        "next": "/resources/Product/?limit=20&offset=20",
        "previous": None,
    }
    product = Product.model_validate(body["objects"][0])
    assert (product.id, product.name, product.establishment) == (
        401,
        "Caprese Skewers",
        "/enterprise/Establishment/4/",
    )
    assert body["objects"][0]["resource_uri"] == "/resources/Product/401/"


def test_next_links_cover_every_object_exactly_once(rv: Api) -> None:
    seen: list[int] = []
    url: str | None = "/resources/Product/?establishment=8&limit=7"
    previous: list[str | None] = []
    while url:
        body = rv.get(url).json()
        seen += [o["id"] for o in body["objects"]]
        previous.append(body["meta"]["previous"])
        url = body["meta"]["next"]
        assert url is None or "establishment=8" in url
    assert len(seen) == len(set(seen)) == 39
    assert previous[0] is None
    assert previous[1] == "/resources/Product/?establishment=8&limit=7&offset=0"


def test_limit_zero_means_all_up_to_max_limit(rv: Api) -> None:
    everything = rv.get(PRODUCTS, params={"limit": 0}).json()
    assert everything["meta"]["limit"] == 1000
    assert len(everything["objects"]) == 195
    assert everything["meta"]["next"] is None
    rv.put("/_sandbox/settings", json={"max_limit": 50})
    capped = rv.get(PRODUCTS, params={"limit": 500}).json()
    assert capped["meta"]["limit"] == 50
    assert len(capped["objects"]) == 50


def test_offset_and_bad_limits(rv: Api) -> None:
    assert ids(rv, PRODUCTS, {"offset": 190}) == [1435, 1436, 1437, 1438, 1499]
    bad = rv.get(PRODUCTS, params={"limit": "-1"})
    assert bad.status_code == 400
    assert "limit" in bad.json()["error_message"]


@pytest.mark.parametrize("value", ["8", "/enterprise/Establishment/8/"])
def test_fk_filters_take_a_plain_id_or_a_uri(rv: Api, value: str) -> None:
    found = page(rv, PRODUCTS, {"establishment": value, "limit": 0}).objects
    assert len(found) == 39
    assert {p["establishment"] for p in found} == {"/enterprise/Establishment/8/"}


def test_exact_in_and_range_filters(rv: Api) -> None:
    assert ids(rv, PRODUCTS, {"id__in": "801,805,1203"}) == [801, 805, 1203]
    assert ids(rv, PRODUCTS, {"id__gte": 1432, "id__lte": 1434}) == [1432, 1433, 1434]
    assert ids(rv, PRODUCTS, {"id__gt": 1433, "id__lt": 1435}) == [1434]
    assert ids(rv, PRODUCTS, {"id__range": "901,903"}) == [901, 902, 903]
    assert ids(rv, PRODUCTS, {"name": "Taco Bar", "establishment": 8}) == []
    assert ids(rv, PRODUCTS, {"name": "TACO BAR", "establishment": 8}) == [820]


def test_text_filters(rv: Api) -> None:
    est = {"establishment": 9, "limit": 0}
    assert ids(rv, PRODUCTS, {**est, "name__iexact": "taco bar"}) == [920]
    assert ids(rv, PRODUCTS, {**est, "name__icontains": "SALMON"}) == [914]
    assert ids(rv, PRODUCTS, {**est, "name__contains": "salmon"}) == []
    assert ids(rv, PRODUCTS, {**est, "name__startswith": "Wild"}) == [905, 915]
    assert ids(rv, PRODUCTS, {**est, "name__istartswith": "wild"}) == [905, 915]
    assert ids(rv, PRODUCTS, {**est, "name__endswith": "Fee"}) == [938]


def test_bool_money_and_isnull_filters(rv: Api) -> None:
    inactive = page(rv, PRODUCTS, {"active": "false", "limit": 0}).objects
    assert [p["id"] for p in inactive] == [499, 899, 999, 1299, 1499]
    assert ids(rv, PRODUCTS, {"establishment": 8, "price__gte": 200}) == [837]
    assert ids(rv, PRODUCTS, {"establishment": 8, "barcode__isnull": "false"}) == []
    assert len(ids(rv, PRODUCTS, {"establishment": 8, "cost__isnull": "true", "limit": 0})) == 39


def test_order_by_and_fields(rv: Api) -> None:
    cheap_first = page(rv, PRODUCTS, {"establishment": 8, "order_by": "price", "limit": 3}).objects
    assert [p["price"] for p in cheap_first] == [2.5, 2.5, 3.0]
    dear_first = page(rv, PRODUCTS, {"establishment": 8, "order_by": "-price", "limit": 1}).objects
    assert dear_first[0]["name"] == "AV Package"
    projected = page(rv, PRODUCTS, {"establishment": 8, "fields": "id,name", "limit": 2}).objects
    assert projected == [{"id": 801, "name": "Caprese Skewers"}, {"id": 802, "name": "mini crab cakes"}]
    bad = rv.get(PRODUCTS, params={"order_by": "colour"})
    assert bad.status_code == 400
    assert "colour" in bad.json()["error_message"]


def test_unknown_filters_are_ignored_unless_strict(rv: Api) -> None:
    assert page(rv, PRODUCTS, {"colour": "red"}).meta.total_count == 195
    rv.put("/_sandbox/settings", json={"unknown_filter": "error"})
    strict = rv.get(PRODUCTS, params={"colour": "red"})
    assert strict.status_code == 400
    assert "colour" in strict.json()["error_message"]


def test_establishments_and_reference_resources(rv: Api) -> None:
    establishments = [Establishment.model_validate(o) for o in page(rv, "/enterprise/Establishment/").objects]
    assert [e.id for e in establishments] == [4, 8, 9, 12, 14]
    checks = {
        "/enterprise/User/": [1, 7, 209],
        "/resources/PosStation/": [4, 5, 6],
        "/resources/CustomOrderOption/": [113, 114],
        "/resources/DiningOption/": [113, 114],
        "/resources/CustomPaymentType/": [236, 237, 238],
        "/resources/Discount/": [3358, 3359],
        "/resources/ServiceFee/": [7, 41, 81, 91, 121, 141],
        "/products/ProductCategory/": [41, 42, 43, 81, 82, 83, 91, 92, 93, 121, 122, 123, 141, 142, 143],
        "/resources/Customer/": [],
    }
    for path, expected in checks.items():
        assert ids(rv, path, {"limit": 0}) == expected, path
    user = rv.get("/enterprise/User/209/").json()
    assert user["active"] is False


def test_detail_and_404(rv: Api) -> None:
    product = Product.model_validate(rv.get("/resources/Product/1203/").json())
    assert product.name == "Bacon Wrapped Dates"
    assert str(product.price) == "3.25"
    assert rv.get("/resources/Product/123456/").status_code == 404


def test_seeded_orders_parse_and_filter_by_local_id(rv: Api) -> None:
    orders = [Order.model_validate(o) for o in page(rv, "/resources/Order/", {"limit": 0}).objects]
    assert len(orders) == 25
    legacy = page(rv, "/resources/Order/", {"establishment": 12, "local_id": "Triple Seat 55521625"}).objects
    assert len(legacy) == 1
    order = Order.model_validate(legacy[0])
    assert order.dining_option == 113
    assert order.notes == "Triple Seat Event #55521625"
    assert ids(rv, "/resources/Order/", {"local_id__isnull": "false"}) == [order.id]
    assert page(rv, "/resources/Order/", {"closed": "true", "limit": 0}).meta.total_count == 25
