"""Revel writes: the REST order path (Order, OrderItem, discount, Payment, OrderHistory, PATCH),
what Revel refuses, the write log, and the cart API."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from tripleseat_revel.integrations.revel.schemas import Order, OrderHistory, OrderItem, Payment

from .conftest import Api

EST8 = "/enterprise/Establishment/8/"
USER = "/enterprise/User/1/"
STATION = "/resources/PosStation/4/"


def order_body(**extra: Any) -> dict[str, Any]:
    return {
        "establishment": EST8,
        "created_by": USER,
        "updated_by": USER,
        "created_at": STATION,
        "last_updated_at": STATION,
        "local_id": "Triple Seat 1",
        "dining_option": 113,
        "notes": "Triple Seat Event #1",
        "subtotal": 0,
        "final_total": 0,
        "remaining_due": 0,
        **extra,
    }


def create_order(rv: Api, **extra: Any) -> dict[str, Any]:
    response = rv.post("/resources/Order/", json=order_body(**extra))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def add_item(rv: Api, order: dict[str, Any], product: int = 801, **extra: Any) -> Any:
    return rv.post(
        "/resources/OrderItem/",
        json={
            "order": order["resource_uri"],
            "product": f"/resources/Product/{product}/",
            "quantity": 40,
            "price": "45.00",
            "created_by": USER,
            **extra,
        },
    )


def test_create_order_returns_201_with_the_object(rv: Api) -> None:
    response = rv.post("/resources/Order/", json=order_body())
    assert response.status_code == 201
    order = Order.model_validate(response.json())
    assert response.headers["location"] == order.resource_uri == f"/resources/Order/{order.id}/"
    assert (order.local_id, order.dining_option, order.closed) == ("Triple Seat 1", 113, False)
    raw = response.json()
    assert raw["establishment"] == EST8
    assert raw["created_at"] == STATION
    assert raw["created_date"] == "2026-11-25T12:00:00.000000"  # store-local, naive
    assert raw["uuid"]
    assert raw["applied_discounts"] == []
    assert raw["version"] == 1


@pytest.mark.parametrize("extra", [{"id": 5}, {"resource_uri": "/resources/Order/5/"}])
def test_post_with_an_id_or_resource_uri_is_refused(rv: Api, extra: dict[str, Any]) -> None:
    response = rv.post("/resources/Order/", json=order_body(**extra))
    assert response.status_code == 400
    assert "resource_uri" in response.json()["error_message"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"establishment": 8}, "not a URI"),
        ({"establishment": "/enterprise/Establishment/77/"}, "Could not find"),
        ({"created_by": "/enterprise/User/209/"}, "not active"),
        ({"created_by": "/resources/Product/801/"}, "not a URI"),
        ({"dining_option": 999}, "Unknown dining_option"),
        ({"final_total": "lots"}, "decimal"),
        ({"created_by": None}, "required"),
    ],
)
def test_what_revel_refuses_on_an_order(rv: Api, extra: dict[str, Any], message: str) -> None:
    response = rv.post("/resources/Order/", json=order_body(**extra))
    assert response.status_code == 400
    assert message in str(response.json())


def test_order_items_need_a_product_of_the_same_establishment(rv: Api) -> None:
    order = create_order(rv)
    good = add_item(rv, order, 801)
    assert good.status_code == 201
    item = OrderItem.model_validate(good.json())
    assert (item.product_id, item.quantity, str(item.price)) == (801, Decimal(40), "45.00")
    foreign = add_item(rv, order, 1201)
    assert foreign.status_code == 400
    assert "belongs to establishment 12" in foreign.json()["error_message"]
    missing = add_item(rv, order, 80100)
    assert missing.status_code == 400


def test_totals_are_exactly_what_the_client_wrote(rv: Api) -> None:
    order = create_order(rv)
    add_item(rv, order, 801, quantity=2, price="10.00")
    patched = rv.patch(
        order["resource_uri"],
        json={"subtotal": "20.00", "final_total": "999.99", "remaining_due": 0, "closed": False},
    )
    assert patched.status_code == 202
    body = Order.model_validate(patched.json())
    assert (str(body.subtotal), str(body.final_total)) == ("20.00", "999.99")  # no recomputation
    assert body.closed is True  # derived: final_total > 0 and nothing due, whatever was sent
    assert patched.json()["version"] == 2
    assert patched.json()["has_items"] is True


def test_closed_follows_remaining_due(rv: Api) -> None:
    order = create_order(rv, final_total="100.00", remaining_due="40.00")
    assert order["closed"] is False
    closed = rv.patch(order["resource_uri"], json={"remaining_due": "0.00"}).json()
    assert closed["closed"] is True
    assert rv.patch(order["resource_uri"], json={"closed": False}).json()["closed"] is True


def test_patch_status_variant(rv: Api) -> None:
    order = create_order(rv)
    rv.put("/_sandbox/settings", json={"patch_status": 200})
    assert rv.patch(order["resource_uri"], json={"notes": "x"}).status_code == 200


def test_discount_patch_creates_an_applied_discount(rv: Api) -> None:
    order = create_order(rv)
    patched = rv.patch(
        order["resource_uri"],
        json={
            "discount": "/resources/Discount/3358/",
            "discount_amount": "150.00",
            "discount_rule_amount": "150.00",
            "discount_reason": "TripleSeat",
            "discounted_by": USER,
        },
    ).json()
    applied = patched["applied_discounts"]
    assert len(applied) == 1
    assert (applied[0]["name"], applied[0]["discount_amount"]) == ("Triple Seat Discount", "150.000000")
    assert patched["is_discounted"] is True
    again = rv.patch(
        order["resource_uri"], json={"discount": "/resources/Discount/3358/", "discount_amount": "75.00"}
    ).json()
    assert [a["discount_amount"] for a in again["applied_discounts"]] == ["75.000000"]
    staff_meal = rv.patch(order["resource_uri"], json={"discount": "/resources/Discount/3359/"})
    assert staff_meal.status_code == 202  # establishment 8's own discount


def test_payments_and_history(rv: Api) -> None:
    order = create_order(rv)
    paid = rv.post(
        "/resources/Payment/",
        json={
            "order": order["resource_uri"],
            "establishment": EST8,
            "amount": "500.00",
            "payment_type": 236,
            "tip": 0,
            "created_by": USER,
        },
    )
    assert paid.status_code == 201
    assert str(Payment.model_validate(paid.json()).amount) == "500.00"
    unknown_type = rv.post(
        "/resources/Payment/", json={"order": order["resource_uri"], "amount": "1", "payment_type": 9999}
    )
    assert unknown_type.status_code == 400
    wrong_store = rv.post(
        "/resources/Payment/",
        json={
            "order": order["resource_uri"],
            "amount": "1",
            "payment_type": 236,
            "establishment": "/enterprise/Establishment/9/",
        },
    )
    assert wrong_store.status_code == 400
    history = rv.post(
        "/resources/OrderHistory/",
        json={
            "order": order["resource_uri"],
            "order_opened_by": USER,
            "order_opened_at": STATION,
            "opened": "2026-11-25T12:00:00",
        },
    )
    assert history.status_code == 201
    assert OrderHistory.model_validate(history.json()).opened == "2026-11-25T12:00:00"
    reread = rv.get(order["resource_uri"]).json()
    assert reread["has_history"] is True
    assert reread["orderhistory"] == [history.json()["resource_uri"]]


def test_order_items_can_be_deleted_orders_cannot(rv: Api) -> None:
    order = create_order(rv)
    item = add_item(rv, order).json()
    assert rv.delete(item["resource_uri"]).status_code == 204
    assert rv.get(item["resource_uri"]).status_code == 404
    assert rv.get(order["resource_uri"]).json()["has_items"] is False
    refused = rv.delete(order["resource_uri"])
    assert refused.status_code == 405
    assert rv.post("/resources/Product/", json={"name": "x"}).status_code == 405


def test_write_log_and_orders_view(rv: Api) -> None:
    order = create_order(rv)
    add_item(rv, order, 801)
    add_item(rv, order, 802, quantity=80, price="4.75")
    rv.patch(order["resource_uri"], json={"final_total": "2000.00"})
    writes = rv.get("/_sandbox/writes").json()
    assert [(w["seq"], w["method"], w["resource"]) for w in writes["writes"]] == [
        (1, "POST", "Order"),
        (2, "POST", "OrderItem"),
        (3, "POST", "OrderItem"),
        (4, "PATCH", "Order"),
    ]
    assert writes["writes"][3]["body"] == {"final_total": "2000.00"}
    assert rv.get("/_sandbox/writes", params={"since": 2, "resource": "OrderItem"}).json()["count"] == 1
    view = rv.get("/_sandbox/orders", params={"local_id": "Triple Seat 1"}).json()
    assert view["count"] == 1
    mine = view["orders"][0]
    assert [i["product"] for i in mine["items"]] == ["/resources/Product/801/", "/resources/Product/802/"]
    assert mine["final_total"] == 2000.0
    assert mine["payments"] == []
    assert mine["history"] == []
    written = rv.get("/_sandbox/orders", params={"written": "true"}).json()
    assert [o["id"] for o in written["orders"]] == [order["id"]]
    assert rv.delete("/_sandbox/orders").json() == {"orders": 0, "writes": 0}
    assert rv.get("/resources/Order/").json()["meta"]["total_count"] == 0


def test_service_fees_and_customers(rv: Api) -> None:
    order = create_order(rv)
    fee = rv.post(
        "/resources/AppliedServiceFee/",
        json={"order": order["resource_uri"], "service_fee": "/resources/ServiceFee/81/", "amount": "430.00"},
    )
    assert fee.status_code == 201
    assert fee.json()["amount"] == "430.000000"
    other_store = rv.post(
        "/resources/AppliedServiceFee/",
        json={"order": order["resource_uri"], "service_fee": "/resources/ServiceFee/121/", "amount": "1"},
    )
    assert other_store.status_code == 400
    assert [f["amount"] for f in rv.get(order["resource_uri"]).json()["applied_service_fee"]] == [
        "430.000000"
    ]
    customer = rv.post(
        "/resources/Customer/", json={"first_name": "Jane", "last_name": "Smith", "email": "jane@example.com"}
    )
    assert customer.status_code == 201
    assert (
        create_order(rv, customer=customer.json()["resource_uri"])["customer"]
        == customer.json()["resource_uri"]
    )


ORDER_INFO: dict[str, object] = {
    "dining_option": 113,
    "asap": False,
    "notes": "Triple Seat Event #1",
    "call_name": "Jane Smith",
    "customer": {"first_name": "Jane", "last_name": "Smith"},
}
CART = {
    "skin": "weborder",
    "establishmentId": 8,
    "items": [
        {"product": 801, "quantity": 10, "price": 3.5, "modifieritems": [], "special_request": ""},
        {"product": 817, "quantity": 2, "price": 65},
    ],
    "orderInfo": ORDER_INFO,
    "paymentInfo": {"type": 236, "amount": 50, "tip": 0, "transaction_id": "ts-1"},
}


def test_cart_submit_creates_a_priced_order(rv: Api) -> None:
    response = rv.post("/specialresources/cart/submit/", json=CART)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "OK"
    assert body["orderId"] == body["data"]["orderId"]
    order = rv.get(f"/resources/Order/{body['orderId']}/").json()
    assert (order["subtotal"], order["tax"], order["final_total"]) == (165.0, 14.44, 179.44)
    assert order["remaining_due"] == 129.44
    assert order["web_order"] is True
    assert order["local_id"] is None  # not settable through the cart by default
    sources = {w["source"] for w in rv.get("/_sandbox/writes").json()["writes"]}
    assert sources == {"cart"}
    items = rv.get("/resources/OrderItem/", params={"order": body["orderId"]}).json()["objects"]
    assert [i["quantity"] for i in items] == [10.0, 2.0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"items": []}, "no items"),
        ({"establishmentId": 99}, "does not exist"),
        ({"items": [{"product": 1201, "quantity": 1}]}, "not available"),
        ({"items": [{"product": 899, "quantity": 1}]}, "not active"),
        ({"paymentInfo": {"type": 4242, "amount": 1}}, "payment type"),
    ],
)
def test_cart_errors_come_back_as_status_error(rv: Api, change: dict[str, Any], message: str) -> None:
    response = rv.post("/specialresources/cart/submit/", json={**CART, **change})
    assert response.status_code == 200
    assert response.json()["status"] == "ERROR"
    assert message in response.json()["errorMsg"]
    assert rv.get("/_sandbox/writes").json()["count"] == 0


def test_cart_variants_local_id_and_text_plain(rv: Api) -> None:
    rv.put("/_sandbox/settings", json={"cart_local_id": True, "cart_require_text_plain": True})
    as_json = rv.post("/specialresources/cart/submit/", json=CART)
    assert as_json.json() == {"status": "ERROR", "errorMsg": "Unhandled error"}
    body = {**CART, "orderInfo": {**ORDER_INFO, "local_id": "Triple Seat 9"}}
    plain = rv.post(
        "/specialresources/cart/submit/", content=json.dumps(body), headers={"Content-Type": "text/plain"}
    )
    order = rv.get(f"/resources/Order/{plain.json()['orderId']}/").json()
    assert order["local_id"] == "Triple Seat 9"


def test_cart_calculate_does_not_write(rv: Api) -> None:
    body = rv.post("/specialresources/cart/calculate/", json=CART).json()
    assert body["status"] == "OK"
    assert body["data"]["final_total"] == 179.44
    assert rv.post("/specialresources/cart/validate/", json=CART).json() == {"status": "OK", "data": {}}
    assert rv.get("/_sandbox/writes").json()["count"] == 0


# ---- behaviour variants (where Revel's documentation is silent) -----------------------------------


def _discount(amount: str) -> dict[str, Any]:
    return {
        "discount": "/resources/Discount/3358/",
        "discount_amount": amount,
        "discount_rule_amount": amount,
    }


def test_a_revel_that_recomputes_totals_ignores_the_patched_ones(rv: Api) -> None:
    rv.put("/_sandbox/settings", json={"totals": "recomputed", "tax_rate": 0.1})
    order = create_order(rv)
    add_item(rv, order, 801, quantity=2, price="10.00")

    patched = rv.patch(
        order["resource_uri"], json={**_discount("5.00"), "subtotal": "99.00", "final_total": "1.00"}
    )

    body = Order.model_validate(patched.json())
    assert (str(body.subtotal), str(body.tax), str(body.final_total)) == ("20.00", "1.50", "16.50")


def test_a_revel_that_stacks_discounts_adds_a_second_one(rv: Api) -> None:
    rv.put("/_sandbox/settings", json={"discount_patch": "stack"})
    order = create_order(rv)
    rv.patch(order["resource_uri"], json=_discount("10.00"))

    again = rv.patch(order["resource_uri"], json=_discount("15.00")).json()

    assert sorted(a["discount_amount"] for a in again["applied_discounts"]) == ["10.000000", "15.000000"]
    assert Order.model_validate(again).discount_amount == Decimal("25.00")


def test_a_discount_set_to_null_is_removed(rv: Api) -> None:
    order = create_order(rv)
    rv.patch(order["resource_uri"], json=_discount("10.00"))

    cleared = rv.patch(order["resource_uri"], json={"discount": None, "discount_amount": "0.00"}).json()

    assert (cleared["applied_discounts"], cleared["is_discounted"]) == ([], False)


def test_negative_payments_can_be_refused(rv: Api) -> None:
    order = create_order(rv)
    refund = {"order": order["resource_uri"], "amount": "-20.00", "payment_type": 236, "created_by": USER}
    assert rv.post("/resources/Payment/", json=refund).status_code == 201
    rv.put("/_sandbox/settings", json={"negative_payments": False})
    assert rv.post("/resources/Payment/", json=refund).status_code == 400


def test_a_patch_can_answer_202_with_no_body(rv: Api) -> None:
    order = create_order(rv)
    rv.put("/_sandbox/settings", json={"patch_returns_body": False})

    patched = rv.patch(order["resource_uri"], json={"notes": "x"})

    assert (patched.status_code, patched.content) == (202, b"")
    assert rv.get(order["resource_uri"]).json()["notes"] == "x"


def test_closed_orders_can_be_locked(rv: Api) -> None:
    rv.put("/_sandbox/settings", json={"closed_orders_locked": True})
    order = create_order(rv, final_total="100.00", remaining_due="0.00")

    refused = add_item(rv, order)

    assert refused.status_code == 400 and "closed" in refused.text
