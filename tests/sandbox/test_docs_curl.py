"""docs/sandbox.md cannot rot: every ```bash block runs, in order, in one shell, against a served
sandbox built like `tripleseat-revel sandbox` builds it (only the ports differ). A `# → text`
line in a block means the block's output must contain `text`."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tripleseat_revel.sandbox.cli import build_world
from tripleseat_revel.sandbox.server import SandboxServer, serve_in_thread

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "sandbox.md"
README = ROOT / "README.md"
BLOCK = re.compile(r"^```bash\n(.*?)^```", re.S | re.M)
MARK = "@@block-{}@@"


def bash_blocks(doc: Path = DOC) -> list[str]:
    return BLOCK.findall(doc.read_text(encoding="utf-8"))


def expectations(block: str) -> list[str]:
    return [line.split("# →", 1)[1].strip() for line in block.splitlines() if "# →" in line]


@pytest.fixture
def default_sandbox() -> Iterator[SandboxServer]:
    world = build_world(webhook_target_url="http://127.0.0.1:8000/webhooks/tripleseat")
    server = serve_in_thread(world)
    try:
        yield server
    finally:
        server.stop()


def test_the_docs_show_curl_for_every_control_endpoint() -> None:
    text = "\n".join(bash_blocks())
    for path in (
        "/_sandbox/reset",
        "/_sandbox/stats",
        "/_sandbox/stats/reset",
        "/_sandbox/faults",
        "/_sandbox/limits",
        "/_sandbox/settings",
        "/_sandbox/clock",
        "/_sandbox/events",
        "/_sandbox/seed",
        "/_sandbox/webhooks/config",
        "/_sandbox/webhooks/fire",
        "/_sandbox/webhooks/wait",
        "/_sandbox/webhooks/inbox",
        "/_sandbox/orders",
        "/_sandbox/writes",
        "/_sandbox/info",
        "/_sandbox/oauth/refresh-token",
        "/oauth2/token",
        "/v1/events/search.json",
        "/v1/locations.json",
        "/v1/sites.json",
        "API-AUTHENTICATION",
        "/specialresources/cart/submit/",
    ):
        assert path in text, path


@pytest.mark.parametrize(("doc", "minimum"), [(DOC, 15), (README, 3)], ids=["docs-sandbox", "readme"])
def test_every_bash_block_runs_as_written(default_sandbox: SandboxServer, doc: Path, minimum: int) -> None:
    blocks = bash_blocks(doc)
    assert len(blocks) >= minimum
    script = "\n".join(f"echo '{MARK.format(n)}'\n{block}" for n, block in enumerate(blocks))
    script = script.replace("http://127.0.0.1:8101", default_sandbox.tripleseat_url)
    script = script.replace("http://127.0.0.1:8102", default_sandbox.revel_url)
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    outputs = re.split(r"@@block-\d+@@\n", done.stdout)[1:]
    assert len(outputs) == len(blocks)
    for block, output in zip(blocks, outputs, strict=True):
        for expected in expectations(block):
            assert expected in output, f"{expected!r} not in the output of:\n{block}\n---\n{output}"
