"""TripleSeat API client: typed, transport-injectable, reads no global settings.

OAuth 2.0: a refresh token (authorization-code flow) when one is known, else client credentials.
TripleSeat rotates refresh tokens, so the current one is kept in a `TokenStore` (the database in
production) and refreshed under its lock: a restart or a second replica never uses a spent one.
A 401 on an API call is retried once with a fresh token; 429 and 5xx GETs are retried with backoff.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

import httpx
from pydantic import ValidationError

from tripleseat_revel.integrations.tripleseat.errors import (
    TripleSeatAuthError,
    TripleSeatError,
    TripleSeatResponseError,
    error_from_response,
    is_html,
    transport_error,
)
from tripleseat_revel.integrations.tripleseat.schemas import (
    Event,
    EventEnvelope,
    LocationInfo,
    SearchPage,
    Site,
    TokenResponse,
)
from tripleseat_revel.kit.http import (
    DEFAULT_TIMEOUT,
    CallObserver,
    RetryPolicy,
    with_retries,
)
from tripleseat_revel.kit.ratelimit import RateLimiter, Unlimited
from tripleseat_revel.logging import get_logger, register_secrets

log = get_logger(__name__)
# The scrubber keeps the tokens TripleSeat issues in one replaceable slot (the current and the
# previous ones), not a list that grows with every refresh.
TOKEN_SLOT = "tripleseat-oauth"  # noqa: S105 - a name, not a secret
PAGE_SIZE = 50
MAX_PAGES = 200  # of PAGE_SIZE events each: far more than a reconcile window ever holds


@dataclass(frozen=True)
class TokenState:
    access_token: str | None = None
    refresh_token: str | None = None
    expires_at: datetime | None = None

    def usable(self, now: datetime, margin: timedelta = timedelta(seconds=60)) -> bool:
        return bool(self.access_token) and (self.expires_at is None or self.expires_at - margin > now)


class TokenStore(Protocol):
    def load(self) -> TokenState: ...

    def save(self, state: TokenState) -> None: ...

    def refresh_lock(self) -> AbstractContextManager[TokenState]:
        """Hold the refresh lock (across replicas) and yield the state as stored now."""
        ...


class MemoryTokenStore:
    """Tokens in process memory (tests, one-off CLI runs without a database)."""

    def __init__(self, refresh_token: str | None = None) -> None:
        self._state = TokenState(refresh_token=refresh_token)

    def load(self) -> TokenState:
        return self._state

    def save(self, state: TokenState) -> None:
        self._state = state

    @contextmanager
    def refresh_lock(self) -> Iterator[TokenState]:
        yield self._state


@dataclass(frozen=True)
class OAuthClient:
    client_id: str
    client_secret: str
    refresh_token: str | None = None  # the configured one; the store's current one wins
    scope: str | None = None


def mmddyyyy(day: date) -> str:
    return day.strftime("%m/%d/%Y")


class TripleSeatClient:
    """One short method per endpoint; returns pydantic models."""

    def __init__(
        self,
        base_url: str,
        auth: OAuthClient,
        *,
        token_store: TokenStore | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        observer: CallObserver | None = None,
        clock: Any = None,
        max_pages: int = MAX_PAGES,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.max_pages = max_pages
        self.tokens: TokenStore = token_store or MemoryTokenStore(auth.refresh_token)
        self.limiter = limiter or Unlimited()
        self.retry = retry or RetryPolicy()
        self.observer = observer
        self._now = clock or (lambda: datetime.now(UTC))
        self.http = httpx.Client(base_url=self.base_url, transport=transport, timeout=timeout)

    def close(self) -> None:
        self.http.close()

    # ---- OAuth -------------------------------------------------------------------------------

    def _token_request(self, data: dict[str, str]) -> TokenResponse:
        body = {"client_id": self.auth.client_id, "client_secret": self.auth.client_secret, **data}
        try:
            response = self.http.post("/oauth2/token", data=body, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise transport_error(exc, "oauth token") from exc
        if response.status_code in (400, 401):
            raise TripleSeatAuthError(
                f"TripleSeat refused the {data['grant_type']} grant ({response.status_code}); "
                "run `tripleseat-revel auth tripleseat` to authorise again",
                status=response.status_code,
            )
        if response.status_code != 200 or is_html(response):
            raise error_from_response(response, "oauth token")
        try:
            token = TokenResponse.model_validate(response.json())
        except (ValueError, ValidationError) as exc:
            raise TripleSeatResponseError("oauth token: unexpected response body") from exc
        register_secrets([token.access_token, token.refresh_token or ""], slot=TOKEN_SLOT)
        return token

    def _fetch_token(self, current: TokenState) -> TokenState:
        refresh = current.refresh_token or self.auth.refresh_token
        if refresh:
            token = self._token_request({"grant_type": "refresh_token", "refresh_token": refresh})
        else:
            grant = {"grant_type": "client_credentials"}
            if self.auth.scope:
                grant["scope"] = self.auth.scope
            token = self._token_request(grant)
        log.info(
            "tripleseat.token.obtained",
            grant="refresh_token" if refresh else "client_credentials",
            rotated=bool(token.refresh_token and token.refresh_token != refresh),
        )
        return TokenState(
            access_token=token.access_token,
            refresh_token=token.refresh_token or refresh,
            expires_at=self._now() + timedelta(seconds=token.expires_in),
        )

    def exchange_code(self, code: str, redirect_uri: str) -> TokenState:
        """Authorization-code flow: trade the code for tokens and store them."""
        token = self._token_request(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        )
        with self.tokens.refresh_lock():
            state = TokenState(
                token.access_token,
                token.refresh_token,
                self._now() + timedelta(seconds=token.expires_in),
            )
            self.tokens.save(state)
        return state

    def access_token(self, *, rejected: str | None = None) -> str:
        """A usable access token; `rejected` is one the API just refused (forces a refresh)."""
        state = self.tokens.load()
        if rejected is None and state.access_token and state.usable(self._now()):
            return state.access_token
        with self.tokens.refresh_lock() as current:
            fresh = current.access_token and current.access_token != rejected
            if fresh and current.usable(self._now()):
                return str(current.access_token)  # another worker refreshed meanwhile
            new_state = self._fetch_token(current)
            self.tokens.save(new_state)
            return str(new_state.access_token)

    # ---- requests ----------------------------------------------------------------------------

    def _send(self, path: str, params: dict[str, Any], endpoint: str, token: str) -> httpx.Response:
        self.limiter.acquire()
        started = time.perf_counter()
        status = "error"
        try:
            response = self.http.get(
                path,
                params=params,
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            )
            status = str(response.status_code)
            return response
        except httpx.HTTPError as exc:
            raise transport_error(exc, endpoint) from exc
        finally:
            if self.observer is not None:
                self.observer("tripleseat", f"GET {endpoint}", status, time.perf_counter() - started)

    def _get_once(self, path: str, params: dict[str, Any], endpoint: str) -> Any:
        token = self.access_token()
        response = self._send(path, params, endpoint, token)
        if response.status_code == 401 or (response.status_code < 400 and is_html(response)):
            log.info("tripleseat.token.rejected", endpoint=endpoint)
            token = self.access_token(rejected=token)
            response = self._send(path, params, endpoint, token)
        if response.status_code != 200 or is_html(response):
            raise error_from_response(response, endpoint)
        try:
            return response.json()
        except ValueError as exc:
            raise TripleSeatResponseError(f"{endpoint}: body is not JSON") from exc

    def _get(self, path: str, params: dict[str, Any], endpoint: str) -> Any:
        return with_retries(lambda: self._get_once(path, params, endpoint), policy=self.retry)

    @staticmethod
    def _parse(model: Any, data: Any, endpoint: str) -> Any:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise TripleSeatResponseError(f"{endpoint}: unexpected shape: {exc.errors()[0]['msg']}") from exc

    # ---- endpoints ---------------------------------------------------------------------------

    def get_event(self, event_id: int, *, show_financial: bool = True) -> Event:
        endpoint = "/v1/events/{id}.json"
        params = {"show_financial": "true"} if show_financial else {}
        data = self._get(f"/v1/events/{int(event_id)}.json", params, endpoint)
        envelope: EventEnvelope = self._parse(EventEnvelope, data, endpoint)
        return envelope.event

    def search_page(self, params: dict[str, Any], page: int) -> SearchPage:
        endpoint = "/v1/events/search.json"
        data = self._get("/v1/events/search.json", {**params, "page": page}, endpoint)
        result: SearchPage = self._parse(SearchPage, data, endpoint)
        return result

    def search_events(
        self,
        *,
        updated_between: tuple[date, date] | None = None,
        start_between: tuple[date, date] | None = None,
        statuses: list[str] | None = None,
        location_ids: list[int] | None = None,
        show_financial: bool = False,
    ) -> Iterator[Event]:
        """Every matching event, paging through `total_pages`, each (id, updated_at) once."""
        params: dict[str, Any] = {"order": "updated_at", "sort_direction": "asc"}
        if updated_between:
            params["event_updated_start_date"] = mmddyyyy(updated_between[0])
            params["event_updated_end_date"] = mmddyyyy(updated_between[1])
        if start_between:
            params["event_start_date"] = mmddyyyy(start_between[0])
            params["event_end_date"] = mmddyyyy(start_between[1])
        if statuses:
            params["status"] = ",".join(s.lower() for s in statuses)
        if location_ids:
            params["location_ids"] = ",".join(str(i) for i in location_ids)
        if show_financial:
            params["show_financial"] = "true"
        yield from self._pages(params)

    def _pages(self, params: dict[str, Any]) -> Iterator[Event]:
        """Page through the search: `total_pages` is not trusted. A page that adds no new (id,
        updated_at) ends it (a repeating answer would loop forever), and past `max_pages` it is refused."""
        seen: set[tuple[int, str | None]] = set()
        page, total = 1, 1
        while page <= total:
            if page > self.max_pages:
                raise TripleSeatResponseError(
                    f"/v1/events/search.json: more than {self.max_pages} pages (TRIPLESEAT_MAX_PAGES)"
                )
            result = self.search_page(params, page)
            total = result.total_pages
            fresh = [e for e in result.results if (e.id, e.updated_at) not in seen]
            if not fresh:
                break
            seen.update((e.id, e.updated_at) for e in fresh)
            yield from fresh
            page += 1

    def list_locations(self) -> list[LocationInfo]:
        data = self._get("/v1/locations.json", {}, "/v1/locations.json")
        items = [row.get("location", row) if isinstance(row, dict) else row for row in data or []]
        return [self._parse(LocationInfo, row, "/v1/locations.json") for row in items]

    def list_sites(self) -> list[Site]:
        data = self._get("/v1/sites.json", {}, "/v1/sites.json")
        items = [row.get("site", row) if isinstance(row, dict) else row for row in data or []]
        return [self._parse(Site, row, "/v1/sites.json") for row in items]


__all__ = [
    "MemoryTokenStore",
    "OAuthClient",
    "TokenState",
    "TokenStore",
    "TripleSeatClient",
    "TripleSeatError",
]
