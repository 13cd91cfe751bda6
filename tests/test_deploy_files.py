"""The deployment files stay in step with the code: every setting listed, every command real."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.fixtures.harness import run_cli
from tripleseat_revel.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_env_example_lists_every_setting() -> None:
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert listed == set(Settings.model_fields)


def test_env_example_loads_as_valid_settings(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text((ROOT / ".env.example").read_text())
    settings = Settings(_env_file=env)
    assert settings.SYNC_INTERVAL_MINUTES == 45 and settings.DATABASE_URL.startswith("sqlite")


def _commands() -> list[list[str]]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    commands = [s["command"] for s in compose["services"].values() if "command" in s]
    render = yaml.safe_load((ROOT / "render.yaml").read_text())
    commands += [s["dockerCommand"].split() for s in render["services"] if "dockerCommand" in s]
    commands += [s["preDeployCommand"].split() for s in render["services"] if "preDeployCommand" in s]
    docker_cmd = re.search(r"^CMD \[(.*)\]$", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert docker_cmd is not None
    commands.append([part.strip().strip('"') for part in docker_cmd.group(1).split(",")])
    return [c for c in commands if c[0] == "tripleseat-revel"]


@pytest.mark.parametrize("command", _commands(), ids=lambda c: " ".join(c[1:3]))
def test_deploy_commands_exist(command: list[str]) -> None:
    words = [w for w in command[1:] if not w.startswith("-")][:2]
    result = run_cli(*words, "--help")
    assert result.returncode == 0, result.stderr
