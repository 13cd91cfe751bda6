"""`doctor --probe` against each variant the Revel simulator plays: the right verdict per behaviour,
no live probe order left behind, and the connector's next sync following the finding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from tests.conftest import FAST
from tests.fixtures.connector_api import revel_settings, synced
from tests.fixtures.events import DINNER, due_event
from tests.fixtures.harness import Connector, connector_env, running_connector
from tests.fixtures.sandbox_api import change_event, orders_for, set_faults
from tripleseat_revel.cli import app
from tripleseat_revel.golive.probe import ProbeRefused, ProbeRun, plan_probe, run_probe
from tripleseat_revel.sandbox.server import SandboxServer
from tripleseat_revel.sandbox.world import LOCATIONS_FILE
from tripleseat_revel.sync import findings
from tripleseat_revel.sync.reconcile import absent_orders

pytestmark = pytest.mark.e2e

PROBE_EST = 4  # the test establishment of the sandbox's first two locations (8 and 9)
BEHAVIOURS = list(findings.BEHAVIOURS)

# (variant, the simulator's settings, the verdicts that are not "confirmed")
VARIANTS: list[tuple[str, dict[str, Any], dict[str, str]]] = [
    ("as assumed", {}, {}),
    ("ignores the local_id filter", {"unfilterable": ["Order.local_id"]}, {"local_id_filter": "refuted"}),
    ("ignores local_id__in", {"unfilterable": ["Order.local_id__in"]}, {"local_id_in": "refuted"}),
    ("stacks discounts", {"discount_patch": "stack"}, {"discount_replaces": "refuted"}),
    ("refuses DELETE of items", {"order_item_delete": False}, {"item_delete": "refuted"}),
    ("refuses negative payments", {"negative_payments": False}, {"negative_payment": "refuted"}),
    ("recomputes totals", {"totals": "recomputed"}, {"totals_kept": "refuted"}),
    (
        "rejects the payment type",
        {"refused_payment_types": [236]},
        {"payment_type": "refuted", "negative_payment": "unknown"},
    ),
]


def probe(connector: Connector) -> ProbeRun:
    rt = connector.rt
    location = next(loc for loc in rt.config.location if loc.test_establishment == PROBE_EST)
    return run_probe(rt, plan_probe(rt, location))


def live_probe_orders(sandbox: SandboxServer, run: ProbeRun) -> list[dict[str, Any]]:
    answer = httpx.get(f"{sandbox.revel_url}/_sandbox/orders", params={"local_id": run.local_id}, timeout=30)
    return [o for o in answer.json()["orders"] if not o["deleted"]]


def revel_requests(sandbox: SandboxServer, method: str, route: str) -> dict[int, int]:
    """{status: count} of the Revel simulator's answers to `method route`."""
    routes = httpx.get(f"{sandbox.revel_url}/_sandbox/stats", timeout=30).json()["revel"]["routes"]
    return {r["status"]: r["count"] for r in routes if r["method"] == method and r["route"] == route}


@pytest.mark.parametrize(("variant", "settings", "verdicts"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_the_probe_tells_each_variant_and_cleans_up(
    connector: Connector,
    sandbox: SandboxServer,
    variant: str,
    settings: dict[str, Any],
    verdicts: dict[str, str],
) -> None:
    revel_settings(sandbox, **settings)

    run = probe(connector)

    found = {f.behaviour: f.verdict for f in run.found}
    assert found == {b: verdicts.get(b, "confirmed") for b in BEHAVIOURS}, variant
    assert live_probe_orders(sandbox, run) == [], run.left
    stored = {(f.establishment, f.behaviour): f.verdict for f in findings.load(connector.rt.db)}
    for est in (PROBE_EST, 8, 9):  # the test establishment, and the establishments it stands for
        assert {b: stored[(est, b)] for b in BEHAVIOURS} == found
    assert (12, "item_delete") not in stored  # Harbor Room has its own test establishment
    assert "# Revel probe: establishment 4" in run.markdown()


def test_the_probe_refuses_an_establishment_that_takes_real_orders(
    connector: Connector, sandbox: SandboxServer
) -> None:
    rt = connector.rt
    location = next(loc for loc in rt.config.location if loc.test_establishment == PROBE_EST)
    production = location.model_copy(update={"test_establishment": location.revel_establishment})

    with pytest.raises(ProbeRefused, match="real orders"):
        plan_probe(rt, production)
    assert httpx.get(f"{sandbox.revel_url}/_sandbox/writes", timeout=30).json()["writes"] == []


def test_the_payments_left_on_a_probe_order_marked_deleted_are_reported(
    connector: Connector, sandbox: SandboxServer
) -> None:
    run = probe(connector)  # the simulator refuses DELETE of an order: it is marked deleted

    assert any(line.startswith("marked order") for line in run.cleanup)
    (payments,) = [line for line in run.left if "payments" in line]
    assert "1.00, -1.00" in payments and str(run.order_id) in payments


# ---- the connector follows the findings ------------------------------------------------------


def test_where_local_id_is_ignored_the_next_syncs_still_make_one_order(
    connector: Connector, sandbox: SandboxServer
) -> None:
    revel_settings(sandbox, unfilterable=["Order.local_id"])
    probe(connector)
    event = due_event(sandbox)

    assert synced(connector, event["id"])["outcome"] == "INJECTED"
    assert synced(connector, event["id"])["outcome"] == "ALREADY_INJECTED"
    assert len(orders_for(sandbox, event["id"])) == 1
    assert not findings.batch_lookup(connector.rt.db, connector.rt.settings)


def test_where_local_id_in_is_ignored_a_reconcile_looks_up_no_batch(
    connector: Connector, sandbox: SandboxServer
) -> None:
    revel_settings(sandbox, unfilterable=["Order.local_id__in"])
    probe(connector)
    before = connector.rt.revel.calls

    hints = absent_orders(connector.rt, [91000001, 91000002, 91000003], override=False)

    assert hints == {} and connector.rt.revel.calls == before  # not one call: each sync looks up alone


def test_where_discounts_stack_a_changed_discount_is_a_drift_not_a_second_discount(
    amending: Connector, sandbox: SandboxServer
) -> None:
    revel_settings(sandbox, discount_patch="stack")
    probe(amending)
    event = due_event(sandbox, deposit="50.00")
    assert synced(amending, event["id"])["outcome"] == "INJECTED"
    change_event(sandbox, event["id"], discount="5%")

    result = synced(amending, event["id"])

    assert result["outcome"] == "DRIFT" and "adds a second discount" in result["reason"]
    (order,) = orders_for(sandbox, event["id"])
    assert len(order["applied_discounts"]) == 1


def test_where_item_delete_is_refused_an_amend_does_not_try_it(
    amending: Connector, sandbox: SandboxServer
) -> None:
    revel_settings(sandbox, order_item_delete=False)
    probe(amending)
    event = due_event(sandbox, deposit="50.00")
    assert synced(amending, event["id"])["outcome"] == "INJECTED"
    change_event(sandbox, event["id"], items=[{"menu_item_id": DINNER.menu_item_id, "quantity": 40}])
    refused_before = revel_requests(sandbox, "DELETE", "/resources/OrderItem/{obj_id}/").get(405, 0)

    result = synced(amending, event["id"])

    assert result["outcome"] == "DRIFT" and "remove at the POS" in result["reason"]
    assert revel_requests(sandbox, "DELETE", "/resources/OrderItem/{obj_id}/").get(405, 0) == refused_before


def _refund(connector: Connector, sandbox: SandboxServer) -> dict[str, Any]:
    event = due_event(sandbox, deposit="50.00")
    assert synced(connector, event["id"])["outcome"] == "INJECTED"
    change_event(sandbox, event["id"], deposit="20.00")
    return synced(connector, event["id"])


def test_a_probe_accepting_negative_payments_does_not_switch_refunds_on(
    amending: Connector, sandbox: SandboxServer
) -> None:
    """The probe shows Revel takes a negative payment, not that the operator wants refunds written."""
    assert amending.settings.REVEL_REFUNDS is False  # the setting's default: refunds at the POS
    assert {f.behaviour: f.verdict for f in probe(amending).found}["negative_payment"] == "confirmed"
    refunds_before = revel_requests(sandbox, "POST", "/resources/Payment/")

    result = _refund(amending, sandbox)

    assert result["outcome"] == "DRIFT" and "refund it at the POS" in result["reason"]
    payments = revel_requests(sandbox, "POST", "/resources/Payment/")
    assert sum(payments.values()) - sum(refunds_before.values()) == 1  # the deposit only, no refund


def test_where_refunds_are_on_and_negative_payments_are_accepted_a_refund_is_written(
    refunding: Connector, sandbox: SandboxServer
) -> None:
    probe(refunding)

    result = _refund(refunding, sandbox)

    assert result["outcome"] == "AMENDED", result["reason"]


def test_a_confirmed_item_delete_does_not_override_the_setting_off(
    amending: Connector, sandbox: SandboxServer
) -> None:
    probe(amending)
    settings = amending.rt.settings.model_copy(update={"REVEL_ITEM_DELETE": False})

    behaviour = findings.behaviour_for(amending.rt.db, settings, 8)

    assert behaviour.item_delete is False and behaviour.refunds is False


def test_where_negative_payments_are_refused_a_refund_is_a_drift_without_trying(
    refunding: Connector, sandbox: SandboxServer
) -> None:
    revel_settings(sandbox, negative_payments=False)
    probe(refunding)
    refused_before = revel_requests(sandbox, "POST", "/resources/Payment/").get(400, 0)

    result = _refund(refunding, sandbox)

    assert result["outcome"] == "DRIFT" and "refund it at the POS" in result["reason"]
    assert revel_requests(sandbox, "POST", "/resources/Payment/").get(400, 0) == refused_before


def test_where_totals_are_recomputed_the_mismatch_says_so(
    connector: Connector, sandbox: SandboxServer
) -> None:
    revel_settings(sandbox, totals="recomputed")
    probe(connector)
    event = due_event(sandbox)

    result = synced(connector, event["id"])

    assert result["outcome"] == "FAILED_MONEY_MISMATCH"
    assert "Revel recomputes order totals in establishment 8" in result["reason"]


def test_where_the_payment_type_is_refused_no_order_is_made(
    connector: Connector, sandbox: SandboxServer
) -> None:
    revel_settings(sandbox, refused_payment_types=[236])
    probe(connector)
    event = due_event(sandbox)

    result = synced(connector, event["id"])

    assert result["outcome"] == "FAILED_CONFIG" and "payment type 236" in result["reason"]
    assert orders_for(sandbox, event["id"]) == []


def _locations(tmp_path: Path, name: str, *, downtown: int | None = None, every: int = 236) -> Path:
    """The sandbox's locations file with [revel] payment_type `every`, and Downtown Private Dining's
    (establishment 9) own `downtown` if given."""
    text = LOCATIONS_FILE.read_text().replace("payment_type = 236", f"payment_type = {every}")
    if downtown is not None:
        text = text.replace(
            'name = "Downtown Private Dining"\n',
            f'name = "Downtown Private Dining"\nrevel = {{ payment_type = {downtown} }}\n',
        )
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_refused_payment_type_no_longer_blocks_once_another_is_configured(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    revel_settings(sandbox, refused_payment_types=[236])
    database = f"sqlite:///{tmp_path / 'shared.db'}"
    with running_connector(sandbox, tmp_path, DATABASE_URL=database, **FAST) as before:
        probe(before)
    changed = _locations(tmp_path, "locations-238.toml", every=238)

    with running_connector(
        sandbox, tmp_path, DATABASE_URL=database, LOCATIONS_FILE=str(changed), **FAST
    ) as after:
        event = due_event(sandbox)
        result = synced(after, event["id"])

    assert result["outcome"] == "INJECTED", result["reason"]


def test_the_probe_tests_each_payment_type_its_establishments_use(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    revel_settings(sandbox, refused_payment_types=[236])
    mixed = _locations(tmp_path, "locations-mixed.toml", downtown=238)
    with running_connector(sandbox, tmp_path, LOCATIONS_FILE=str(mixed), **FAST) as connector:
        run = probe(connector)
        stored = {(f.establishment, f.behaviour): f for f in findings.load(connector.rt.db)}
        assert live_probe_orders(sandbox, run) == []

    assert stored[(8, "payment_type")].verdict == "refuted"
    assert stored[(8, "payment_type")].tested_id == 236
    assert stored[(9, "payment_type")].verdict == "confirmed"
    assert stored[(9, "payment_type")].tested_id == 238


def test_the_command_asks_first_and_saves_its_report(sandbox: SandboxServer, tmp_path: Path) -> None:
    env = connector_env(sandbox, f"sqlite:///{tmp_path / 'probe.db'}", tmp_path, **FAST)
    runner = CliRunner()

    declined = runner.invoke(app, ["doctor", "--probe"], env=env, input="n\n")
    assert declined.exit_code == 1 and "nothing was written" in declined.output
    assert httpx.get(f"{sandbox.revel_url}/_sandbox/writes", timeout=30).json()["writes"] == []

    done = runner.invoke(
        app,
        ["doctor", "--probe", "--yes", "--report-dir", str(tmp_path / "reports")],
        env={**env, "COLUMNS": "200"},
    )
    assert done.exit_code == 0, done.output
    (report,) = (tmp_path / "reports").glob("revel-probe-4-*.md")
    assert list((tmp_path / "reports").glob("revel-probe-14-*.md"))  # each test establishment once
    assert f"report: {report}" in done.output.replace("\n", "")
    assert "| totals_kept |" in report.read_text() and "**confirmed**" in report.read_text()


def test_a_probe_that_revel_breaks_off_cleans_up_and_stores_nothing(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    env = connector_env(sandbox, f"sqlite:///{tmp_path / 'probe.db'}", tmp_path, **FAST)
    set_faults(sandbox, "revel", error_rate=1.0, error_statuses=[500], methods=["PATCH"], max_faults=1)

    done = CliRunner().invoke(app, ["doctor", "--probe", "--yes"], env={**env, "COLUMNS": "300"})

    assert done.exit_code == 1
    assert "the probe stopped" in done.output and "nothing was stored" in done.output
    orders = httpx.get(f"{sandbox.revel_url}/_sandbox/orders", params={"written": "true"}, timeout=30).json()
    assert [o["deleted"] for o in orders["orders"]] == [True]


def test_a_probe_order_whose_creation_answer_was_lost_is_found_by_its_local_id_and_removed(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    env = connector_env(sandbox, f"sqlite:///{tmp_path / 'probe.db'}", tmp_path, **FAST)
    set_faults(
        sandbox,
        "revel",
        lost_response_rate=1.0,
        methods=["POST"],
        path_prefixes=["/resources/Order/"],
        max_faults=1,
    )

    done = CliRunner().invoke(
        app, ["doctor", "--probe", "--yes", "--location", "Harbor Room"], env={**env, "COLUMNS": "300"}
    )

    assert done.exit_code == 1 and "the probe stopped" in done.output
    orders = httpx.get(f"{sandbox.revel_url}/_sandbox/orders", params={"written": "true"}, timeout=30).json()
    assert len(orders["orders"]) == 1  # Revel made the order; its answer never came
    assert [o["deleted"] for o in orders["orders"]] == [True]
    assert "local_id" in done.output and "no probe order was made" not in done.output


class _BatchLookupDown(httpx.BaseTransport):
    """Between the connector and the simulators: every `local_id__in` lookup answers 503."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if "local_id__in" in request.url.params:
            return httpx.Response(503, json={"error": "unavailable"}, request=request)
        return self.inner.handle_request(request)


def test_a_batch_lookup_that_fails_for_a_while_is_unknown_not_refuted(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    with running_connector(sandbox, tmp_path, transport=_BatchLookupDown(), **FAST) as connector:
        run = probe(connector)

        assert {f.behaviour: f.verdict for f in run.found}["local_id_in"] == "unknown"
        assert findings.batch_lookup(connector.rt.db, connector.rt.settings)  # still on
