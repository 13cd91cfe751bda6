"""Model-based test of the invariant operators rely on (issue 11; docs/reliability.md):

    for every event the connector has touched, either the Revel order equals the plan of the
    TripleSeat document the connector last read, or the event is in drift or failed with an
    open alert; never a success over a different order; never more than one live order.

Hypothesis drives random lives of a few events through the served simulators and a real
`tripleseat-revel serve` process (on_change = amend): create, change lines, quantities and prices,
add, change or remove a discount, add or refund payments, make an item unmapped and map it again,
move the date or the location, cancel; with vendor faults (5xx bursts longer than the retries,
lost responses) and the connector SIGKILLed in the middle of a sync; syncs and reconciles. After
every step it checks the invariant for every event, against an oracle computed from TripleSeat's
JSON and the catalogue (tests/fixtures/oracle.py), not from the connector's planner.

Sizes: MODEL_EXAMPLES and MODEL_STEPS (CI: a bounded run; `make model` runs it long). A failing
case prints its steps (Hypothesis shrinks it) and the @reproduce_failure blob.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.conftest import FAST
from tests.fixtures.harness import ADMIN_TOKEN, ConnectorProcess, connector_env, free_port
from tests.fixtures.oracle import all_mapped, differences, expected
from tests.fixtures.sandbox_api import change_event, create_event, orders_for, set_faults
from tripleseat_revel.models import EmailLog, EventRecord
from tripleseat_revel.sandbox import catalog
from tripleseat_revel.sandbox.server import SandboxServer, serve_in_thread
from tripleseat_revel.sandbox.world import LOCATIONS_FILE, SandboxWorld

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

EXAMPLES = int(os.environ.get("MODEL_EXAMPLES", "4"))
STEPS = int(os.environ.get("MODEL_STEPS", "10"))
# A step takes a fraction of a second (a kill and restart: a few); the run's limit grows with its size.
RUN_LIMIT_SECONDS = 300 + 3 * EXAMPLES * STEPS
ESTABLISHMENT = {20271: 8, 20272: 9, 20281: 12}
HOME = 20271
ITEMS = [i for i in catalog.REVEL_ITEMS if not i.explicit][:6]  # matched by name in every establishment
UNMAPPED = catalog.UNMAPPED_ITEMS[0]
MAPPED_TO = catalog.product_id(8, ITEMS[0])  # what an operator maps the unmapped item to
PAYMENTS = ["none", "deposit", "partial", "full"]
SUCCESS = {"INJECTED", "ALREADY_INJECTED", "AMENDED"}


@dataclass
class Tracked:
    """One event of the model: what the connector last read of it, and whether it was synced."""

    id: int
    seen: dict[str, Any] | None = None  # TripleSeat's event as of the connector's last sync


@dataclass
class Figures:
    examples: int = 0
    steps: int = 0
    syncs: int = 0
    reconciles: int = 0
    resyncs: int = 0
    kills: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)


class Rig:
    """The world the machine acts on: served simulators and one connector process, shared by the
    examples (each example makes its own events)."""

    def __init__(self, tmp: Path) -> None:
        self.world = SandboxWorld(seed=42, empty=True)
        self.sandbox: SandboxServer = serve_in_thread(self.world)
        locations = tmp / "locations-amend.toml"
        locations.write_text(LOCATIONS_FILE.read_text().replace('on_change = "alert"', 'on_change = "amend"'))
        self.db_url = f"sqlite:///{tmp / 'model.db'}"
        env = connector_env(
            self.sandbox,
            self.db_url,
            tmp,
            LOCATIONS_FILE=str(locations),
            EXECUTOR_ID="local",
            SYNC_WAIT_SECONDS="60",
            SYNC_INTERVAL_MINUTES="1440",
            **FAST,
        )
        self.process = ConnectorProcess(env, free_port(), tmp / "connector.log")
        self.process.start()
        self.http = httpx.Client(
            base_url=self.process.url, timeout=120, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
        )
        self.db = sa.create_engine(self.db_url)
        self.mappings: dict[int, int] = {}
        self.figures = Figures()

    def close(self) -> None:
        self.http.close()
        self.process.stop()
        self.sandbox.stop()
        self.db.dispose()

    def ts(self, event_id: int) -> dict[str, Any]:
        response = httpx.get(f"{self.sandbox.tripleseat_url}/_sandbox/events/{event_id}", timeout=30)
        event: dict[str, Any] = response.json()["event"]
        return event

    def ledger(self, event_id: int) -> tuple[EventRecord | None, str | None]:
        """The event's ledger row, and the status of its open alert's email (None: no such email)."""
        with self.db.connect() as conn:
            row = conn.execute(
                sa.select(EventRecord.__table__).where(EventRecord.event_id == event_id)
            ).first()
            if row is None:
                return None, None
            status = None
            if row.alert_key:
                query = sa.select(EmailLog.__table__.c.status).where(EmailLog.key == row.alert_key)
                status = conn.execute(query).scalar()
        return row, status  # type: ignore[return-value]

    def wait_run(self, response: httpx.Response) -> dict[str, Any]:
        deadline = time.monotonic() + 180
        while response.status_code == 202 and time.monotonic() < deadline:
            time.sleep(0.3)
            response = self.http.get(response.json()["status_url"])
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    made = Rig(tmp_path)
    try:
        yield made
    finally:
        made.close()
        report = os.environ.get("MODEL_REPORT")
        if report:
            f = made.figures
            Path(report).write_text(
                json.dumps(
                    {
                        "examples": f.examples,
                        "steps": f.steps,
                        "syncs": f.syncs,
                        "reconciles": f.reconciles,
                        "resyncs": f.resyncs,
                        "kills": f.kills,
                        "faults": dict(f.faults),
                        "outcomes": dict(f.outcomes),
                    },
                    indent=2,
                )
            )


class PosLives(RuleBasedStateMachine):
    rig: Rig

    def __init__(self) -> None:
        super().__init__()
        self.events: list[Tracked] = []
        self.fault: str | None = None  # a fault the next sync runs under

    # ---- set-up ---------------------------------------------------------------------------------

    @initialize()
    def start(self) -> None:
        self.rig.figures.examples += 1
        set_faults(self.rig.sandbox, "revel", error_rate=0.0, lost_response_rate=0.0, latency_ms=0.0)
        set_faults(self.rig.sandbox, "tripleseat", error_rate=0.0)

    def teardown(self) -> None:
        set_faults(self.rig.sandbox, "revel", error_rate=0.0, lost_response_rate=0.0, latency_ms=0.0)
        set_faults(self.rig.sandbox, "tripleseat", error_rate=0.0)

    # ---- TripleSeat changes -------------------------------------------------------------------------

    lines = st.lists(
        st.tuples(st.sampled_from(ITEMS), st.integers(1, 30), st.sampled_from([None, "4.50", "12.00"])),
        min_size=1,
        max_size=3,
        unique_by=lambda line: line[0].menu_item_id,
    )

    @staticmethod
    def _items(lines: list[tuple[catalog.MenuItem, int, str | None]]) -> list[dict[str, Any]]:
        return [
            {"menu_item_id": item.menu_item_id, "quantity": qty, **({"price": price} if price else {})}
            for item, qty, price in lines
        ]

    @precondition(lambda self: len(self.events) < 3)
    @rule(lines=lines, discount=st.sampled_from(["0", "10%", "25.00"]), payments=st.sampled_from(PAYMENTS))
    def create(
        self, lines: list[tuple[catalog.MenuItem, int, str | None]], discount: str, payments: str
    ) -> None:
        event = create_event(
            self.rig.sandbox,
            name="Model Event",
            location_id=HOME,
            items=self._items(lines),
            discount=discount,
            payments=payments,
            service_charge_rate="0.18",
            tax_rate="0.0875",
        )
        self.events.append(Tracked(event["id"]))

    def _change(self, index: int, then_sync: bool, **fields: Any) -> None:
        self.rig.figures.steps += 1
        change_event(self.rig.sandbox, self.events[index % len(self.events)].id, **fields)
        if then_sync:  # most changes reach the connector at once (a webhook), some wait
            self.sync(index)

    @precondition(lambda self: self.events)
    @rule(index=st.integers(0, 2), lines=lines, then_sync=st.booleans())
    def change_lines(
        self, index: int, then_sync: bool, lines: list[tuple[catalog.MenuItem, int, str | None]]
    ) -> None:
        self._change(index, then_sync, items=self._items(lines))

    @precondition(lambda self: self.events)
    @rule(index=st.integers(0, 2), discount=st.sampled_from(["0", "10%", "15.00"]), then_sync=st.booleans())
    def change_discount(self, index: int, discount: str, then_sync: bool) -> None:
        self._change(index, then_sync, discount=discount)

    @precondition(lambda self: self.events)
    @rule(index=st.integers(0, 2), payments=st.sampled_from(PAYMENTS), then_sync=st.booleans())
    def pay_or_refund(self, index: int, payments: str, then_sync: bool) -> None:
        self._change(index, then_sync, payments=payments)

    @precondition(lambda self: self.events)
    @rule(index=st.integers(0, 2), quantity=st.integers(1, 5), then_sync=st.booleans())
    def add_an_unmapped_item(self, index: int, quantity: int, then_sync: bool) -> None:
        event = self.rig.ts(self.events[index % len(self.events)].id)
        items = [
            {"menu_item_id": li["menu_item_id"], "quantity": int(float(li["quantity"])), "price": li["price"]}
            for li in event["documents"][0]["line_items"]
            if li["menu_item_id"] != UNMAPPED.menu_item_id
        ]
        self._change(
            index, then_sync, items=[*items, {"menu_item_id": UNMAPPED.menu_item_id, "quantity": quantity}]
        )

    @precondition(lambda self: self.events and UNMAPPED.menu_item_id not in self.rig.mappings)
    @rule()
    def map_the_unmapped_item(self) -> None:
        body = {"menu_item_id": UNMAPPED.menu_item_id, "revel_product": MAPPED_TO, "establishment": 8}
        response = self.rig.http.post("/api/mappings", json=body)
        assert response.status_code == 200, response.text
        self.rig.mappings[UNMAPPED.menu_item_id] = MAPPED_TO

    @precondition(lambda self: self.events)
    @rule(index=st.integers(0, 2), day=st.sampled_from(["today", "today+1"]), then_sync=st.booleans())
    def move_the_date(self, index: int, day: str, then_sync: bool) -> None:
        self._change(index, then_sync, event_date=day)

    @precondition(lambda self: self.events)
    @rule(index=st.integers(0, 2), location=st.sampled_from([20271, 20272]), then_sync=st.booleans())
    def move_the_location(self, index: int, location: int, then_sync: bool) -> None:
        self._change(index, then_sync, location_id=location)

    @precondition(lambda self: self.events)
    @rule(
        index=st.integers(0, 2),
        status=st.sampled_from(["LOST", "CLOSED", "DEFINITE"]),
        then_sync=st.booleans(),
    )
    def change_the_status(self, index: int, status: str, then_sync: bool) -> None:
        self._change(index, then_sync, status=status)

    # ---- faults (for the next sync) -------------------------------------------------------------------

    @rule(fault=st.sampled_from(["revel-5xx-burst", "revel-lost-responses", "tripleseat-5xx-burst"]))
    def next_sync_faulty(self, fault: str) -> None:
        self.fault = fault

    def _apply_fault(self) -> None:
        if self.fault is None:
            return
        self.rig.figures.faults[self.fault] += 1
        if self.fault == "revel-5xx-burst":  # longer than every retry: the writes fail for good
            set_faults(self.rig.sandbox, "revel", error_rate=1.0, methods=["POST", "PATCH", "DELETE"])
        elif self.fault == "revel-lost-responses":
            set_faults(
                self.rig.sandbox,
                "revel",
                lost_response_rate=0.5,
                methods=["POST", "PATCH", "DELETE"],
                fault_seed=7,
            )
        else:
            set_faults(self.rig.sandbox, "tripleseat", error_rate=1.0, path_prefixes=["/v1/events/"])

    def _clear_fault(self) -> None:
        if self.fault is not None:
            set_faults(self.rig.sandbox, "revel", error_rate=0.0, lost_response_rate=0.0, methods=None)
            set_faults(self.rig.sandbox, "tripleseat", error_rate=0.0, path_prefixes=None)
            self.fault = None

    # ---- the connector ---------------------------------------------------------------------------------

    @precondition(lambda self: self.events)
    @rule(index=st.integers(0, 2))
    def sync(self, index: int) -> None:
        tracked = self.events[index % len(self.events)]
        snapshot = self.rig.ts(tracked.id)
        self._apply_fault()
        try:
            body = self.rig.wait_run(
                self.rig.http.post("/api/sync/tripleseat", params={"event_id": tracked.id})
            )
        finally:
            self._clear_fault()
        self.rig.figures.syncs += 1
        self.rig.figures.outcomes[body["events"][0]["outcome"]] += 1
        tracked.seen = snapshot

    @precondition(lambda self: self.events)
    @rule()
    def reconcile(self) -> None:
        before = {t.id: (self.rig.ts(t.id), self._synced_at(t.id)) for t in self.events}
        self._apply_fault()
        try:
            body = self.rig.wait_run(self.rig.http.post("/api/sync/tripleseat", params={"hours_back": 24}))
        finally:
            self._clear_fault()
        self.rig.figures.reconciles += 1
        for event in body["events"]:
            self.rig.figures.outcomes[str(event["outcome"])] += 1
        for tracked in self.events:
            snapshot, synced = before[tracked.id]
            if self._synced_at(tracked.id) != synced:
                tracked.seen = snapshot

    @precondition(lambda self: self.events)
    @rule(index=st.integers(0, 2))
    def an_operator_resyncs(self, index: int) -> None:
        """Re-sync from the problems page: the order is read and compared with the event again."""
        tracked = self.events[index % len(self.events)]
        snapshot = self.rig.ts(tracked.id)
        body = self.rig.wait_run(self.rig.http.post(f"/api/events/{tracked.id}/resync"))
        self.rig.figures.resyncs += 1
        self.rig.figures.outcomes[body["events"][0]["outcome"]] += 1
        tracked.seen = snapshot

    def _synced_at(self, event_id: int) -> Any:
        record, _ = self.rig.ledger(event_id)
        return record.last_synced_at if record is not None else None

    @precondition(lambda self: self.events)
    @rule(index=st.integers(0, 2))
    def kill_the_connector_mid_sync(self, index: int) -> None:
        """SIGKILL `serve` while a sync writes to Revel; the restarted one must finish that sync."""
        tracked = self.events[index % len(self.events)]
        snapshot = self.rig.ts(tracked.id)
        writes_before = self._writes()
        set_faults(self.rig.sandbox, "revel", latency_ms=250.0, methods=["POST", "PATCH", "DELETE"])
        call = threading.Thread(target=self._sync_quietly, args=(tracked.id,), daemon=True)
        call.start()
        deadline = time.monotonic() + 15
        while self._writes() == writes_before and call.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        killed = call.is_alive()
        if killed:
            self.rig.process.kill()
            self.rig.figures.kills += 1
        set_faults(self.rig.sandbox, "revel", latency_ms=0.0, methods=None)
        call.join(30)
        if killed:
            self.rig.process.start()
            self._wait_settled(tracked.id)
        tracked.seen = snapshot

    def _writes(self) -> int:
        return int(httpx.get(f"{self.rig.sandbox.revel_url}/_sandbox/writes", timeout=30).json()["count"])

    def _sync_quietly(self, event_id: int) -> None:
        try:
            self.rig.http.post("/api/sync/tripleseat", params={"event_id": event_id})
        except httpx.HTTPError:
            return  # the process was killed under it

    def _wait_settled(self, event_id: int) -> None:
        """Until the recovered sync has recorded its outcome (the last audit entry is one)."""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            response = self.rig.http.get(f"/api/events/{event_id}")
            if response.status_code == 200:
                trail = response.json()["audit"]
                if trail and trail[-1]["kind"].startswith("sync.") and trail[-1]["kind"] != "sync.started":
                    return
            time.sleep(0.2)
        raise AssertionError(f"event {event_id}: the recovered sync did not finish")

    # ---- the invariant -------------------------------------------------------------------------------

    @invariant()
    def the_pos_is_never_silently_wrong(self) -> None:
        for tracked in self.events:
            self._check(tracked)

    def _check(self, tracked: Tracked) -> None:
        orders = [o for o in orders_for(self.rig.sandbox, tracked.id) if not o.get("deleted")]
        assert len(orders) <= 1, f"event {tracked.id}: {len(orders)} live orders"
        record, alert = self.rig.ledger(tracked.id)
        if tracked.seen is None or record is None:
            return  # never synced: nothing was promised yet
        state, outcome = record.state, record.outcome
        where = f"event {tracked.id} ({state}, {outcome}: {record.reason})"
        assert state != "writing", f"{where}: left half-written with no alert"
        if state in ("drift", "failed"):
            assert alert is not None, f"{where}: no open alert"
            return
        wanted = self._wanted(tracked.seen)
        if wanted is None:  # not for the POS: it must have no order, or be reported above
            assert not orders, f"{where}: an order for an event that should have none"
            return
        if state == "verified":
            assert outcome in SUCCESS
            assert orders, f"{where}: verified without an order"
            assert differences(wanted, orders[0]) == [], f"{where}: {differences(wanted, orders[0])}"
        elif state in ("pending", "waiting", "skipped", "dry_run"):
            raise AssertionError(f"{where}: a due event neither on the POS nor reported")

    def _wanted(self, seen: dict[str, Any]) -> Any:
        """The order TripleSeat's document calls for, or None when it should be on no POS today."""
        location = seen["location_id"]
        due = seen["status"] == "CLOSED" and seen["event_date_iso8601"] == self._today(location)
        establishment = ESTABLISHMENT.get(location)
        if (
            not due
            or establishment is None
            or not all_mapped(seen, establishment, self._mappings(establishment))
        ):
            return None
        return expected(seen, establishment, self._mappings(establishment))

    def _mappings(self, establishment: int) -> dict[int, int]:
        return self.rig.mappings if establishment == 8 else {}

    def _today(self, location: int) -> str:
        info = httpx.get(f"{self.rig.sandbox.tripleseat_url}/_sandbox/info", timeout=30).json()
        return str(info["today"][str(location)])


@pytest.mark.timeout(RUN_LIMIT_SECONDS)
def test_the_pos_is_never_silently_wrong(rig: Rig) -> None:
    PosLives.rig = rig
    run_state_machine_as_test(
        PosLives,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            print_blob=True,
        ),
    )
