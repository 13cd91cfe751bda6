"""The scrubber's list of secrets does not grow with every OAuth refresh (issue 12 review): the
tokens TripleSeat issues live in a replaceable slot that keeps the current and the previous ones,
while configured secrets stay for good."""

from __future__ import annotations

import itertools

import httpx

from tripleseat_revel.integrations.tripleseat.client import MemoryTokenStore, OAuthClient, TripleSeatClient
from tripleseat_revel.logging import register_secrets, registered_secret_count, scrub_text

REFRESHES = 100


def _issuer() -> tuple[httpx.MockTransport, list[tuple[str, str]]]:
    issued: list[tuple[str, str]] = []
    serial = itertools.count()

    def answer(request: httpx.Request) -> httpx.Response:
        n = next(serial)
        access, refresh = f"access-token-{n:04d}-aaaaaaaa", f"refresh-token-{n:04d}-rrrrrrrr"
        issued.append((access, refresh))
        body = {"access_token": access, "refresh_token": refresh, "token_type": "Bearer", "expires_in": 7200}
        return httpx.Response(200, json=body)

    return httpx.MockTransport(answer), issued


def test_a_hundred_refreshes_keep_the_list_bounded_and_the_recent_tokens_scrubbed() -> None:
    register_secrets(["configured-client-secret-xyz"])
    transport, issued = _issuer()
    client = TripleSeatClient(
        "https://api.tripleseat.invalid",
        OAuthClient("id", "configured-client-secret-xyz", refresh_token="configured-refresh-xyz"),
        token_store=MemoryTokenStore("configured-refresh-xyz"),
        transport=transport,
    )
    client.access_token()
    before = registered_secret_count()
    for _ in range(REFRESHES):
        client.access_token(rejected=client.access_token())
    client.close()

    assert len(issued) == REFRESHES + 1
    assert registered_secret_count() <= before + 8  # not 400 more
    (previous_access, previous_refresh), (access, refresh) = issued[-2:]
    line = f"using {access} and {refresh}; before {previous_access} and {previous_refresh}"
    assert scrub_text(line) == "using [redacted] and [redacted]; before [redacted] and [redacted]"
    assert scrub_text("configured-client-secret-xyz") == "[redacted]"  # configured ones stay
