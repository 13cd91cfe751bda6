"""Revel REST client: `API-AUTHENTICATION: key:secret`, Tastypie lists followed through meta.next.

Reads are retried with backoff; writes (POST, PATCH, DELETE) only after an error that proves they
were not applied (429, a connection that never opened): one that may have landed goes back to the
caller, who checks Revel before writing again (a repeated POST duplicates, a repeated discount
PATCH may stack, a repeated DELETE answers 404).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from tripleseat_revel.integrations.revel.errors import (
    WRITES,
    RevelError,
    RevelNotFound,
    RevelRateLimited,
    RevelResponseError,
    RevelServerError,
    RevelTransportError,
    error_from_response,
    transport_error,
)
from tripleseat_revel.integrations.revel.schemas import (
    Establishment,
    NamedRecord,
    Order,
    OrderHistory,
    OrderItem,
    Page,
    Payment,
    Product,
    Reference,
    User,
)
from tripleseat_revel.kit.http import (
    DEFAULT_TIMEOUT,
    CallObserver,
    RetryPolicy,
    with_retries,
)
from tripleseat_revel.kit.ratelimit import RateLimiter, Unlimited

M = TypeVar("M", bound=BaseModel)
# Where each kind of record the locations file names by id lives.
REFERENCE_PATHS = {
    "CustomOrderOption": "/resources/CustomOrderOption/",
    "CustomPaymentType": "/resources/CustomPaymentType/",
    "Discount": "/resources/Discount/",
    "User": "/enterprise/User/",
    "PosStation": "/resources/PosStation/",
}
LIST_LIMIT = 200
MAX_PAGES = 500  # of LIST_LIMIT objects each


def _identity(obj: dict[str, Any]) -> str:
    """What makes a listed object itself: its id (or resource URI), else its whole content."""
    ident = obj.get("id", obj.get("resource_uri"))
    return f"id:{ident}" if ident is not None else repr(sorted(obj.items()))


class RevelClient:
    """One short method per endpoint; returns pydantic models."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        api_secret: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        observer: CallObserver | None = None,
        max_pages: int = MAX_PAGES,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.max_pages = max_pages
        self.limiter = limiter or Unlimited()
        self.retry = retry or RetryPolicy()
        self.observer = observer
        self.calls = 0
        self.http = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            timeout=timeout,
            headers={
                "API-AUTHENTICATION": f"{api_key}:{api_secret}",
                "Accept": "application/json",
            },
        )

    def close(self) -> None:
        self.http.close()

    # ---- plumbing ----------------------------------------------------------------------------

    def _request_once(
        self, method: str, path: str, endpoint: str, params: Any = None, body: Any = None
    ) -> Any:
        self.limiter.acquire()
        self.calls += 1
        started = time.perf_counter()
        status = "error"
        try:
            response = self.http.request(method, path, params=params, json=body)
            status = str(response.status_code)
        except httpx.HTTPError as exc:
            raise transport_error(exc, endpoint, method) from exc
        finally:
            if self.observer is not None:
                self.observer("revel", f"{method} {endpoint}", status, time.perf_counter() - started)
        if response.status_code not in (200, 201, 202, 204):
            raise error_from_response(response, f"{method} {endpoint}", method)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise RevelResponseError(f"{method} {endpoint}: body is not JSON") from exc

    def _request(
        self,
        method: str,
        path: str,
        endpoint: str,
        *,
        params: Any = None,
        body: Any = None,
        retry: RetryPolicy | None = None,
    ) -> Any:
        # A write is repeated only after an error that proves it was not applied (429, connect
        # failure); an ambiguous one goes back to the caller, who checks Revel first.
        return with_retries(
            lambda: self._request_once(method, path, endpoint, params, body),
            policy=retry or self.retry,
            unambiguous_only=method in WRITES,
        )

    @staticmethod
    def _model(model: type[M], data: Any, endpoint: str) -> M:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise RevelResponseError(f"{endpoint}: unexpected shape: {exc.errors()[0]['msg']}") from exc

    def list_all(self, path: str, params: dict[str, Any], endpoint: str) -> Iterator[dict[str, Any]]:
        """Every object of a list, following meta.next until it is null."""
        query: Any = {"limit": LIST_LIMIT, **params}
        seen: set[str] = set()
        for _ in range(self.max_pages):
            page = self._model(Page, self._request("GET", path, endpoint, params=query), endpoint)
            fresh = [obj for obj in page.objects if _identity(obj) not in seen]
            seen.update(_identity(obj) for obj in fresh)
            yield from fresh
            # meta.next is not trusted: a page that adds nothing new ends the list.
            if not page.meta.next or not fresh:
                return
            parts = urlsplit(page.meta.next)
            path, query = parts.path, parse_qsl(parts.query, keep_blank_values=True)
        raise RevelResponseError(f"{endpoint}: more than {self.max_pages} pages (REVEL_MAX_PAGES)")

    def _list(self, model: type[M], path: str, params: dict[str, Any]) -> list[M]:
        return [self._model(model, obj, path) for obj in self.list_all(path, params, path)]

    # ---- reads -------------------------------------------------------------------------------

    def establishments(self) -> list[Establishment]:
        return self._list(Establishment, "/enterprise/Establishment/", {})

    def products(self, establishment: int) -> list[Product]:
        return self._list(Product, "/resources/Product/", {"establishment": establishment})

    # The records an order refers to, for setting up the locations file. Each list is read whole
    # (not `?establishment=`): a record shared by every establishment has no establishment, which
    # an establishment filter would leave out; callers keep those of theirs and the shared ones.

    def dining_options(self) -> list[NamedRecord]:
        """Custom dining options (`dining_option` on an order takes their ids, or 0-7)."""
        return self._list(NamedRecord, "/resources/CustomOrderOption/", {})

    def payment_types(self) -> list[NamedRecord]:
        """Custom payment types (`payment_type` on a payment takes their ids)."""
        return self._list(NamedRecord, "/resources/CustomPaymentType/", {})

    def discounts(self) -> list[NamedRecord]:
        return self._list(NamedRecord, "/resources/Discount/", {})

    def pos_stations(self) -> list[NamedRecord]:
        return self._list(NamedRecord, "/resources/PosStation/", {})

    def users(self) -> list[User]:
        return self._list(User, "/enterprise/User/", {})

    def reference(self, kind: str, ident: int) -> Reference | None:
        """One record of `kind` (a key of REFERENCE_PATHS) by id; None when Revel has none."""
        path = REFERENCE_PATHS[kind]
        try:
            data = self._request("GET", f"{path}{ident}/", f"{path}{{id}}/")
        except RevelNotFound:
            return None
        return self._model(Reference, data, f"{path}{{id}}/")

    def orders_page(self, establishment: int, local_id: str, limit: int = 5) -> list[Order]:
        """The first `limit` orders `?establishment=&local_id=` answers (one call: a Revel that
        ignores the filter would otherwise be read to its last order)."""
        endpoint = "/resources/Order/"
        params = {"establishment": establishment, "local_id": local_id, "limit": limit}
        page = self._model(Page, self._request("GET", endpoint, endpoint, params=params), endpoint)
        return [self._model(Order, obj, endpoint) for obj in page.objects]

    def find_orders(self, establishment: int, local_id: str) -> list[Order]:
        params = {"establishment": establishment, "local_id": local_id}
        return self._list(Order, "/resources/Order/", params)

    def newest_order(self, *, with_local_id: bool) -> Order | None:
        """The newest order this key can see (with a local_id, if asked), or None if there is none.
        The caller checks what comes back: a filter Revel ignores only gives a less useful order."""
        endpoint = "/resources/Order/"
        params: dict[str, Any] = {"limit": 1, "order_by": "-id"}
        if with_local_id:
            params["local_id__isnull"] = "false"
        page = self._model(Page, self._request("GET", endpoint, endpoint, params=params), endpoint)
        return self._model(Order, page.objects[0], endpoint) if page.objects else None

    def orders_by_local_ids(
        self, local_ids: list[str], *, known: str | None, raise_transient: bool = False
    ) -> dict[str, list[Order]] | None:
        """The orders carrying each of `local_ids`, in one call (`local_id__in`), or None when the
        answer cannot be trusted to be complete: the filter was refused or ignored (an order with
        another local_id came back), misread (the order known to carry `known` did not come back;
        None only when Revel has no order at all), or more orders matched than one page holds.
        Revel's docs do not say whether `local_id` takes `__in`; a None answer just means "look
        each one up". With `raise_transient`, a 429, 5xx or transport error is raised rather than
        answered None (it says nothing of the filter: `doctor --probe` reports it unknown)."""
        wanted = set(local_ids) | ({known} if known else set())
        params = {"local_id__in": ",".join(sorted(wanted)), "limit": 2 * len(wanted) + 10}
        endpoint = "/resources/Order/"
        try:
            page = self._model(Page, self._request("GET", endpoint, endpoint, params=params), endpoint)
            orders = [self._model(Order, obj, endpoint) for obj in page.objects]
        except (RevelRateLimited, RevelServerError, RevelTransportError):
            if raise_transient:
                raise
            return None
        except RevelError:
            return None
        complete = not page.meta.next and (page.meta.total_count in (None, len(orders)))
        if not complete or any(o.local_id not in wanted for o in orders):
            return None
        found: dict[str, list[Order]] = {local_id: [] for local_id in wanted}
        for order in orders:
            found[str(order.local_id)].append(order)
        if known and not found[known]:
            return None
        return {local_id: found[local_id] for local_id in local_ids}

    def get_order(self, order_id: int) -> Order:
        data = self._request("GET", f"/resources/Order/{order_id}/", "/resources/Order/{id}/")
        return self._model(Order, data, "/resources/Order/{id}/")

    def order_items(self, order_id: int) -> list[OrderItem]:
        return self._list(OrderItem, "/resources/OrderItem/", {"order": order_id})

    def order_payments(self, order_id: int) -> list[Payment]:
        return self._list(Payment, "/resources/Payment/", {"order": order_id})

    def order_history(self, order_id: int) -> list[OrderHistory]:
        return self._list(OrderHistory, "/resources/OrderHistory/", {"order": order_id})

    # ---- writes ------------------------------------------------------------------------------

    def _create(self, model: type[M], resource: str, body: dict[str, Any]) -> M:
        path = f"/resources/{resource}/"
        return self._model(model, self._request("POST", path, path, body=body), path)

    def create_order(self, body: dict[str, Any]) -> Order:
        return self._create(Order, "Order", body)

    def create_order_item(self, body: dict[str, Any]) -> OrderItem:
        return self._create(OrderItem, "OrderItem", body)

    def create_payment(self, body: dict[str, Any]) -> Payment:
        return self._create(Payment, "Payment", body)

    def create_order_history(self, body: dict[str, Any]) -> OrderHistory:
        return self._create(OrderHistory, "OrderHistory", body)

    def patch_order(self, order_id: int, body: dict[str, Any]) -> Order:
        endpoint = "/resources/Order/{id}/"
        data = self._request("PATCH", f"/resources/Order/{order_id}/", endpoint, body=body)
        return self._model(Order, data, endpoint) if data else self.get_order(order_id)

    def delete_order_item(self, item_id: int) -> None:
        self._request("DELETE", f"/resources/OrderItem/{item_id}/", "/resources/OrderItem/{id}/")

    def delete_order(self, order_id: int) -> None:
        self._request("DELETE", f"/resources/Order/{order_id}/", "/resources/Order/{id}/")
