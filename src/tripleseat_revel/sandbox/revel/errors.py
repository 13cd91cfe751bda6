"""Revel's (Tastypie's) error answers, raised by the state and rendered by the routes."""

from __future__ import annotations

from typing import Any


class RevelError(Exception):
    """An API error: HTTP status plus a JSON body (`{"error_message": ...}` unless given)."""

    def __init__(self, status: int, message: str, body: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body if body is not None else {"error_message": message}


def bad_request(message: str) -> RevelError:
    return RevelError(400, message)


def not_found(path: str) -> RevelError:
    return RevelError(404, f"No object found at {path}")
