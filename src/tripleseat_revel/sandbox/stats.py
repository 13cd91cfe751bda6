"""Request counting per vendor: by (method, route template, status), plus rate-limit and fault
tallies."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

FAULT_KINDS = ("latency", "error", "rate_429", "timeout", "lost_response")


def clean_template(path: str) -> str:
    """'/v1/events/{event_id:int}.json' -> '/v1/events/{event_id}.json' (drop path convertors)."""
    return re.sub(r":\w+}", "}", path)


class VendorStats:
    """Counts every request a vendor's API answered (control routes under /_sandbox are not
    counted)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.routes: Counter[tuple[str, str, int]] = Counter()
        self.rate_limited = 0
        self.faults: Counter[str] = Counter()
        self.lost_responses: list[dict[str, Any]] = []

    def record(self, method: str, route: str, status: int) -> None:
        self.routes[(method, route, status)] += 1

    def count(self, method: str | None = None, route: str | None = None, status: int | None = None) -> int:
        """How many requests match the given method / route template / status (None: any)."""
        return sum(
            n
            for (m, r, s), n in self.routes.items()
            if (method is None or m == method)
            and (route is None or r == route)
            and (status is None or s == status)
        )

    def snapshot(self) -> dict[str, Any]:
        by_status: Counter[str] = Counter()
        for (_, _, status), n in self.routes.items():
            by_status[str(status)] += n
        return {
            "total": sum(self.routes.values()),
            "rate_limited": self.rate_limited,
            "faults": {kind: self.faults.get(kind, 0) for kind in FAULT_KINDS},
            "by_status": dict(sorted(by_status.items())),
            "routes": [
                {"method": m, "route": r, "status": s, "count": n}
                for (m, r, s), n in sorted(self.routes.items())
            ],
            "lost_responses": list(self.lost_responses),
        }
