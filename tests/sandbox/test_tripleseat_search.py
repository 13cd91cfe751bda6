"""`GET /v1/events/search.json`: 50 per page, the documented filters, ordering and the 422s."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import date, datetime

from tripleseat_revel.integrations.tripleseat.schemas import Event, SearchPage
from tripleseat_revel.sandbox.world import SandboxWorld

from .conftest import Api

SEARCH = "/v1/events/search.json"
TODAY = {"event_start_date": "11/25/2026", "event_end_date": "11/25/2026"}

# Query parameters as httpx takes them: a mapping, or pairs when a name repeats.
Params = Mapping[str, str | int] | list[tuple[str, str]]


def search(api: Api, params: Params) -> SearchPage:
    response = api.get(SEARCH, params=params)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"total_pages", "results"}
    return SearchPage.model_validate(response.json())


def all_pages(api: Api, params: Mapping[str, str | int]) -> list[int]:
    first = search(api, params)
    ids = [e.id for e in first.results]
    for page in range(2, first.total_pages + 1):
        ids += [e.id for e in search(api, {**params, "page": page}).results]
    return ids


def test_pages_hold_50_and_cover_every_event_once(ts_api: Api, world: SandboxWorld) -> None:
    first = search(ts_api, {})
    total = len(world.tripleseat.events)
    assert first.total_pages == math.ceil(total / 50) == 5
    assert len(first.results) == 50
    ids = all_pages(ts_api, {})
    assert len(ids) == total
    assert set(ids) == set(world.tripleseat.events)
    last = search(ts_api, {"page": 5})
    assert len(last.results) == total - 200


def test_page_past_the_end_and_empty_results(ts_api: Api) -> None:
    past = search(ts_api, {"page": 99})
    assert (past.total_pages, past.results) == (5, [])
    empty = search(ts_api, {"event_start_date": "01/01/2020", "event_end_date": "01/01/2020"})
    assert (empty.total_pages, empty.results) == (0, [])


def test_event_date_range_is_inclusive_and_day_granular(ts_api: Api, world: SandboxWorld) -> None:
    found = search(ts_api, {"event_start_date": "11/24/2026", "event_end_date": "11/26/2026"})
    expected = {
        e.id
        for e in world.tripleseat.events.values()
        if date(2026, 11, 24) <= e.event_date <= date(2026, 11, 26)
    }
    assert {e.id for e in found.results} == expected
    assert {55521624, 55521625, 55521609} <= expected


def test_statuses_lowercase_comma_separated_or_repeated(ts_api: Api, world: SandboxWorld) -> None:
    closed_today = {
        e.id
        for e in world.tripleseat.events.values()
        if e.status == "CLOSED" and e.event_date == date(2026, 11, 25)
    }
    comma = search(ts_api, {**TODAY, "status": "closed"})
    assert {e.id for e in comma.results} == closed_today
    both = {e.id for e in search(ts_api, {**TODAY, "status": "closed,definite"}).results}
    repeated = {
        e.id for e in search(ts_api, [*TODAY.items(), ("status", "closed"), ("status", "definite")]).results
    }
    brackets = {
        e.id
        for e in search(ts_api, [*TODAY.items(), ("status[]", "closed"), ("status[]", "definite")]).results
    }
    assert both == repeated == brackets > closed_today
    assert 55521627 in both  # the DEFINITE one


def test_uppercase_status_matches_nothing_unless_the_variant_allows_it(ts_api: Api) -> None:
    assert search(ts_api, {**TODAY, "status": "CLOSED"}).results == []
    ts_api.put("/_sandbox/settings", json={"status_filter_case": "any"})
    assert len(search(ts_api, {**TODAY, "status": "CLOSED"}).results) >= 12


def test_location_ids_filter(ts_api: Api) -> None:
    found = search(ts_api, {**TODAY, "location_ids": "20272,20289"})
    assert {e.location_id for e in found.results} == {20272, 20289}
    assert {55521613, 55521621} <= {e.id for e in found.results}


def test_updated_dates_are_compared_in_the_site_local_day(ts_api: Api) -> None:
    # 07:30 UTC on the 26th is 23:30 on the 25th in San Francisco but 02:30 on the 26th in Boston.
    for location_id, name in ((20271, "West late update"), (20281, "East late update")):
        ts_api.post(
            "/_sandbox/events",
            json={
                "name": name,
                "location_id": location_id,
                "event_date": "today+3",
                "updated_at": "2026-11-26T07:30:00Z",
                "created_at": "2026-11-01T12:00:00Z",
            },
        )
    params = {"event_updated_start_date": "11/25/2026", "event_updated_end_date": "11/25/2026"}
    names = {e.name for e in search(ts_api, params).results}
    assert "West late update" in names
    assert "East late update" not in names
    next_day = {**params, "event_updated_start_date": "11/26/2026", "event_updated_end_date": "11/26/2026"}
    assert {e.name for e in search(ts_api, next_day).results} == {"East late update"}


def test_created_dates_filter(ts_api: Api, world: SandboxWorld) -> None:
    params = {"event_created_start_date": "11/01/2026", "event_created_end_date": "11/10/2026"}
    found = {e.id for e in search(ts_api, params).results}
    assert found == {
        e.id
        for e in world.tripleseat.events.values()
        if date(2026, 11, 1) <= world_local_day(world, e.id, "created_at") <= date(2026, 11, 10)
    }
    assert found


def world_local_day(world: SandboxWorld, event_id: int, field: str) -> date:
    ev = world.tripleseat.events[event_id]
    rendered = world.tripleseat.render(ev, financial=False)[field]
    return datetime.strptime(rendered, "%m/%d/%Y %I:%M %p").date()


def test_a_date_without_its_pair_is_422(ts_api: Api) -> None:
    response = ts_api.get(SEARCH, params={"event_start_date": "11/25/2026"})
    assert response.status_code == 422
    assert response.json() == {"errors": {"event_start_date": ["requires event_end_date"]}}
    other = ts_api.get(SEARCH, params={"event_updated_end_date": "11/25/2026"})
    assert other.json() == {"errors": {"event_updated_end_date": ["requires event_updated_start_date"]}}


def test_dates_must_be_mm_dd_yyyy(ts_api: Api) -> None:
    response = ts_api.get(SEARCH, params={"event_start_date": "2026-11-25", "event_end_date": "11/25/2026"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"event_start_date": ["is invalid, expected mm/dd/yyyy"]}


def test_order_and_sort_direction(ts_api: Api, world: SandboxWorld) -> None:
    events = world.tripleseat.events

    def name(e: Event) -> str:
        assert e.name is not None, f"event {e.id} has no name"
        return e.name.casefold()

    def start(e: Event) -> datetime:
        assert e.start_instant is not None, f"event {e.id} has no start"
        return e.start_instant

    keys: dict[str, Callable[[Event], datetime | str]] = {
        "created_at": lambda e: events[e.id].created_at,
        "updated_at": lambda e: events[e.id].updated_at,
        "name": name,
        "event_start": start,
    }
    for order, key in keys.items():
        asc = search(ts_api, {**TODAY, "order": order}).results
        desc = search(ts_api, {**TODAY, "order": order, "sort_direction": "desc"}).results
        assert [key(e) for e in asc] == sorted(key(e) for e in asc)
        assert [key(e) for e in desc] == sorted((key(e) for e in desc), reverse=True)
        assert {e.id for e in asc} == {e.id for e in desc}
        assert len(asc) > 20
    bad = ts_api.get(SEARCH, params={"order": "price"})
    assert bad.status_code == 422
    assert "order" in bad.json()["errors"]


def test_ties_keep_ascending_ids(ts_api: Api) -> None:
    for direction in ("asc", "desc"):
        results = search(ts_api, {**TODAY, "order": "event_start", "sort_direction": direction}).results
        for a, b in zip(results, results[1:], strict=False):
            if a.start_instant == b.start_instant:
                assert a.id < b.id


def test_show_financial_is_honoured_in_search(ts_api: Api) -> None:
    plain = ts_api.get(SEARCH, params={**TODAY, "location_ids": "20271"}).json()["results"]
    rich = ts_api.get(SEARCH, params={**TODAY, "location_ids": "20271", "show_financial": "true"}).json()[
        "results"
    ]
    assert all("line_items" not in d for e in plain for d in e["documents"])
    assert all("line_items" in d for e in rich for d in e["documents"])


def test_query_searches_names_and_contacts(ts_api: Api) -> None:
    assert [e.id for e in search(ts_api, {"query": "quincea"}).results] == [55521610]
    assert 55521609 in {e.id for e in search(ts_api, {"query": "ethan.smith@"}).results}


def test_search_needs_a_token(ts: Api) -> None:
    assert ts.get(SEARCH).status_code == 401


def test_events_list_is_paged_by_id(ts_api: Api, world: SandboxWorld) -> None:
    first = ts_api.get("/v1/events.json", params={"page": 1}).json()
    assert first["total_pages"] == 5
    assert len(first["results"]) == 50
    assert [e["id"] for e in first["results"]] == sorted(world.tripleseat.events)[:50]
    assert "line_items" not in first["results"][0]["documents"][0]
    assert len(ts_api.get("/v1/events", params={"page": 5}).json()["results"]) == 19
