"""What the connector assumes of an establishment's Revel: the settings, switched off there by a
refuted finding of `doctor --probe`, never switched on by a confirmed one (one case per finding;
other establishments keep the settings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tripleseat_revel import migrate
from tripleseat_revel.config import load_settings
from tripleseat_revel.db import Database
from tripleseat_revel.sync import findings
from tripleseat_revel.sync.findings import Finding
from tripleseat_revel.sync.order_diff import RevelBehaviour


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'findings.db'}")
    migrate.upgrade(database.engine)
    return database


@pytest.mark.parametrize(
    ("settings", "finding", "expected"),
    [
        ({}, ("item_delete", "refuted"), RevelBehaviour(item_delete=False)),
        ({"REVEL_REFUNDS": True}, ("negative_payment", "refuted"), RevelBehaviour(refunds=False)),
        ({}, ("negative_payment", "confirmed"), RevelBehaviour(refunds=False)),  # never switched on
        ({"REVEL_REFUNDS": True}, ("negative_payment", "confirmed"), RevelBehaviour(refunds=True)),
        ({"REVEL_ITEM_DELETE": False}, ("item_delete", "confirmed"), RevelBehaviour(item_delete=False)),
        ({}, ("discount_replaces", "refuted"), RevelBehaviour(discounts_stack=True)),
        (
            {"REVEL_DISCOUNTS_STACK": True},
            ("discount_replaces", "confirmed"),
            RevelBehaviour(discounts_stack=True),
        ),
        ({}, ("payment_type", "refuted"), RevelBehaviour(payment_type=False)),
        ({}, ("totals_kept", "refuted"), RevelBehaviour(totals_kept=False)),
        ({"REVEL_ITEM_DELETE": False}, ("item_delete", "unknown"), RevelBehaviour(item_delete=False)),
    ],
    ids=lambda v: "-".join(v) if isinstance(v, tuple) else None,
)
def test_a_finding_only_switches_a_setting_off_in_its_establishment_only(
    db: Database, settings: dict[str, bool], finding: tuple[str, str], expected: RevelBehaviour
) -> None:
    loaded = load_settings(_env_file=None, **settings)
    elsewhere = findings.behaviour_for(db, loaded, 9)

    findings.store(db, 8, [Finding(finding[0], findings.as_verdict(finding[1]))], probe_order_id=1)

    assert findings.behaviour_for(db, loaded, 8) == expected
    assert findings.behaviour_for(db, loaded, 9) == elsewhere == findings.defaults(loaded)


@pytest.mark.parametrize(
    ("setting", "found", "batch"),
    [(True, None, True), (False, None, False), (True, ("local_id_in", "refuted"), False)]
    + [(True, ("local_id_filter", "refuted"), False), (True, ("local_id_in", "confirmed"), True)],
)
def test_the_batch_lookup_is_off_once_a_filter_is_found_not_to_filter(
    db: Database, setting: bool, found: tuple[str, str] | None, batch: bool
) -> None:
    if found is not None:
        findings.store(db, 4, [Finding(found[0], findings.as_verdict(found[1]))], probe_order_id=None)

    assert findings.batch_lookup(db, load_settings(_env_file=None, REVEL_BATCH_LOOKUP=setting)) is batch
