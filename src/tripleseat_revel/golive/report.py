"""A doctor's report: one row per thing checked, with its status and, for a failure, the fix."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["ok", "fail", "warn"]
MARK: dict[Status, str] = {"ok": "✓", "fail": "✗", "warn": "!"}


@dataclass(frozen=True)
class Check:
    """One thing checked. `fix`: what to do, in one line (always given for a failure)."""

    area: str
    name: str
    status: Status
    detail: str = ""
    fix: str = ""

    @property
    def mark(self) -> str:
        return MARK[self.status]


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not any(c.status == "fail" for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.status == "fail"]

    def add(self, *checks: Check) -> None:
        self.checks.extend(checks)

    def to_json(self) -> dict[str, Any]:
        counts = {s: sum(1 for c in self.checks if c.status == s) for s in ("ok", "warn", "fail")}
        return {
            "ok": self.ok,
            "counts": counts,
            "seconds": round(self.seconds, 3),
            "checks": [asdict(c) for c in self.checks],
        }


def ok(area: str, name: str, detail: str = "") -> Check:
    return Check(area, name, "ok", detail)


def fail(area: str, name: str, detail: str, fix: str) -> Check:
    return Check(area, name, "fail", detail, fix)


def warn(area: str, name: str, detail: str, fix: str = "") -> Check:
    return Check(area, name, "warn", detail, fix)
