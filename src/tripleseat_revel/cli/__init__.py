"""The `tripleseat-revel` command (thin: parses, calls services, renders with Rich)."""

from __future__ import annotations

import signal
import threading
import time
from datetime import timedelta
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tripleseat_revel import migrate
from tripleseat_revel.cli import bootstrap
from tripleseat_revel.cli.locations import app as locations_app
from tripleseat_revel.cli.problems import app as problems_app
from tripleseat_revel.cli.render import (
    audit_timeline,
    console,
    render_preview,
    results_table,
    summary_line,
)

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
mappings_app = typer.Typer(no_args_is_help=True, help="Menu item -> Revel product mappings.")
auth_app = typer.Typer(no_args_is_help=True, help="Vendor authorisation (OAuth onboarding).")
app.add_typer(db_app, name="db")
app.add_typer(mappings_app, name="mappings")
app.add_typer(auth_app, name="auth")
app.add_typer(problems_app, name="problems")
app.add_typer(locations_app, name="locations")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "0.0.0.0",  # noqa: S104
    port: Annotated[int | None, typer.Option(help="HTTP port (default: PORT)")] = None,
) -> None:
    """Web app and scheduler, with SERVE_WORKERS worker processes beside it (the default
    deployment); SERVE_WORKERS=0 runs the syncs in the web process itself."""
    from tripleseat_revel.cli.workers import WorkerPool
    from tripleseat_revel.models import utcnow
    from tripleseat_revel.runtime import start_engine, stop_engine
    from tripleseat_revel.worker.replicas import started_since

    loaded = bootstrap.settings()
    bootstrap.refuse_unsafe(loaded, web_host=host)
    rt = bootstrap.runtime(loaded)
    workers = loaded.SERVE_WORKERS
    engine = start_engine(rt, role="serve", work=workers == 0)
    pool = WorkerPool(workers, engine.executor_id) if workers else None
    if pool is not None:
        since = utcnow()
        pool.start()
        pool.wait_ready(lambda ids: started_since(rt.db, ids, since))
    console.print(f"tripleseat-revel serving on http://{host}:{port or loaded.PORT}/ (dashboard at /)")
    try:
        _run_web(rt, engine, host, port or loaded.PORT)
    finally:
        if pool is not None:
            pool.stop()
        stop_engine(engine)


def _run_web(rt: Any, engine: Any, host: str, port: int) -> None:
    """The web app under uvicorn, until it is stopped; uvicorn logs through the connector's
    pipeline (JSON, scrubbed)."""
    import uvicorn

    from tripleseat_revel.logging import adopt_uvicorn_logs
    from tripleseat_revel.web.app import create_app
    from tripleseat_revel.web.serving import uvicorn_options

    config = uvicorn.Config(
        create_app(rt, engine),
        host=host,
        port=port,
        log_level="warning",
        log_config=None,
        **uvicorn_options(rt.settings),
    )
    adopt_uvicorn_logs()
    uvicorn.Server(config).run()


@app.command()
def worker(
    parent_pid: Annotated[
        int | None, typer.Option("--parent-pid", hidden=True, help="Exit when this process is gone")
    ] = None,
) -> None:
    """Worker and scheduler only, for scale-out beside `serve` replicas."""
    from tripleseat_revel.cli.workers import watch_parent
    from tripleseat_revel.runtime import start_engine, stop_engine

    loaded = bootstrap.settings()
    bootstrap.refuse_unsafe(loaded, web_host=None)
    rt = bootstrap.runtime(loaded)
    engine = start_engine(rt, role="worker")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if parent_pid is not None:
        watch_parent(parent_pid, stop.set)
    console.print(f"worker running (executor {engine.executor_id}); Ctrl-C to stop")
    stop.wait()
    stop_engine(engine)


def _wait_run(run_id: str, timeout: float) -> dict[str, Any] | None:
    from tripleseat_revel.worker import bulk
    from tripleseat_revel.worker.queues import TERMINAL, wait_for

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("syncing events", total=None)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state, output = wait_for(run_id, timeout=0.5)
            step = bulk.progress(run_id)
            progress.update(task, completed=step["done"], total=step["total"] or None)
            if state in TERMINAL:
                return output if isinstance(output, dict) else None
    return None


@app.command()
def sync(
    event_id: Annotated[int | None, typer.Option("--event-id", help="Sync one event")] = None,
    hours_back: Annotated[
        int | None, typer.Option("--hours-back", help="Sync events updated in N hours")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Plan only; write nothing")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the result")] = 600,
) -> None:
    """Sync one event (--event-id) or every recently updated one (--hours-back)."""
    from tripleseat_revel.runtime import start_engine, stop_engine
    from tripleseat_revel.worker import bulk

    if (event_id is None) == (hours_back is None):
        bootstrap.fail("give exactly one of --event-id or --hours-back")
    rt = bootstrap.runtime(bootstrap.settings())
    if dry_run:
        _dry_run(rt, event_id, hours_back)
        return
    engine = start_engine(rt, role="cli", schedules=False)
    try:
        if event_id is not None:
            outcome = _sync_one(rt, event_id, timeout)
        else:
            assert hours_back is not None
            run_id = bulk.start_bulk(rt, engine.workflows.bulk_sync, hours_back, source="cli")
            maybe = _wait_run(run_id, timeout)
            if maybe is None:
                bootstrap.fail(f"the bulk sync did not finish in {timeout:.0f}s (run {run_id})", 1)
            outcome = maybe
        console.print(results_table(outcome["events"], f"{outcome['mode']} sync"))
        console.print(summary_line(outcome))
        if not outcome["success"]:
            raise typer.Exit(1)
    finally:
        stop_engine(engine)


def _sync_one(rt: Any, event_id: int, timeout: float) -> dict[str, Any]:
    from tripleseat_revel.sync.results import summarise
    from tripleseat_revel.worker.trigger import sync_and_wait

    with console.status(f"syncing event {event_id}"):
        done = sync_and_wait(rt, event_id, source="cli", timeout=timeout)
    if done.result is None:
        bootstrap.fail(f"the sync did not finish in {timeout:.0f}s (workflow {done.request.workflow_id})", 1)
    return summarise("single", [done.result])


def _dry_run(rt: Any, event_id: int | None, hours_back: int | None) -> None:
    from tripleseat_revel.sync.preview import preview_bulk, preview_single

    with console.status("planning (nothing is written)"):
        outcome = preview_single(rt, event_id) if event_id is not None else preview_bulk(rt, hours_back or 48)
    console.print(results_table(outcome["events"], f"{outcome['mode']} dry run: nothing written"))
    console.print(summary_line(outcome))


@app.command()
def preview(event_id: Annotated[int, typer.Argument(help="TripleSeat event id")]) -> None:
    """The Revel order that would be made for an event now, as a table (writes nothing)."""
    from tripleseat_revel.sync.preview import preview_event

    rt = bootstrap.runtime(bootstrap.settings())
    render_preview(event_id, preview_event(rt, event_id))


@app.command()
def audit(event_id: Annotated[int, typer.Argument(help="TripleSeat event id")]) -> None:
    """An event's audit trail as a timeline."""
    from tripleseat_revel.sync import ledger

    rt = bootstrap.runtime(bootstrap.settings(), service=False)
    with rt.db.session() as session:
        record = ledger.get_record(session, event_id)
        rows = [
            {
                "at": e.at.isoformat(),
                "kind": e.kind,
                "message": e.message,
                "correlation_id": e.correlation_id,
                "workflow_id": e.workflow_id,
            }
            for e in ledger.audit_trail(session, event_id)
        ]
    if record is None:
        bootstrap.fail(f"event {event_id} has never been synced", 1)
    console.print(
        f"[bold]Event {event_id}[/] {record.name or ''} {record.event_date or ''}: "
        f"{record.state} ({record.outcome}) Revel order {record.revel_order_id or '-'}"
    )
    console.print(f"reason: {record.reason or '-'}")
    console.print(audit_timeline(rows, f"audit trail of event {event_id}"))


@mappings_app.command("check")
def mappings_check(
    days: Annotated[int, typer.Option(help="Look this many days ahead")] = 7,
) -> None:
    """Unmapped items of upcoming events, with suggestions."""
    from tripleseat_revel.sync.mappings import upcoming_unmapped

    rt = bootstrap.runtime(bootstrap.settings())
    with console.status("checking upcoming events"):
        rows = upcoming_unmapped(rt, timedelta(days=days))
    if not rows:
        console.print(f"[green]every item of the next {days} days' events maps to a Revel product[/]")
        return
    from rich.table import Table

    table = Table(title=f"unmapped items, next {days} days")
    for column in ("menu item", "name", "establishment", "events", "suggestions"):
        table.add_column(column, overflow="fold")
    for row in rows:
        hints = ", ".join(f"{s['name']} (#{s['product_id']}, {s['score']}%)" for s in row["suggestions"])
        table.add_row(
            str(row["menu_item_id"]),
            row["name"],
            str(row["establishment"]),
            ", ".join(str(e) for e in row["event_ids"]),
            hints or "-",
        )
    console.print(table)
    raise typer.Exit(1)


@auth_app.command("tripleseat")
def auth_tripleseat(
    base_url: Annotated[
        str | None, typer.Option(help="Public URL of this connector (default PUBLIC_URL)")
    ] = None,
) -> None:
    """How a TripleSeat admin authorises the connector (authorization-code flow, from the dashboard)."""
    from tripleseat_revel.integrations.tripleseat.onboarding import START_PATH, redirect_uri

    loaded = bootstrap.settings()
    if not loaded.TRIPLESEAT_CLIENT_ID:
        bootstrap.fail("configuration: environment/.env: TRIPLESEAT_CLIENT_ID: required for OAuth onboarding")
    base = (base_url or loaded.PUBLIC_URL or f"http://localhost:{loaded.PORT}").rstrip("/")
    console.print("1. Register this redirect URL in TripleSeat (Settings > API & Webhooks > OAuth 2.0 apps):")
    console.print(f"   {redirect_uri(loaded, base_url)}")
    console.print("2. With `tripleseat-revel serve` running, log in to the dashboard and open (the link")
    console.print("   it sends you to is valid 15 minutes, once, for your session only):")
    console.print(f"   {base}{START_PATH}", soft_wrap=True)
    console.print("3. The callback stores the tokens; the connector refreshes and rotates them from then on.")


@app.command()
def replicas() -> None:
    """Replicas (executors): last heartbeat, and the syncs each one holds."""
    from dbos import DBOS
    from rich.table import Table

    from tripleseat_revel.models import Replica, utcnow
    from tripleseat_revel.runtime import start_engine, stop_engine

    rt = bootstrap.runtime(bootstrap.settings(), service=False)
    engine = start_engine(rt, role="cli", schedules=False, work=False)
    try:
        table = Table(title="replicas")
        for column in ("executor", "role", "host/pid", "last heartbeat", "state", "pending syncs"):
            table.add_column(column)
        with rt.db.session() as session:
            rows = session.query(Replica).order_by(Replica.heartbeat_at.desc()).all()
        dead_after = rt.settings.DEAD_REPLICA_SECONDS
        for r in rows:
            age = (utcnow() - r.heartbeat_at).total_seconds()
            state = "stopped" if r.stopped_at else ("alive" if age < dead_after else "[red]silent[/]")
            pending = len(DBOS.list_workflows(status="PENDING", executor_id=r.executor_id, load_input=False))
            table.add_row(
                r.executor_id, r.role, f"{r.hostname}/{r.pid}", f"{age:.0f}s ago", state, str(pending)
            )
        console.print(table)
    finally:
        stop_engine(engine)


@app.command()
def recover(
    executor_ids: Annotated[list[str], typer.Argument(help="Executor ids of replicas that are gone")],
) -> None:
    """Re-enqueue the unfinished syncs of dead replicas now (the janitor does it after
    DEAD_REPLICA_SECONDS); any running worker picks them up."""
    from tripleseat_revel.runtime import start_engine, stop_engine
    from tripleseat_revel.worker.janitor import recover_executors

    rt = bootstrap.runtime(bootstrap.settings(), service=False)
    engine = start_engine(rt, role="cli", schedules=False, work=False)
    try:
        for executor_id, count in recover_executors(rt, executor_ids).items():
            console.print(f"{executor_id}: {count} workflow(s) re-enqueued")
    finally:
        stop_engine(engine)


@app.command()
def keygen() -> None:
    """Print new secrets for .env: TOKEN_ENCRYPTION_KEY (a Fernet key), ADMIN_TOKEN, SESSION_SECRET.

    To rotate TOKEN_ENCRYPTION_KEY, put the new key first and keep the old one after a comma
    until `serve` has restarted once (it re-encrypts the stored tokens at start)."""
    import secrets

    from tripleseat_revel.kit.crypto import generate_key

    typer.echo(f"TOKEN_ENCRYPTION_KEY={generate_key()}")
    typer.echo(f"ADMIN_TOKEN={secrets.token_urlsafe(32)}")
    typer.echo(f"SESSION_SECRET={secrets.token_urlsafe(32)}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply pending database migrations (serve and worker also do it at start)."""
    from tripleseat_revel.db import Database

    loaded = bootstrap.settings()
    db = Database(loaded.DATABASE_URL)
    before = migrate.current_revision(db.engine)
    migrate.upgrade(db.engine, token_cipher=loaded.token_cipher())
    console.print(f"database at revision {migrate.current_revision(db.engine)} (was {before or 'empty'})")


def _register_optional() -> None:
    from tripleseat_revel.cli.demo import demo
    from tripleseat_revel.cli.doctor import doctor
    from tripleseat_revel.cli.reports import digest, reconcile
    from tripleseat_revel.sandbox.cli import sandbox

    app.command(help="Serve both vendor simulators on localhost.")(sandbox)
    app.command(help="The whole main job against the simulators on the embedded default.")(demo)
    app.command()(reconcile)
    app.command()(digest)
    app.command()(doctor)


_register_optional()


def main() -> None:
    app()
