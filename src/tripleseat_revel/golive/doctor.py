"""`tripleseat-revel doctor`: every piece of a configuration checked against the live vendors,
reading only (safe in production). The same checks serve the CLI, `GET /api/doctor` and the
dashboard's Health page.

Order matters: the configuration first (nothing else can be checked without it), then the
database (the vendor clients keep their tokens and rate limits there), then each vendor, then
what joins them (ids in each establishment, mappings, the next 14 days' events), then email.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from tripleseat_revel import migrate
from tripleseat_revel.config import ConfigError, Settings, validate_for_service
from tripleseat_revel.db import Database
from tripleseat_revel.golive import email_check, revel_checks
from tripleseat_revel.golive.report import Check, Report, fail, ok, warn
from tripleseat_revel.integrations.tripleseat.errors import TripleSeatAuthError, TripleSeatError
from tripleseat_revel.kit.http import VendorError
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.sync.mappings import upcoming_unmapped

HORIZON_DAYS = 14
RuntimeFactory = Callable[[Settings, Database], Runtime]


def run_doctor(settings: Settings, build: RuntimeFactory) -> Report:
    """Check everything from `settings` (the CLI: nothing is built yet, the database is not migrated)."""
    started = time.perf_counter()
    report = Report()
    report.add(*configuration(settings))
    if report.ok:
        db = Database(settings.DATABASE_URL)
        database = database_check(db)
        report.add(database)
        if database.status == "ok":
            rt = build(settings, db)
            try:
                report.add(*vendor_checks(rt))
            finally:
                rt.close()
        else:
            report.add(
                warn("vendors", "TripleSeat, Revel, mappings", "not checked: the database is not ready")
            )
        report.add(*email_check.checks(settings))
    report.seconds = time.perf_counter() - started
    return report


def check_runtime(rt: Runtime) -> Report:
    """Check a running connector's configuration (the API and the dashboard)."""
    started = time.perf_counter()
    report = Report()
    report.add(*configuration(rt.settings))
    report.add(database_check(rt.db))
    report.add(*vendor_checks(rt))
    report.add(*email_check.checks(rt.settings))
    report.seconds = time.perf_counter() - started
    return report


def vendor_checks(rt: Runtime) -> list[Check]:
    checks = tripleseat_checks(rt)
    checks.append(webhook_key(rt.settings))
    try:
        checks += revel_checks.checks(rt)
    except VendorError as exc:  # each check catches its own; a report is printed whatever happens
        checks.append(
            fail("revel", "Revel checks", f"stopped: {exc}", "check Revel's status, then run doctor again")
        )
    checks += upcoming_items(rt)
    return checks


# ---- configuration and database -------------------------------------------------------------


def configuration(settings: Settings) -> list[Check]:
    try:
        config = settings.locations
        validate_for_service(settings)
    except ConfigError as exc:
        return [fail("configuration", "settings and locations file", str(exc), _config_fix(str(exc)))]
    detail = f"{len(config.location)} location(s), {len(config.establishments())} Revel establishment(s)"
    return [ok("configuration", "settings and locations file", detail)]


def _config_fix(message: str) -> str:
    key = message.split(": ")[1] if message.count(": ") >= 2 else "the named key"
    return f"set {key} as the message says (.env or the locations file), then run doctor again"


def database_check(db: Database) -> Check:
    name = "database reachable and migrated"
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        current = migrate.current_revision(db.engine)
    except sa.exc.SQLAlchemyError as exc:
        reason = str(exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc).splitlines()[0]
        return fail(
            "database", name, f"cannot connect: {reason}", "check DATABASE_URL and that the database is up"
        )
    head = migrate.head_revision()
    if current != head:
        return fail(
            "database",
            name,
            f"at revision {current or 'none (empty)'}, the code needs {head}",
            "run `tripleseat-revel db upgrade` (serve and worker also migrate at start)",
        )
    return ok("database", name, f"revision {current}")


# ---- TripleSeat ------------------------------------------------------------------------------


def tripleseat_checks(rt: Runtime) -> list[Check]:
    area = "tripleseat"
    try:
        sites = {s.id: s for s in rt.tripleseat.list_sites()}
        locations = {loc.id: loc for loc in rt.tripleseat.list_locations()}
    except TripleSeatAuthError as exc:
        fix = "check TRIPLESEAT_CLIENT_ID/SECRET, or authorise again: `tripleseat-revel auth tripleseat`"
        return [fail(area, "credentials", str(exc), fix)]
    except TripleSeatError as exc:
        return [fail(area, "credentials", str(exc), "check TRIPLESEAT_API_BASE and TripleSeat's status")]
    found = [ok(area, "credentials", f"{len(sites)} site(s), {len(locations)} location(s) visible")]
    for loc in rt.config.location:
        found.append(
            _ts_location(loc.name, loc.tripleseat_site_id, loc.tripleseat_location_id, sites, locations)
        )
    return found


def _ts_location(
    name: str,
    site_id: int,
    location_id: int | None,
    sites: Mapping[int, object],
    locations: Mapping[int, object],
) -> Check:
    area, what = "tripleseat", f"location {name!r}"
    if site_id not in sites:
        return fail(area, what, f"site {site_id} does not exist", f"correct tripleseat_site_id of {name!r}")
    if location_id is None:
        return ok(area, what, f"site {site_id} (whole site)")
    info = locations.get(location_id)
    if info is None:
        return fail(
            area,
            what,
            f"location {location_id} does not exist",
            f"correct tripleseat_location_id of {name!r}",
        )
    theirs = getattr(info, "site_id", None)
    if theirs is not None and theirs != site_id:
        return fail(
            area,
            what,
            f"location {location_id} belongs to site {theirs}, not {site_id}",
            f"set tripleseat_site_id = {theirs} for {name!r}",
        )
    return ok(area, what, f"site {site_id}, location {location_id}")


def webhook_key(settings: Settings) -> Check:
    name = "webhook signing key"
    if settings.TRIPLESEAT_WEBHOOK_SIGNING_KEY is None:
        return fail(
            "tripleseat",
            name,
            "TRIPLESEAT_WEBHOOK_SIGNING_KEY is not set: every webhook would be refused",
            "copy the key from TripleSeat (Settings > API & Webhooks) into TRIPLESEAT_WEBHOOK_SIGNING_KEY",
        )
    return ok("tripleseat", name, "set")


# ---- the next days' events -------------------------------------------------------------------


def upcoming_items(rt: Runtime) -> list[Check]:
    area, name = "mappings", f"items of the next {HORIZON_DAYS} days' events"
    try:
        rows = upcoming_unmapped(rt, timedelta(days=HORIZON_DAYS))
    except VendorError as exc:
        return [warn(area, name, f"not checked: {exc}")]
    if not rows:
        return [ok(area, name, "every line item maps to a Revel product")]
    return [_unmapped(row) for row in rows]


def _unmapped(row: dict[str, Any]) -> Check:
    events = ", ".join(map(str, row["event_ids"]))
    detail = f"unmapped in establishment {row['establishment']} (events {events})"
    if row["suggestions"]:
        best = row["suggestions"][0]
        detail += f"; suggested: {best['name']} #{best['product_id']}"
    return fail(
        "mappings",
        f"menu item {row['menu_item_id']} {row['name']!r}",
        detail,
        "map it: dashboard Mappings page, or a [[product]] entry in the locations file",
    )
