"""The end-to-end tests' connectors (amending, refunding) for the probe's tests."""

from tests.e2e.conftest import amending, refunding

__all__ = ["amending", "refunding"]
