"""What a benchmark returns, and how it is printed: figures (ours, the baseline's, the ratio, the
target) and the correctness checks that must hold for the figures to mean anything."""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field
from typing import Any, Literal


@dataclass
class Figure:
    name: str
    ours: float | None
    baseline: float | None = None
    unit: str = ""
    better: Literal["higher", "lower"] = "higher"
    target: str | None = None
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """How many times better ours is than the baseline (> 1: better)."""
        if self.ours is None or self.baseline is None:
            return None
        if self.better == "higher":
            return self.ours / self.baseline if self.baseline else math.inf
        return self.baseline / self.ours if self.ours else math.inf


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass
class Result:
    bench: str
    title: str
    size: dict[str, Any]
    figures: list[Figure] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    setup: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    load: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def figure(self, name: str) -> Figure:
        return next(f for f in self.figures if f.name == name)

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append(Check(name, bool(ok), detail))
        return bool(ok)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for fig, raw in zip(self.figures, data["figures"], strict=True):
            raw["ratio"] = fig.ratio
        data["ok"] = self.ok
        return data


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if math.isinf(value):
        return "∞"
    if value == 0:
        text = "0"
    elif abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) >= 0.01 else f"{value:.3g}"
    return f"{text} {unit}".strip()


def _ratio(fig: Figure) -> str:
    ratio = fig.ratio
    if ratio is None:
        return "-"
    if math.isinf(ratio):
        return "∞"
    return f"{ratio:,.0f}×" if ratio >= 100 else f"{ratio:.1f}×"


def render(result: Result) -> str:
    lines = [f"== {result.title} ({result.bench}) ==", "size: " + json.dumps(result.size)]
    if result.setup:
        lines.append("setup: " + "; ".join(f"{k}: {v}" for k, v in result.setup.items()))
    rows = [("figure", "ours", "baseline", "ratio", "target", "met")]
    for fig in result.figures:
        met = "-" if fig.met is None else ("met" if fig.met else "MISSED")
        rows.append(
            (
                fig.name,
                _num(fig.ours, fig.unit),
                _num(fig.baseline, fig.unit),
                _ratio(fig),
                fig.target or "-",
                met,
            )
        )
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        lines.append(
            "  " + "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
        )
        if index == 0:
            lines.append("  " + "  ".join("-" * width for width in widths))
    for fig in result.figures:
        if fig.note:
            lines.append(f"  * {fig.name}: {fig.note}")
    lines.append("checks:")
    for check in result.checks:
        lines.append(
            f"  [{'ok' if check.ok else 'FAILED'}] {check.name}"
            + (f": {check.detail}" if check.detail else "")
        )
    for note in result.notes:
        lines.append(f"  note: {note}")
    lines.append(f"took {result.seconds:.0f} s; load average before/after: {result.load}")
    return "\n".join(lines)
