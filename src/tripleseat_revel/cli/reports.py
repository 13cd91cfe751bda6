"""`tripleseat-revel reconcile` (with a progress bar) and `tripleseat-revel digest`."""

from __future__ import annotations

import time
from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tripleseat_revel.cli import bootstrap
from tripleseat_revel.cli.render import console, results_table, summary_line
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.sync.results import EventResult


def _today(rt: Runtime) -> date:
    return rt.clock().astimezone(ZoneInfo(rt.config.location[0].timezone)).date()


def digest(
    day: Annotated[
        str | None, typer.Option(help="YYYY-MM-DD (default: today, in the first location's time zone)")
    ] = None,
    show: Annotated[bool, typer.Option("--print", help="Print the digest instead of sending it")] = False,
) -> None:
    """Send the daily digest email: the day's events and what needs attention (once per day)."""
    from tripleseat_revel.notify.digest import collect, compose_digest

    rt = bootstrap.runtime(bootstrap.settings(), service=False)
    try:
        when = date.fromisoformat(day) if day else _today(rt)
    except ValueError:
        bootstrap.fail(f"--day {day!r} is not a date (YYYY-MM-DD)")
    email = compose_digest(collect(rt.db, when), public_url=rt.settings.PUBLIC_URL)
    if show:
        console.print(f"[bold]{email.subject}[/]\n")
        console.print(email.text, markup=False, highlight=False)
        return
    if rt.notifier.send(email):
        console.print(f"[green]sent[/] {email.subject!r} via {rt.notifier.transport.name}")
    else:
        console.print(f"[yellow]not sent[/]: the digest of {when} went out already (or failed; see the log)")


def _wait_all(workflow_ids: dict[str, str], timeout: float) -> list[EventResult]:
    from tripleseat_revel.worker.queues import wait_for

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    results: list[EventResult] = []
    deadline = time.monotonic() + timeout
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("syncing events", total=len(workflow_ids))
        for event_id, wid in workflow_ids.items():
            _state, output = wait_for(wid, max(0.0, deadline - time.monotonic()))
            pending = EventResult(id=int(event_id), status="pending", workflow_id=wid)
            results.append(output if isinstance(output, EventResult) else pending)
            progress.advance(task)
    return results


def reconcile(
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the syncs")] = 900,
) -> None:
    """Run the scheduled reconcile now (look-back, today's events, unfinished ones) and show each result."""
    from tripleseat_revel.runtime import start_engine, stop_engine
    from tripleseat_revel.sync.results import event_result, summarise

    rt = bootstrap.runtime(bootstrap.settings())
    engine = start_engine(rt, role="cli", schedules=False)
    try:
        params = {"source": "cli reconcile", "hours_back": rt.settings.SYNC_HOURS_BACK}
        with console.status("looking for events to sync"):
            found = engine.workflows.reconcile(params)
        events = _wait_all(found["workflow_ids"], timeout)
        events += [event_result(rt, e) for e in found["settled"]]
        outcome = summarise("bulk", events, found["queried"])
        console.print(results_table(outcome["events"], "reconcile"))
        console.print(summary_line(outcome))
        if not outcome["success"]:
            raise typer.Exit(1)
    finally:
        stop_engine(engine)
