"""What `demo` prints, rendered as a 100-column terminal shows it: today's events and their orders
first with both totals whole, what needs attention, then one line per other outcome."""

from __future__ import annotations

from rich.console import Console

from tripleseat_revel.cli.demo_report import DemoRow, print_report

TODAY = {"2026-12-03"}


def row(event_id: int, outcome: str, state: str, **fields: object) -> DemoRow:
    base: dict[str, object] = {
        "name": "Harrison Retirement Toast and Dessert Reception",
        "date": "2026-12-03",
        "location": "Special Events (Catering)",
        "reason": "",
    }
    return DemoRow(event_id=event_id, outcome=outcome, state=state, **{**base, **fields})  # type: ignore[arg-type]


ROWS = [
    row(
        55521616,
        "INJECTED",
        "verified",
        order_id=10685027,
        tripleseat_total="25316.67",
        revel_total="25316.67",
    ),
    row(
        55521625,
        "DRIFT",
        "drift",
        date="2026-12-02",
        order_id=10685025,
        tripleseat_total="1586.58",
        revel_total="1586.58",
        reason="Revel order 10685025 (not made by this connector) differs from TripleSeat: " + "x" * 80,
    ),
    row(55521623, "FAILED_MISSING_DATA", "failed", reason="the event has no line items"),
    *[row(55530000 + i, "SKIPPED_STATUS", "skipped", date="2026-12-20") for i in range(62)],
    *[row(55531000 + i, "MISSED", "missed", date="2026-11-25") for i in range(15)],
    row(55521621, "SKIPPED_UNKNOWN_LOCATION", "skipped", location=""),
]


def rendered() -> list[str]:
    console = Console(width=100, record=True, color_system=None, file=open("/dev/null", "w"))  # noqa: SIM115
    print_report(console, ROWS, TODAY)
    return console.export_text().splitlines()


def test_everything_fits_100_columns() -> None:
    assert max(len(line) for line in rendered()) <= 100


def test_ids_and_totals_are_never_cut() -> None:
    text = "\n".join(rendered())
    for whole in ("55521616", "10685027", "25316.67", "55521625", "10685025", "FAILED_MISSING_DATA"):
        assert whole in text


def test_an_adopted_order_shows_both_totals_and_its_day() -> None:
    (line,) = [line for line in rendered() if line.startswith("55521625")]
    assert line.count("1586.58") == 2 and "None" not in line
    assert "(12-02)" in line and line.rstrip().endswith("✗")


def test_other_outcomes_are_one_line_each_with_a_count() -> None:
    lines = rendered()
    assert [line.split()[:2] for line in lines if "SKIPPED_STATUS" in line] == [["SKIPPED_STATUS", "62"]]
    assert [line.split()[:2] for line in lines if line.strip().startswith("MISSED")] == [["MISSED", "15"]]
    assert not any(line.startswith("5553") for line in lines)  # no row per skipped event


def test_what_needs_attention_is_listed_with_its_reason() -> None:
    lines = rendered()
    assert "  55521623 FAILED_MISSING_DATA: the event has no line items" in lines
