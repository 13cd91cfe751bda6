"""What `tripleseat-revel demo` shows, in 100 columns: today's events and the Revel orders made for
them first (both totals side by side), what needs attention, then one line per other outcome."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rich import box
from rich.console import Console
from rich.table import Table

from tripleseat_revel.cli.render import BUCKET_STYLE

WIDTH = 100
NAME = 19  # columns for an event's name (with the day, when it is not today)
# What each outcome left out of the table means, for a newcomer.
MEANING = {
    "SKIPPED_STATUS": "not in a status that is injected (inject_statuses: CLOSED)",
    "SKIPPED_TOO_EARLY": "due on a later day; the day-of sweep injects them then",
    "SKIPPED_UNKNOWN_LOCATION": "at a location the locations file leaves out",
    "SKIPPED_DISABLED": "the connector is switched off",
    "SKIPPED_DELETED": "deleted in TripleSeat",
    "MISSED": "eligible, but their day passed without an order (one alert each)",
    "WOULD_INJECT": "dry run: would be injected",
}


@dataclass(frozen=True)
class DemoRow:
    """One event the demo's connector saw, with the Revel order found for it (if any)."""

    event_id: int
    name: str
    date: str
    location: str
    outcome: str
    state: str
    reason: str
    order_id: int | None = None
    tripleseat_total: str | None = None  # the planned final total, from TripleSeat's document
    revel_total: str | None = None


def _check(row: DemoRow) -> str:
    if row.order_id is None:
        return ""
    if row.state == "verified" and row.tripleseat_total == row.revel_total:
        return "[green]✓[/]"
    return "[red]✗[/]" if row.state in ("drift", "failed") else "[yellow]?[/]"


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _name(row: DemoRow, today: set[str]) -> str:
    if row.date in today:
        return _fit(row.name, NAME)
    day = f" ({row.date[5:]})"  # an order found for another day, such as the replaced system's
    return _fit(row.name, NAME - len(day)) + day


def _shown(row: DemoRow, today: set[str]) -> bool:
    """In the table: every event with a Revel order, and today's events the connector acted on."""
    return row.order_id is not None or (row.date in today and not row.outcome.startswith("SKIPPED_"))


def orders_table(rows: list[DemoRow], today: set[str]) -> Table:
    orders = sum(1 for r in rows if r.order_id is not None)
    table = Table(
        title=f"Today's events and their Revel orders ({orders} orders)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        padding=(0, 1, 0, 0),
    )
    table.add_column("event", no_wrap=True)
    table.add_column("name", no_wrap=True, max_width=NAME, overflow="ellipsis")
    table.add_column("location", no_wrap=True, max_width=11, overflow="ellipsis")
    table.add_column("outcome", no_wrap=True)
    table.add_column("order", no_wrap=True)
    table.add_column("TripleSeat", justify="right", no_wrap=True)
    table.add_column("Revel", justify="right", no_wrap=True, min_width=9)  # up to 100000.00
    table.add_column("", no_wrap=True)
    for r in rows:
        if not _shown(r, today):
            continue
        style = BUCKET_STYLE.get("injected" if r.state == "verified" else r.state, "")
        table.add_row(
            str(r.event_id),
            _name(r, today),
            r.location,
            f"[{style}]{r.outcome}[/]" if style else r.outcome,
            str(r.order_id or "-"),
            r.tripleseat_total or "-",
            r.revel_total or "-",
            _check(r),
        )
    return table


def attention_lines(rows: list[DemoRow], today: set[str]) -> list[str]:
    """One line per shown event that failed or differs, with its reason (what to look at)."""
    lines = []
    for r in rows:
        if _shown(r, today) and r.state in ("failed", "drift"):
            text = f"  {r.event_id} {r.outcome}: {r.reason}"
            lines.append(_fit(text, WIDTH))
    return lines


def count_lines(rows: list[DemoRow], today: set[str]) -> list[str]:
    """One line per outcome of the events left out of the table, with its count."""
    counts = Counter(r.outcome for r in rows if not _shown(r, today))
    width = max((len(outcome) for outcome in counts), default=0)
    return [
        f"  {outcome:<{width}} {count:>4}  {MEANING.get(outcome, '')}".rstrip()
        for outcome, count in counts.most_common()
    ]


def print_report(console: Console, rows: list[DemoRow], today: set[str]) -> None:
    console.print(orders_table(rows, today))
    attention = attention_lines(rows, today)
    if attention:
        console.print("Needs attention (the dashboard's Problems page; `tripleseat-revel problems`):")
        for line in attention:
            console.print(line, markup=False, highlight=False)
    console.print(f"Every other event ({sum(1 for r in rows if not _shown(r, today))}), by outcome:")
    for line in count_lines(rows, today):
        console.print(line, markup=False, highlight=False)
