"""The suggested locations file as TOML, each suggestion explained in a comment beside it."""

from __future__ import annotations

import json
from datetime import date

from tripleseat_revel.setup.accounts import Named
from tripleseat_revel.setup.draft import LocationDraft, Pick, Scored

MAX_ALTERNATIVES = 6
WHAT = {
    "dining_option": "dining option (Revel custom order options)",
    "payment_type": "payment type (Revel custom payment types)",
    "discount": "discount (an open-amount Revel discount)",
    "user": "user the orders are made by (an active Revel user)",
    "pos_station": "POS station",
}


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def _label(record: Named) -> str:
    where = f" (establishment {record.establishment} only)" if record.establishment is not None else ""
    return f"{record.id} {_string(record.name)}{where}"


def _alternatives(records: tuple[Named, ...]) -> str:
    if not records:
        return "no other"
    shown = ", ".join(_label(r) for r in records[:MAX_ALTERNATIVES])
    more = len(records) - MAX_ALTERNATIVES
    return shown + (f", and {more} more" if more > 0 else "")


def _header(today: date, drafts: list[LocationDraft]) -> list[str]:
    configured = sum(1 for d in drafts if d.establishment is not None)
    return [
        f"# Written by `tripleseat-revel locations init` on {today.isoformat()} from the live accounts:",
        f"# {len(drafts)} TripleSeat location(s), {configured} beside a Revel establishment.",
        "# Every establishment and id below is a SUGGESTION chosen by name: check each one, then run",
        "# `tripleseat-revel doctor`. Menu items whose Revel product is named otherwise need a",
        "# [[product]] mapping: `tripleseat-revel mappings check` lists them with suggestions.",
        "",
        "[defaults]",
        'inject_statuses = ["CLOSED"]',
        'time_gate = "event_day"',
        'unmapped = "block"',
        'on_change = "alert"',
        "",
    ]


def _establishment_lines(draft: LocationDraft) -> list[str]:
    assert draft.establishment is not None
    best = draft.establishment
    others = tuple(s.record for s in draft.ranked if s.record.id != best.record.id)
    lines = [
        f"# SUGGESTION: Revel establishment {_string(best.record.name)} "
        f"(names {round(best.score * 100)}% alike); others: {_alternatives(others)}",
        f"revel_establishment = {best.record.id}",
    ]
    return lines


def _timezone_lines(draft: LocationDraft) -> list[str]:
    given = draft.location.timezone
    if draft.timezone is None:
        return [
            f"# TripleSeat's time zone {_string(given or 'none')} is not known here: set an IANA name",
            f"timezone = {_string(given or 'America/New_York')}",
        ]
    source = f" (TripleSeat: {_string(given)})" if given and given != draft.timezone else ""
    return [f"timezone = {_string(draft.timezone)}  # from the TripleSeat site{source}"]


def _test_lines(test: Scored | None) -> list[str]:
    if test is None:
        return ["# test_establishment = 0  # a Revel test establishment, for LOCATION_OVERRIDE"]
    name = _string(test.record.name)
    return [f"test_establishment = {test.record.id}  # SUGGESTION: {name}, for LOCATION_OVERRIDE"]


def _id_lines(key: str, chosen: Pick) -> list[str]:
    lines = [f"# {WHAT[key]}: {chosen.why}; alternatives: {_alternatives(chosen.others)}"]
    if chosen.chosen is None:
        return [*lines, f"# {key} = 0"]
    return [*lines, f"{key} = {chosen.chosen.id}  # {_string(chosen.chosen.name)}"]


def _location_lines(draft: LocationDraft) -> list[str]:
    loc = draft.location
    where = (
        f"tripleseat_location_id = {loc.id}"
        if loc.id is not None
        else "# the whole site: it has no locations"
    )
    lines = [
        f"# {loc.label}",
        "[[location]]",
        f"tripleseat_site_id = {loc.site_id}",
        where,
        f"name = {_string(loc.name)}",
        *_establishment_lines(draft),
        *_timezone_lines(draft),
        *_test_lines(draft.test_establishment),
        "",
        "[location.revel]  # the Revel records this location's orders are made with",
    ]
    for key, chosen in draft.ids.items():
        lines += _id_lines(key, chosen)
    return [*lines, ""]


def _unmatched_lines(draft: LocationDraft) -> list[str]:
    loc = draft.location
    others = _alternatives(tuple(s.record for s in draft.ranked))
    return [
        f"# {loc.label}:",
        "# no Revel establishment's name resembles it, so its events are not sent to Revel.",
        f"# To send them, add a [[location]] for it with one of: {others}.",
        "",
    ]


def render(drafts: list[LocationDraft], today: date) -> str:
    """The whole file. Locations without an establishment are described in comments only."""
    lines = _header(today, drafts)
    for draft in drafts:
        lines += _location_lines(draft) if draft.establishment is not None else _unmatched_lines(draft)
    return "\n".join(lines).rstrip("\n") + "\n"
