"""Failed admin-token guesses are throttled per client, with back-off (issue 12, finding 6):
the throttle itself (a pinned clock), and `/login` and the admin API's Bearer check over HTTP,
each failure logged with the client address and counted in /metrics."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.web.dashboard.conftest import CSRF, Dashboard, build, serving
from tripleseat_revel.kit.throttle import FailureThrottle, ThrottlePolicy

# The client's address in a log line, console (`client=…`) or JSON (`"client": "…"`): the format is
# whichever an earlier test in the same process configured.
LOGGED_CLIENT = re.compile(r'client(=|": ")127\.0\.0\.1')
POLICY = ThrottlePolicy(max_failures=3, window_seconds=60, lockout_seconds=10, max_lockout_seconds=25)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_client_is_locked_out_after_too_many_failures_in_the_window() -> None:
    clock = Clock()
    throttle = FailureThrottle(POLICY, clock=clock)

    assert [throttle.failed("10.0.0.1") for _ in range(2)] == [1, 2]
    assert throttle.retry_after("10.0.0.1") is None
    throttle.failed("10.0.0.1")

    assert throttle.retry_after("10.0.0.1") == 10
    assert throttle.retry_after("10.0.0.2") is None  # another client is not affected
    clock.now += 10
    assert throttle.retry_after("10.0.0.1") is None


def test_failures_outside_the_window_do_not_count() -> None:
    clock = Clock()
    throttle = FailureThrottle(POLICY, clock=clock)
    throttle.failed("c")
    throttle.failed("c")
    clock.now += 61

    assert throttle.failed("c") == 1
    assert throttle.retry_after("c") is None


def test_each_further_lockout_doubles_up_to_the_cap() -> None:
    clock = Clock()
    throttle = FailureThrottle(POLICY, clock=clock)
    waits = []
    for _ in range(4):
        for _ in range(3):
            throttle.failed("c")
        wait = throttle.retry_after("c")
        assert wait is not None
        waits.append(wait)
        clock.now += wait

    assert waits == [10, 20, 25, 25]


def test_a_success_clears_the_client() -> None:
    clock = Clock()
    throttle = FailureThrottle(POLICY, clock=clock)
    throttle.failed("c")
    throttle.failed("c")
    throttle.succeeded("c")

    assert throttle.failed("c") == 1


# ---- over HTTP -------------------------------------------------------------------------------------

THROTTLED = {"AUTH_MAX_FAILURES": "3", "AUTH_FAILURE_WINDOW_SECONDS": "600", "AUTH_LOCKOUT_SECONDS": "120"}


@pytest.fixture
def dash(tmp_path: Path) -> Iterator[Dashboard]:
    rt = build(tmp_path, **THROTTLED)
    with serving(rt) as dashboard:
        yield dashboard
    rt.close()


def _failures(dash: Dashboard, via: str) -> float:
    text = dash.client.get("/metrics").text
    found = re.search(rf'^tsr_auth_failures_total{{via="{via}"}} ([0-9.e+]+)$', text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def _bad_login(dash: Dashboard) -> httpx.Response:
    form = {"token": "not-the-token", "name": "x", "next": "/", "csrf_token": dash.csrf()}
    return dash.client.post("/login", data=form)


def test_login_answers_429_with_retry_after_once_a_client_failed_too_often(
    dash: Dashboard, capfd: pytest.CaptureFixture[str]
) -> None:
    before = _failures(dash, "login")

    statuses = [_bad_login(dash).status_code for _ in range(3)]
    refused = _bad_login(dash)
    right = dash.login()  # even the right token waits: guessing must not go on

    assert statuses == [401, 401, 401]
    assert refused.status_code == 429 and 100 < int(refused.headers["retry-after"]) <= 120
    assert right.status_code == 429
    assert _failures(dash, "login") - before == 3
    logged = "".join(capfd.readouterr())
    assert logged.count("auth.failed") == 3 and LOGGED_CLIENT.search(logged)


def test_bearer_failures_are_throttled_and_a_session_page_too(
    dash: Dashboard, capfd: pytest.CaptureFixture[str]
) -> None:
    before = _failures(dash, "bearer")
    wrong = {"Authorization": "Bearer wrong-token"}

    statuses = [dash.client.get("/api/switches", headers=wrong).status_code for _ in range(3)]
    refused = dash.client.get("/api/switches", headers=wrong)

    assert statuses == [401, 401, 401]
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 100
    assert _failures(dash, "bearer") - before == 3
    assert _bad_login(dash).status_code == 429  # one budget per client, whichever door it tries
    assert LOGGED_CLIENT.search("".join(capfd.readouterr()))


def test_requests_without_credentials_are_not_counted_as_guesses(dash: Dashboard) -> None:
    for _ in range(5):
        assert dash.client.get("/api/switches").status_code == 401
        assert dash.client.get("/").status_code == 303  # to the login page

    assert dash.login().status_code == 303
    assert CSRF.search(dash.client.get("/").text) is not None  # logged in
