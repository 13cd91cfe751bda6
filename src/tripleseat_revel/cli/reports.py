"""`tripleseat-revel reconcile` (with a progress bar) and `tripleseat-revel digest`."""

from __future__ import annotations

import time
from datetime import date
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tripleseat_revel.cli import bootstrap
from tripleseat_revel.cli.render import console, results_table, summary_line
from tripleseat_revel.sync.runtime import Runtime


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


def _wait_all(workflow_ids: dict[str, str], timeout: float) -> list[dict[str, Any]]:
    from tripleseat_revel.sync import engine

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    results: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("syncing events", total=len(workflow_ids))
        for event_id, wid in workflow_ids.items():
            _state, output = engine.wait_for(wid, max(0.0, deadline - time.monotonic()))
            results.append(output if isinstance(output, dict) else {"id": int(event_id), "status": "pending"})
            progress.advance(task)
    return results


def reconcile(
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the syncs")] = 900,
) -> None:
    """Run the scheduled reconcile now (look-back, today's events, unfinished ones) and show each result."""
    from dbos import DBOS

    from tripleseat_revel.sync import bulk, engine, workflows
    from tripleseat_revel.sync.record import event_result

    rt = bootstrap.runtime(bootstrap.settings())
    engine.launch(rt, role="cli", schedules=False)
    try:
        params = {"source": "cli reconcile", "hours_back": rt.settings.SYNC_HOURS_BACK}
        with console.status("looking for events to sync"):
            found = DBOS.start_workflow(workflows.reconcile, params).get_result()
        events = _wait_all(found["workflow_ids"], timeout)
        events += [event_result(rt, e) for e in found["settled"]]
        outcome = bulk.summarise("bulk", events, found["queried"])
        console.print(results_table(outcome["events"], "reconcile"))
        console.print(summary_line(outcome))
        if not outcome["success"]:
            raise typer.Exit(1)
    finally:
        engine.shutdown()
