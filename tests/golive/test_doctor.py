"""`tripleseat-revel doctor` against the served simulators: a configuration that is right passes;
breaking any one piece makes doctor name it with its fix and exit non-zero; it only reads."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from typer.testing import CliRunner

from tests.conftest import FAST
from tests.fixtures.golive import DANCE_FLOOR, good_locations
from tests.fixtures.harness import connector_env, free_port
from tests.fixtures.sandbox_api import set_faults
from tripleseat_revel import migrate
from tripleseat_revel.cli import app
from tripleseat_revel.db import Database
from tripleseat_revel.sandbox.revel.seed import RETIRED_PRODUCT
from tripleseat_revel.sandbox.revel.seed import _catalogue as seed_catalogue
from tripleseat_revel.sandbox.server import SandboxServer
from tripleseat_revel.sandbox.tripleseat.models import Location, Room
from tripleseat_revel.sandbox.world import LOCATIONS_FILE
from tripleseat_revel.sync import findings
from tripleseat_revel.web.serving import serve_in_thread

pytestmark = pytest.mark.e2e


def doctor_env(sandbox: SandboxServer, tmp_path: Path, **changes: str | None) -> dict[str, str | None]:
    database = f"sqlite:///{tmp_path / 'doctor.db'}"
    env: dict[str, str | None] = {
        **connector_env(sandbox, database, tmp_path, **FAST),
        "LOCATIONS_FILE": str(good_locations(tmp_path, name="good")),
        "PUBLIC_URL": "https://connector.example.com",
    }
    env.update(changes)
    if changes.get("DATABASE_URL") is None:
        migrate.upgrade(Database(database).engine)
    return env


def run_doctor(env: dict[str, str | None], tmp_path: Path) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(app, ["doctor", "--json"], env={**env, "COLUMNS": "200"})
    start = result.stdout.find("{")
    assert start >= 0, result.output
    return result.exit_code, json.loads(result.stdout[start:])


def failures(report: dict[str, Any]) -> list[dict[str, str]]:
    return [c for c in report["checks"] if c["status"] == "fail"]


@pytest.fixture(autouse=True)
def _no_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's


def test_a_right_configuration_passes_and_doctor_only_reads(sandbox: SandboxServer, tmp_path: Path) -> None:
    code, report = run_doctor(doctor_env(sandbox, tmp_path), tmp_path)

    assert failures(report) == [] and code == 0
    names = {(c["area"], c["name"]) for c in report["checks"] if c["status"] == "ok"}
    assert ("revel", "[revel] ids in establishment 8") in names
    assert ("mappings", "items of the next 14 days' events") in names
    stats = httpx.get(f"{sandbox.revel_url}/_sandbox/stats", timeout=30).json()
    revel, tripleseat = stats["revel"], stats["tripleseat"]
    assert {r["method"] for r in revel["routes"]} == {"GET"}
    assert httpx.get(f"{sandbox.revel_url}/_sandbox/writes", timeout=30).json()["writes"] == []
    # TripleSeat: only reads, and the OAuth token (a POST that changes nothing in the account).
    assert {(r["method"], r["route"]) for r in tripleseat["routes"] if r["method"] != "GET"} <= {
        ("POST", "/oauth2/token")
    }


def _smtp_closed(_: SandboxServer, __: Path) -> dict[str, str | None]:
    return {"SMTP_URL": f"smtp://127.0.0.1:{free_port()}", "EMAIL_FROM": "c@example.com"}


def _bad_mapping(_: SandboxServer, tmp_path: Path) -> dict[str, str | None]:
    mapping = "\n[[product]]\nmenu_item_id = 5001\nrevel_product = 99999\nrevel_establishment = 9\n"
    return {"LOCATIONS_FILE": str(good_locations(tmp_path, mapping))}


def _inactive_mapping(_: SandboxServer, tmp_path: Path) -> dict[str, str | None]:
    retired = 12 * 100 + RETIRED_PRODUCT
    mapping = f"\n[[product]]\nmenu_item_id = 5001\nrevel_product = {retired}\nrevel_establishment = 12\n"
    return {"LOCATIONS_FILE": str(good_locations(tmp_path, mapping))}


def _replaced(old: str, new: str) -> Callable[[SandboxServer, Path], dict[str, str | None]]:
    def change(_: SandboxServer, tmp_path: Path) -> dict[str, str | None]:
        return {"LOCATIONS_FILE": str(good_locations(tmp_path, replace=(old, new)))}

    return change


def _env(**changes: str | None) -> Callable[[SandboxServer, Path], dict[str, str | None]]:
    return lambda _sandbox, _tmp: dict(changes)


def _unmapped(_: SandboxServer, __: Path) -> dict[str, str | None]:
    return {"LOCATIONS_FILE": str(LOCATIONS_FILE)}  # without the Dance Floor mapping


def _not_migrated(_: SandboxServer, tmp_path: Path) -> dict[str, str | None]:
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}


def _payment_type_refused(_: SandboxServer, tmp_path: Path) -> dict[str, str | None]:
    """A probe found Revel refusing the configured payment type (236) in establishment 8."""
    database = Database(f"sqlite:///{tmp_path / 'doctor.db'}")
    migrate.upgrade(database.engine)
    refused = findings.Finding("payment_type", "refuted", "a payment of type 236 was refused", tested_id=236)
    findings.store(database, 8, [refused], probe_order_id=1)
    return {}


# (what is broken, how, the check that must fail, a word of its fix)
CASES: list[tuple[str, Callable[[SandboxServer, Path], dict[str, str | None]], str, str]] = [
    (
        "configuration",
        _replaced('timezone = "America/New_York"', 'timezone = "Mars/Olympus"'),
        "settings",
        "timezone",
    ),
    ("database", _not_migrated, "database reachable and migrated", "db upgrade"),
    ("tripleseat credentials", _env(TRIPLESEAT_CLIENT_SECRET="wrong"), "credentials", "auth tripleseat"),
    (
        "tripleseat site",
        _replaced("tripleseat_site_id = 15692", "tripleseat_site_id = 15699"),
        "'Harbor Room'",
        "tripleseat_site_id",
    ),
    (
        "tripleseat location",
        _replaced("tripleseat_location_id = 20272", "tripleseat_location_id = 20299"),
        "'Downtown Private Dining'",
        "tripleseat_location_id",
    ),
    (
        "webhook key",
        _env(TRIPLESEAT_WEBHOOK_SIGNING_KEY=None),
        "webhook signing key",
        "TRIPLESEAT_WEBHOOK_SIGNING_KEY",
    ),
    ("revel credentials", _env(REVEL_API_SECRET="wrong"), "credentials", "REVEL_API_KEY"),
    (
        "establishment",
        _replaced("revel_establishment = 12", "revel_establishment = 77"),
        "establishment 77",
        "revel_establishment",
    ),
    (
        "dining option",
        _replaced("dining_option = 113", "dining_option = 999"),
        "[revel] dining_option 999 in establishment 8",
        "[revel] dining_option",
    ),
    (
        "payment type",
        _replaced("payment_type = 236", "payment_type = 999"),
        "[revel] payment_type 999 in establishment 8",
        "[revel] payment_type",
    ),
    (
        "payment type of Revel's enum range, not looked up before",
        _replaced("payment_type = 236", "payment_type = 5"),
        "[revel] payment_type 5 in establishment 8",
        "[revel] payment_type",
    ),
    (
        "discount of another establishment",
        _replaced("discount = 3358", "discount = 3359"),
        "[revel] discount 3359 in establishment 9",
        "[revel] discount",
    ),
    ("user", _replaced("user = 1", "user = 999"), "[revel] user 999 in establishment 12", "[revel] user"),
    (
        "station of another establishment",
        _replaced("pos_station = 4", "pos_station = 5"),
        "[revel] pos_station 5 in establishment 12",
        "[revel] pos_station",
    ),
    ("product mapping", _bad_mapping, "menu item 5001 -> product 99999 in establishment 9", "[[product]]"),
    ("inactive product", _inactive_mapping, "in establishment 12", "[[product]]"),
    ("upcoming unmapped item", _unmapped, f"menu item {DANCE_FLOOR} 'Dance Floor Rental'", "Mappings"),
    ("smtp", _smtp_closed, "SMTP", "SMTP_URL"),
    (
        "payment type refused by the probe",
        _payment_type_refused,
        "payment type 236 in establishment 8",
        "set [revel] payment_type to an accepted type, then run doctor --probe",
    ),
    ("public url", _env(PUBLIC_URL=None), "PUBLIC_URL", "PUBLIC_URL"),
]


@pytest.mark.parametrize(("broken", "change", "check", "fix"), CASES, ids=[c[0] for c in CASES])
def test_breaking_one_piece_names_it_with_its_fix(
    sandbox: SandboxServer,
    tmp_path: Path,
    broken: str,
    change: Callable[[SandboxServer, Path], dict[str, str | None]],
    check: str,
    fix: str,
) -> None:
    env = doctor_env(sandbox, tmp_path, **change(sandbox, tmp_path))

    code, report = run_doctor(env, tmp_path)

    assert code == 1, broken
    named = [f for f in failures(report) if check in f["name"]]
    assert named, f"{broken}: no failed check named {check!r} in {failures(report)}"
    assert all(fix in f["fix"] for f in named), named


def test_a_built_in_dining_option_is_shown_as_not_verifiable(sandbox: SandboxServer, tmp_path: Path) -> None:
    locations = good_locations(tmp_path, replace=("dining_option = 113", "dining_option = 3"))
    env = doctor_env(sandbox, tmp_path, LOCATIONS_FILE=str(locations))

    _, report = run_doctor(env, tmp_path)

    (built_in,) = [c for c in report["checks"] if c["name"] == "[revel] dining_option 3 in establishment 8"]
    assert built_in["status"] == "warn" and "built-in" in built_in["detail"]


def test_a_catalogue_revel_cannot_read_is_a_fail_and_the_json_still_prints(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    env = doctor_env(sandbox, tmp_path)
    set_faults(sandbox, "revel", error_rate=1.0, error_statuses=[500], path_prefixes=["/resources/Product"])

    code, report = run_doctor(env, tmp_path)  # parses the JSON the command printed

    assert code == 1
    (failed,) = [f for f in failures(report) if f["name"] == "products of establishment 8"]
    assert "scope" in failed["fix"] and "Revel's status" in failed["fix"]


@pytest.fixture
def sendgrid() -> Iterator[str]:
    """A stand-in for SendGrid's API on localhost: `GET /v3/scopes` accepts one key."""
    api = FastAPI()

    @api.get("/v3/scopes")
    async def scopes(request: Request) -> JSONResponse:
        if request.headers.get("authorization") != "Bearer SG.good":
            return JSONResponse({"errors": [{"message": "authorization required"}]}, status_code=401)
        return JSONResponse({"scopes": ["mail.send"]})

    server = serve_in_thread(api)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.mark.parametrize(("key", "status"), [("SG.good", "ok"), ("SG.revoked", "fail")])
def test_sendgrid_key_is_checked_by_a_read(
    sandbox: SandboxServer, tmp_path: Path, sendgrid: str, key: str, status: str
) -> None:
    env = doctor_env(sandbox, tmp_path, SENDGRID_API_KEY=key, SENDGRID_API_URL=sendgrid)

    code, report = run_doctor(env, tmp_path)

    (check,) = [c for c in report["checks"] if c["name"] == "SendGrid"]
    assert check["status"] == status and code == (0 if status == "ok" else 1)
    if status == "fail":
        assert "SENDGRID_API_KEY" in check["fix"]


def test_an_smtp_server_without_starttls_is_a_warning(sandbox: SandboxServer, tmp_path: Path) -> None:
    port = free_port()
    controller = Controller(object(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = doctor_env(sandbox, tmp_path, SMTP_URL=f"smtp://127.0.0.1:{port}", EMAIL_FROM="c@example.com")
        code, report = run_doctor(env, tmp_path)
    finally:
        controller.stop()

    (check,) = [c for c in report["checks"] if c["name"] == "SMTP"]
    assert check["status"] == "warn" and "EHLO 250" in check["detail"] and "STARTTLS" in check["detail"]
    assert code == 0


def test_the_table_marks_each_check_and_its_fix(sandbox: SandboxServer, tmp_path: Path) -> None:
    env = doctor_env(sandbox, tmp_path, REVEL_API_SECRET="wrong")

    result = CliRunner().invoke(app, ["doctor"], env={**env, "COLUMNS": "250"})

    assert result.exit_code == 1
    assert "✓" in result.stdout and "✗" in result.stdout
    assert "check REVEL_API_KEY and REVEL_API_SECRET" in result.stdout
    assert "fix each ✗, then run doctor again" in result.stdout


def _ten_locations(sandbox: SandboxServer, tmp_path: Path) -> Path:
    """Seven more TripleSeat locations, each with its own Revel establishment (and catalogue)."""
    world = sandbox.world
    extra = ""
    for n in range(7):
        location_id, est = 20300 + n, 30 + n
        world.tripleseat.locations[location_id] = Location(
            location_id, f"Extra {n}", 15692, [Room(1, "Room", 20)]
        )
        world.revel.insert("Establishment", {"name": f"Extra {n}", "active": True}, ident=est)
        seed_catalogue(world.revel, est)
        extra += (
            f"\n[[location]]\ntripleseat_site_id = 15692\ntripleseat_location_id = {location_id}\n"
            f'name = "Extra {n}"\n'
            f'revel_establishment = {est}\ntimezone = "America/New_York"\ntest_establishment = 14\n'
        )
    text = good_locations(tmp_path, name="ten").read_text()
    head, _, tail = text.partition("[revel]")
    path = tmp_path / "locations-10.toml"
    path.write_text(head + extra.lstrip("\n") + "\n[revel]" + tail)
    return path


def test_ten_locations_are_checked_in_seconds(sandbox: SandboxServer, tmp_path: Path) -> None:
    """The figure for docs: doctor over 10 locations at the production rate limits (printed)."""
    env = doctor_env(sandbox, tmp_path, LOCATIONS_FILE=str(_ten_locations(sandbox, tmp_path)))
    for name in FAST:  # the real client-side limits (Revel: 300 calls a minute)
        env[name] = None

    started = time.perf_counter()
    code, report = run_doctor(env, tmp_path)
    took = time.perf_counter() - started

    assert failures(report) == [] and code == 0
    assert report["checks"][0]["detail"].startswith("10 location(s), 12 Revel establishment(s)")
    print(f"\ndoctor over 10 locations: {took:.2f}s (the report says {report['seconds']:.2f}s)")
