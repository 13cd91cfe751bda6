"""Small HTTP pieces both simulators share."""

from __future__ import annotations

from starlette.responses import Response


class Denied(Exception):
    """Raised by an auth check (a route dependency); the app's handler answers with `response`."""

    def __init__(self, response: Response) -> None:
        super().__init__("denied")
        self.response = response
