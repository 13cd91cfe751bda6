"""`tripleseat-revel demo`: the whole main job on the embedded default, against the simulators.

Starts both simulators and the connector (SQLite under ./var/demo), fires signed webhooks for
today's events (each twice, shuffled), runs a reconcile, and prints every event with its outcome
and the Revel order made, checking the order's money against TripleSeat's.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.table import Table

from tripleseat_revel import migrate
from tripleseat_revel.cli.render import BUCKET_STYLE, console
from tripleseat_revel.config import load_settings
from tripleseat_revel.db import Database
from tripleseat_revel.kit.crypto import generate_key
from tripleseat_revel.logging import configure_logging
from tripleseat_revel.runtime import Runtime, build_runtime, start_engine, stop_engine

DEMO_DIR = Path("var/demo")
ADMIN_TOKEN = "demo-admin-token-for-localhost-only"  # noqa: S105 - a throwaway token for the local demo only


def _settings(env: dict[str, str], db_path: Path) -> Any:
    # Everything that could reach a real system is set here, so a developer's .env never leaks in.
    return load_settings(
        _env_file=None,
        DATABASE_URL=f"sqlite:///{db_path}",
        ADMIN_TOKEN=ADMIN_TOKEN,
        # The demo's database is made afresh each run: a fresh key encrypts its tokens.
        TOKEN_ENCRYPTION_KEY=generate_key(),
        OUTBOX_DIR=DEMO_DIR / "outbox",
        SENDGRID_API_KEY=None,
        SMTP_URL=None,
        EMAIL_TO="events-team@example.com",
        EMAIL_FROM="tripleseat-revel@example.com",
        DRY_RUN=False,
        ENABLE_CONNECTOR=True,
        LOCATION_OVERRIDE=False,
        LOG_LEVEL="WARNING",
        EXECUTOR_ID="demo",
        **env,
    )


def _wait_idle(rt: Runtime, timeout: float) -> None:
    """Until no sync is queued or running (the demo's own process does them all)."""
    from dbos import DBOS

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = DBOS.list_workflows(status=["ENQUEUED", "PENDING"], name="sync_event")
        if not busy:
            return
        time.sleep(0.25)


def _orders_by_local_id(revel_url: str) -> dict[str, dict[str, Any]]:
    data = httpx.get(f"{revel_url}/_sandbox/orders", timeout=30).json()
    return {o.get("local_id"): o for o in data["orders"] if o.get("local_id")}


def _table(rt: Runtime, orders: dict[str, dict[str, Any]]) -> tuple[Table, dict[str, int]]:
    from tripleseat_revel.models import EventRecord

    table = Table(title="TripleSeat events -> Revel orders", show_lines=False)
    for column in (
        "event",
        "name",
        "date",
        "location",
        "TS status",
        "outcome",
        "Revel order",
        "items",
        "total: TripleSeat = Revel",
        "reason",
    ):
        table.add_column(column, no_wrap=column != "reason", max_width=60 if column == "reason" else 28)
    counts: dict[str, int] = {}
    with rt.db.session() as session:
        records = session.query(EventRecord).order_by(EventRecord.event_date, EventRecord.event_id).all()
        for r in records:
            outcome = r.outcome or "-"
            counts[outcome] = counts.get(outcome, 0) + 1
            order = orders.get(r.local_id or f"Triple Seat {r.event_id}")
            ts_total = (r.verified_plan or r.plan or {}).get("totals", {}).get("final_total")
            money = ""
            if order is not None:
                revel_total = f"{float(order.get('final_total') or 0):.2f}"
                mark = "[green]ok[/]" if ts_total == revel_total else "[red]MISMATCH[/]"
                money = f"{ts_total} = {revel_total} {mark}"
            style = BUCKET_STYLE.get("injected" if r.state == "verified" else r.state, "")
            table.add_row(
                str(r.event_id),
                (r.name or "")[:28],
                r.event_date or "",
                (r.location_name or "")[:24],
                r.ts_status or "",
                f"[{style}]{outcome}[/]" if style else outcome,
                str(order["id"]) if order else "",
                str(len(order.get("items", []))) if order else "",
                money,
                r.reason or "",
            )
    return table, counts


def demo(
    serve: Annotated[bool, typer.Option("--serve", help="Keep everything running afterwards")] = False,
) -> None:
    """The whole main job against the simulators on the embedded default (SQLite)."""
    from tripleseat_revel.sandbox.server import serve_in_thread as serve_sandbox
    from tripleseat_revel.sandbox.world import SandboxWorld
    from tripleseat_revel.web.app import create_app
    from tripleseat_revel.web.serving import serve_in_thread

    started = time.monotonic()
    if not console.is_terminal or console.width < 160:
        console.width = 200  # the table is wide; a pipe or a narrow terminal would fold it
    shutil.rmtree(DEMO_DIR, ignore_errors=True)
    DEMO_DIR.mkdir(parents=True)
    configure_logging(level="WARNING")
    world = SandboxWorld(seed=42)
    sandbox = serve_sandbox(world)
    settings = _settings(world.env(sandbox.tripleseat_url, sandbox.revel_url), DEMO_DIR / "demo.db")
    configure_logging(level="WARNING", secrets=settings.secret_values())
    db = Database(settings.DATABASE_URL)
    migrate.upgrade(db.engine)
    rt = build_runtime(settings, db=db)
    engine = start_engine(rt, role="serve", schedules=False)
    web = serve_in_thread(create_app(rt, engine))
    console.print(f"simulators: TripleSeat {sandbox.tripleseat_url}  Revel {sandbox.revel_url}")
    console.print(f"connector:  {web.url}  (SQLite {DEMO_DIR / 'demo.db'})")
    try:
        ts = httpx.Client(base_url=sandbox.tripleseat_url, timeout=60)
        ts.put("/_sandbox/webhooks/config", json={"target_url": f"{web.url}/webhooks/tripleseat"})
        fired = ts.post("/_sandbox/webhooks/fire", json={"today": True, "copies": 2, "shuffle": True}).json()
        console.print(f"1. fired {fired['queued']} signed webhooks for today's events (each twice, shuffled)")
        ts.post("/_sandbox/webhooks/wait", params={"timeout": 60})
        with console.status("2. syncing the webhooks' events (vendor rate limits apply)"):
            _wait_idle(rt, 120)
        with console.status("3. running a reconcile (catches events without a webhook)"):
            engine.workflows.reconcile({"source": "demo", "hours_back": settings.SYNC_HOURS_BACK})
            _wait_idle(rt, 180)
        table, counts = _table(rt, _orders_by_local_id(sandbox.revel_url))
        console.print(table)
        console.print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        outbox = sorted((DEMO_DIR / "outbox").glob("*.eml"))
        console.print(f"emails written to {DEMO_DIR / 'outbox'}: {len(outbox)}")
        console.print(f"done in {time.monotonic() - started:.0f}s.")
        if serve:
            console.print(f"dashboard: {web.url}/  (admin token: {ADMIN_TOKEN}); Ctrl-C to stop")
            _block()
        else:
            console.print(
                "To browse the dashboard: `tripleseat-revel demo --serve`, then open the URL shown."
            )
    finally:
        web.stop()
        stop_engine(engine)
        sandbox.stop()
        rt.close()


def _block() -> None:
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return
