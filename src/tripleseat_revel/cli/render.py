"""Rich renderings for the CLI (tables of plans, results and audit trails)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from tripleseat_revel.kit.money import TOTALS
from tripleseat_revel.sync.prepare import AnyPrepared, Problem

console = Console()
err = Console(stderr=True)

BUCKET_STYLE = {"injected": "green", "skipped": "yellow", "failed": "bold red", "pending": "dim"}


def plan_table(plan: dict[str, Any] | None) -> Table | None:
    """A plan snapshot (OrderPlan.to_json()) as a table of lines and totals."""
    if not plan:
        return None
    table = Table(title=f"Revel order {plan['local_id']} -> establishment {plan['establishment']}")
    for column in ("qty", "item", "Revel product", "unit price", "total", "note"):
        table.add_column(column, justify="right" if column in ("qty", "unit price", "total") else "left")
    for item in plan["items"]:
        table.add_row(
            str(item["quantity"]),
            item["name"],
            f"#{item['product_id']} ({item['matched_by']})",
            item["unit_price"],
            item["total"],
            item.get("note") or "",
        )
    totals = plan["totals"]
    for name, label in TOTALS:
        table.add_row("", f"[bold]{label}[/]", "", "", totals[name], "")
    return table


def results_table(events: list[dict[str, Any]], title: str) -> Table:
    table = Table(title=title)
    for column in ("event", "name", "date", "result", "outcome", "Revel order", "reason"):
        table.add_column(column, overflow="fold")
    for e in sorted(events, key=lambda e: (e.get("date") or "", e.get("id") or 0)):
        style = BUCKET_STYLE.get(e.get("status") or "", "")
        table.add_row(
            str(e.get("id")),
            e.get("name") or "",
            e.get("date") or "",
            f"[{style}]{e.get('status')}[/]" if style else str(e.get("status")),
            e.get("outcome") or "",
            str(e.get("revel_order_id") or ""),
            (e.get("error") or e.get("reason") or "")[:120],
        )
    return table


def summary_line(result: dict[str, Any]) -> str:
    s = result["summary"]
    mark = "[green]success[/]" if result["success"] else "[bold red]failures[/]"
    return (
        f"{mark}: queried {s['queried']}, injected {s['injected']}, skipped {s['skipped']}, "
        f"failed {s['failed']}"
    )


KIND_STYLE = {"sync.injected": "green", "sync.failed": "bold red", "sync.skipped": "yellow"}


def _kind(kind: str) -> str:
    style = KIND_STYLE.get(kind, "cyan" if kind.startswith("revel.") else "bold")
    return f"[{style}]{escape(kind)}[/]"


def _run_label(entries: list[dict[str, Any]]) -> str:
    first = entries[0]
    correlation = first.get("correlation_id") or "-"
    return (
        f"[bold]{first['at'][:19].replace('T', ' ')} UTC[/]  run {escape(first.get('workflow_id') or '-')}"
        f"  [dim]correlation {escape(correlation)}[/]"
    )


def audit_timeline(rows: list[dict[str, Any]], title: str) -> Tree:
    """The audit trail as a timeline: one branch per sync run, each step with its offset."""
    tree = Tree(f"[bold]{escape(title)}[/]")
    runs: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        runs.setdefault(row.get("workflow_id") or row["at"], []).append(row)
    for entries in runs.values():
        branch = tree.add(_run_label(entries))
        start = datetime.fromisoformat(entries[0]["at"])
        for row in entries:
            offset = (datetime.fromisoformat(row["at"]) - start).total_seconds()
            branch.add(f"[dim]+{offset:6.2f}s[/]  {_kind(row['kind'])}  {escape(row['message'])}")
    return tree


VERDICTS = {
    "inject": "would be injected now",
    "dry_run": "would be injected now",
    "unchanged": "already injected; the order matches",
    "drift": "changed since injection",
}


def render_preview(event_id: int, prepared: AnyPrepared) -> None:
    """`preview`: the event, the order it would become, and what a sync would do with it."""
    event = prepared.event
    console.print(
        f"[bold]Event {event_id}[/] {event.name if event and event.name else ''} "
        f"{event.date if event and event.date else ''} {event.status if event and event.status else ''} "
        f"@ {event.location if event and event.location else '?'}"
    )
    plan = getattr(prepared, "plan", None)
    table = plan_table(plan.to_json() if plan is not None else None)
    if table is not None:
        console.print(table)
    outcome, reason = getattr(prepared, "outcome", None), getattr(prepared, "reason", None)
    console.print(VERDICTS.get(prepared.kind, f"{outcome}: {reason}"))
    for change in getattr(prepared, "changes", None) or []:
        console.print(f"  - {change}")
    for item in prepared.unmapped if isinstance(prepared, Problem) else []:
        hints = ", ".join(f"{s.name} (#{s.product_id}, {s.score}%)" for s in item.suggestions)
        console.print(f"  unmapped: {item.name} (menu item {item.menu_item_id}): {hints or 'no suggestion'}")
