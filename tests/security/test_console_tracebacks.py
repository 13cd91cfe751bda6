"""Console log mode (LOG_FORMAT=console) prints tracebacks without local variables: a rich
traceback with locals truncates long values, so a long token came out in part, where the
whole-string scrubber could not see it (issue 12 review)."""

from __future__ import annotations

import logging
import secrets

import pytest
import structlog

from tripleseat_revel.logging import configure_logging


def _fragments(secret: str, size: int = 12) -> set[str]:
    return {secret[i : i + size] for i in range(len(secret) - size + 1)}


def _raise_holding(token: str) -> None:
    refresh_token = token  # a local variable of the raising frame
    raise RuntimeError(f"the token endpoint refused a token of {len(refresh_token)} characters")


@pytest.mark.parametrize("via", ["stdlib", "structlog"])
def test_a_long_secret_in_a_local_variable_is_not_printed_even_in_part(
    capfd: pytest.CaptureFixture[str], via: str
) -> None:
    secret = secrets.token_urlsafe(96)  # 128 characters
    configure_logging(fmt="console", level="INFO", secrets=[secret])
    try:
        _raise_holding(secret)
    except RuntimeError:
        if via == "stdlib":
            logging.getLogger("tripleseat_revel.test").error("refresh failed", exc_info=True)
        else:
            structlog.get_logger("test").exception("refresh failed")

    logged = "".join(capfd.readouterr())
    assert "refresh failed" in logged and "the token endpoint refused" in logged  # the traceback is there
    assert [f for f in _fragments(secret) if f in logged] == []
