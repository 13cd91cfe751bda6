"""structlog set-up, done once: console in development, JSON when LOG_FORMAT=json.

A correlation id travels in a contextvar from the webhook (or CLI/API call) through the sync
workflow to every vendor call. A scrubber removes configured secret values and secret-looking
keys from every event, so no token or key reaches a log line.
"""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import Any

import structlog

SECRET_KEYS = ("authorization", "token", "secret", "password", "api_key", "signature", "cookie")
_secret_values: list[str] = []
_configured = False


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        for secret in _secret_values:
            if secret in value:
                value = value.replace(secret, "[redacted]")
        return value
    if isinstance(value, Mapping):
        return {k: ("[redacted]" if _is_secret_key(k) else _scrub_value(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_value(v) for v in value]
    return value


def _is_secret_key(key: object) -> bool:
    name = str(key).lower()
    return any(marker in name for marker in SECRET_KEYS) and not name.endswith(("_id", "_count"))


def scrub_secrets(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: redact secret values and secret-looking keys."""
    for key in list(event_dict):
        if key == "event":
            event_dict[key] = _scrub_value(event_dict[key])
        elif _is_secret_key(key):
            event_dict[key] = "[redacted]"
        else:
            event_dict[key] = _scrub_value(event_dict[key])
    return event_dict


def register_secrets(values: list[str]) -> None:
    """Add values (tokens fetched at run time, configured keys) that must never be logged."""
    for value in values:
        if value and len(value) >= 4 and value not in _secret_values:
            _secret_values.append(value)
    _secret_values.sort(key=len, reverse=True)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is now (test runners and daemons replace it)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def _stderr_logger(*_args: Any) -> structlog.PrintLogger:
    return structlog.PrintLogger(file=sys.stderr)


def configure_logging(*, fmt: str = "console", level: str = "INFO", secrets: list[str] | None = None) -> None:
    """Configure structlog and the stdlib root logger once per process."""
    global _configured
    register_secrets(list(secrets or []))
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        scrub_secrets,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(getattr(logging, level)),
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=False,
    )
    handler = _StderrHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
            foreign_pre_chain=shared,
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.WARNING)
    for noisy in ("httpx", "httpcore", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    _configured = True


def new_correlation_id() -> str:
    return uuid.uuid4().hex[:12]


def current_correlation_id() -> str | None:
    value = structlog.contextvars.get_contextvars().get("correlation_id")
    return str(value) if value else None


@contextmanager
def correlation(correlation_id: str | None = None, **extra: Any) -> Iterator[str]:
    """Bind a correlation id (new unless given) and extra keys for the duration of a block."""
    cid = correlation_id or current_correlation_id() or new_correlation_id()
    with structlog.contextvars.bound_contextvars(correlation_id=cid, **extra):
        yield cid


def get_logger(name: str | None = None) -> Any:
    return structlog.get_logger(name)
