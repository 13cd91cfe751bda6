"""Property-based API testing from the published OpenAPI: no 5xx, responses conform to the schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Err

from tests.conftest import FAST
from tests.fixtures.harness import ADMIN_TOKEN, Connector, running_connector
from tripleseat_revel.sandbox.faults import RateLimitSettings
from tripleseat_revel.sandbox.server import serve_in_thread
from tripleseat_revel.sandbox.world import SandboxWorld

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
EXAMPLES = 25


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connector]:
    # An empty world keeps generated bulk syncs cheap; the point here is the HTTP contract.
    world = SandboxWorld(empty=True, tripleseat_rate_limit=RateLimitSettings(limit=500, window_seconds=1))
    sandbox = serve_in_thread(world)
    workdir: Path = tmp_path_factory.mktemp("openapi")
    try:
        with running_connector(sandbox, workdir, SYNC_WAIT_SECONDS="1", **FAST) as connector:
            yield connector
    finally:
        sandbox.stop()


def test_the_schema_has_unique_operation_ids(served: Connector) -> None:
    spec = served.http.get("/openapi.json").json()
    ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert {"/webhooks/tripleseat", "/api/sync/tripleseat", "/api/events/{event_id}", "/healthz"} <= set(
        spec["paths"]
    )


def test_every_operation_conforms_to_its_schema_and_never_answers_5xx(served: Connector) -> None:
    schema = schemathesis.openapi.from_url(f"{served.web.url}/openapi.json")
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()  # an operation schemathesis cannot read fails the test with its reason
        operations.append(result.ok())
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case: Any) -> None:
            case.call_and_validate(base_url=served.web.url, headers=headers)

        check()
