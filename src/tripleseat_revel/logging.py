"""structlog set-up, done once: console in development, JSON when LOG_FORMAT=json.

A correlation id travels in a contextvar from the webhook (or CLI/API call) through the sync
workflow to every vendor call.

One pipeline for every log line: structlog's own events and every stdlib logger (SQLAlchemy, DBOS,
httpx, uvicorn's "Exception in ASGI application" included) render through the same renderer, and
the scrubber runs on the FINAL rendered text, tracebacks included: a known secret (configured
values, OAuth tokens as they are fetched) never reaches a log line. Secret-looking keys are
redacted before rendering too. `scrub_text` is the same scrubber for error text that is stored,
shown on a page or emailed.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import uuid
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import Any

import structlog

SECRET_KEYS = ("authorization", "token", "secret", "password", "api_key", "signature", "cookie")
SLOT_SIZE = 4  # values kept per slot: e.g. the current and the previous access and refresh token
_fixed: list[str] = []  # configured secrets: kept for the life of the process
_slots: dict[str, list[str]] = {}  # secrets that get replaced (OAuth tokens), most recent first
_secret_values: list[str] = []  # what the scrubber looks for: both, longest first
_registry_lock = threading.Lock()
_configured = False


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
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


def _forms(value: str) -> list[str]:
    """`value` as written, and as it reads inside a JSON log line (quotes, backslashes escaped)."""
    return list(dict.fromkeys([value, json.dumps(value)[1:-1]]))


def _publish() -> None:
    global _secret_values
    known = dict.fromkeys(_fixed)
    for values in _slots.values():
        known.update(dict.fromkeys(form for value in values for form in _forms(value)))
    _secret_values = sorted(known, key=len, reverse=True)  # one swap: readers see old or new


def register_secrets(values: list[str], *, slot: str | None = None) -> None:
    """Values that must never be logged. Without `slot`: kept for good (configured secrets). In a
    named `slot` (tokens that are replaced, e.g. "tripleseat-oauth"): only the SLOT_SIZE most
    recently registered values are kept, so the list does not grow with every refresh."""
    wanted = [value for value in values if value and len(value) >= 4]
    with _registry_lock:
        if slot is None:
            _fixed.extend(form for value in wanted for form in _forms(value) if form not in _fixed)
        else:
            recent = _slots.get(slot, [])
            fresh = list(dict.fromkeys(wanted))
            _slots[slot] = (fresh + [v for v in recent if v not in fresh])[:SLOT_SIZE]
        _publish()


def registered_secret_count() -> int:
    """How many strings the scrubber looks for (each secret as written and JSON-escaped)."""
    return len(_secret_values)


def scrub_text(text: str) -> str:
    """`text` with every known secret replaced by [redacted] (for logs, stored or shown errors)."""
    for secret in _secret_values:
        if secret in text:
            text = text.replace(secret, "[redacted]")
    return text


def scrub_data(value: Any) -> Any:
    """`value` (JSON-like: dicts, lists, strings) with every known secret in its strings redacted."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, Mapping):
        return {k: scrub_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_data(v) for v in value]
    return value


def safe_error(exc: BaseException) -> str:
    """An exception's text, fit to store, show or email: no known secret in it."""
    return scrub_text(str(exc))


class _Scrubbed:
    """The last step of every log line: render, then scrub the rendered text."""

    def __init__(self, renderer: Any) -> None:
        self.renderer = renderer

    def __call__(self, logger: Any, method: str, event_dict: MutableMapping[str, Any]) -> str:
        return scrub_text(str(self.renderer(logger, method, event_dict)))


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is now (test runners and daemons replace it); what it writes
    is scrubbed as written (a formatter appending a traceback cannot slip one past)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass

    def format(self, record: logging.LogRecord) -> str:
        return scrub_text(super().format(record))


UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")


def adopt_uvicorn_logs() -> None:
    """uvicorn's loggers write through the root handler (this pipeline), not handlers of their own.

    Call after building a `uvicorn.Config` (with `log_config=None`): a Config built with uvicorn's
    default config installs its own plain, unscrubbed handlers."""
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True


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
    json_lines = fmt == "json"
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json_lines
        # Plain tracebacks: rich's show local variables, cut long values short and wrap long
        # lines, so part of a secret could be printed where the whole-string scrubber misses it.
        else structlog.dev.ConsoleRenderer(
            colors=sys.stderr.isatty(), exception_formatter=structlog.dev.plain_traceback
        )
    )
    # JSON needs the traceback as text; the console renderer formats exc_info itself.
    exc = [structlog.processors.format_exc_info] if json_lines else []
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, _Scrubbed(renderer)],
        wrapper_class=structlog.make_filtering_bound_logger(getattr(logging, level)),
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=False,
    )
    _configure_stdlib(shared, [*exc, _Scrubbed(renderer)])
    _configured = True


def _configure_stdlib(shared: list[Any], render: list[Any]) -> None:
    """Every stdlib logger (libraries, uvicorn) through one root handler and the same renderer."""
    handler = _StderrHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *render],
            foreign_pre_chain=shared,
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.WARNING)
    for noisy in ("httpx", "httpcore", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    adopt_uvicorn_logs()


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
