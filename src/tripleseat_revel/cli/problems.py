"""`tripleseat-revel problems`: open drifts, failures and missed events, and what to do with them."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tripleseat_revel.cli import bootstrap
from tripleseat_revel.cli.render import console, results_table, summary_line

app = typer.Typer(help="Open problems (drift, failures, missed events): list, re-sync, amend, acknowledge.")
EventId = Annotated[int, typer.Argument(help="TripleSeat event id")]


@app.callback(invoke_without_command=True)
def list_problems(ctx: typer.Context) -> None:
    """List the open problems with what differs (exit status 1 when there is any)."""
    if ctx.invoked_subcommand is not None:
        return
    from tripleseat_revel.sync.problems import open_problems

    rt = bootstrap.runtime(bootstrap.settings(), service=False)
    found = open_problems(rt)
    if not found:
        console.print("[green]nothing needs attention[/]")
        return
    table = Table(title=f"{len(found)} open problem(s)")
    for column in ("event", "date", "state", "outcome", "what differs", "can amend"):
        table.add_column(column, overflow="fold")
    for p in found:
        detail = "\n".join(p.changes) or (p.reason or "")
        table.add_row(
            f"{p.event_id} {p.name or ''}",
            p.date or "",
            p.state,
            p.outcome or "",
            detail,
            "yes" if p.amendable else "",
        )
    console.print(table)
    raise typer.Exit(1)


def _sync(event_id: int, *, amend: bool, who: str) -> None:
    from tripleseat_revel.runtime import start_engine, stop_engine
    from tripleseat_revel.sync.problems import problem_of
    from tripleseat_revel.sync.results import summarise
    from tripleseat_revel.worker.trigger import sync_and_wait

    rt = bootstrap.runtime(bootstrap.settings())
    if amend and not ((found := problem_of(rt, event_id)) and found.amendable):
        bootstrap.fail(f"event {event_id} has no drift on an existing order to amend", 1)
    engine = start_engine(rt, role="cli", schedules=False)
    try:
        with console.status(f"{'amending' if amend else 'syncing'} event {event_id}"):
            done = sync_and_wait(
                rt,
                event_id,
                source=f"{'amend' if amend else 'cli'}: {who}"[:40],
                timeout=600,
                ask="amend" if amend else "recheck",
            )
        if done.result is None:
            bootstrap.fail(f"the sync did not finish (workflow {done.request.workflow_id})", 1)
        outcome = summarise("single", [done.result])
        console.print(results_table(outcome["events"], "amend" if amend else "re-sync"))
        console.print(summary_line(outcome))
    finally:
        stop_engine(engine)


@app.command()
def resync(
    event_id: EventId, who: Annotated[str, typer.Option(help="Your name, for the audit trail")] = "cli"
) -> None:
    """Sync the event now."""
    _sync(event_id, amend=False, who=who)


@app.command()
def amend(
    event_id: EventId, who: Annotated[str, typer.Option(help="Your name, for the audit trail")] = "cli"
) -> None:
    """Make a drifted order follow its event now (what Revel cannot change stays a drift)."""
    _sync(event_id, amend=True, who=who)


@app.command("ack")
def acknowledge(
    event_id: EventId,
    note: Annotated[str, typer.Option(help="Why it is fine (kept in the audit trail)")] = "",
    who: Annotated[str, typer.Option(help="Your name, for the audit trail")] = "cli",
) -> None:
    """Resolve a problem by hand: it stays resolved until TripleSeat changes the event again."""
    from tripleseat_revel.sync.problems import acknowledge as resolve

    rt = bootstrap.runtime(bootstrap.settings(), service=False)
    resolved = resolve(rt, event_id, by=who, note=note)
    if resolved is None:
        bootstrap.fail(f"event {event_id} has no open problem", 1)
    console.print(f"event {event_id}: {resolved.outcome} acknowledged by {who}")
