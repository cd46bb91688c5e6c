"""The Dockerfile and compose.yaml: no Docker engine runs here, so their rules are read,
and the image's own commands (entrypoint, healthcheck) are run on this machine."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from dockerfile_parse import DockerfileParser

from service.config import PROJECT_ROOT, Config
from tests.conftest import database_url
from tests.test_server import Running

PINNED = re.compile(r"^[\w./-]+:(?P<tag>[\w.-]+)@sha256:[0-9a-f]{64}$")


@pytest.fixture(scope="module")
def dockerfile() -> DockerfileParser:
    return DockerfileParser(path=str(PROJECT_ROOT / "Dockerfile"))


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text())
    return document


def final_stage(dockerfile: DockerfileParser) -> list[dict[str, Any]]:
    structure = dockerfile.structure
    last_from = max(i for i, step in enumerate(structure) if step["instruction"] == "FROM")
    return list(structure[last_from:])


def instruction(stage: list[dict[str, Any]], name: str) -> list[str]:
    return [str(step["value"]) for step in stage if step["instruction"] == name]


def test_the_image_builds_in_stages_from_bases_pinned_by_tag_and_digest(
    dockerfile: DockerfileParser,
) -> None:
    assert dockerfile.is_multistage
    froms = instruction(dockerfile.structure, "FROM")
    assert len(froms) >= 2
    for image in dockerfile.parent_images:
        found = PINNED.match(image)
        assert found, f"{image} is not pinned by tag and digest"
        assert found["tag"] != "latest" and re.match(r"\d+\.\d+\.\d+-slim", found["tag"]), image
    stage = final_stage(dockerfile)
    assert any("--from=build" in copy for copy in instruction(stage, "COPY"))
    assert not any("g++" in run for run in instruction(stage, "RUN")), "no compiler at run time"


def test_the_image_runs_as_a_user_other_than_root(dockerfile: DockerfileParser) -> None:
    users = instruction(final_stage(dockerfile), "USER")
    assert users, "the final stage sets no USER: it would run as root"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_the_image_checks_its_health_on_healthz(dockerfile: DockerfileParser) -> None:
    checks = instruction(final_stage(dockerfile), "HEALTHCHECK")
    assert len(checks) == 1
    assert "/healthz" in checks[0] and "--interval=" in checks[0]


def test_the_image_migrates_then_seeds_on_request_then_serves(
    dockerfile: DockerfileParser,
) -> None:
    command = image_command(dockerfile)
    migrate, seed, serve = (
        command.index("python -m service migrate"),
        command.index("python -m service seed --on-start"),
        command.index("exec python -m service serve"),
    )
    assert migrate < seed < serve
    assert "&&" in command[migrate:serve], "serve must not start when migrations fail"


def image_command(dockerfile: DockerfileParser) -> str:
    cmd = json.loads(instruction(final_stage(dockerfile), "CMD")[-1])
    assert cmd[:2] == ["sh", "-c"]
    return str(cmd[2])


def test_the_build_context_leaves_out_local_state() -> None:
    ignored = (PROJECT_ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "instance", "tests"} <= set(ignored)


def test_compose_runs_the_api_with_postgresql_and_redis_all_health_checked(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert {"api", "postgres", "redis"} <= set(services)
    for name in ("api", "postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name
    for name in ("postgres", "redis"):
        found = PINNED.match(services[name]["image"])
        assert found and found["tag"] != "latest", services[name]["image"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "/readyz" in " ".join(services["api"]["healthcheck"]["test"])


def test_compose_starts_the_api_after_healthy_dependencies_and_migrations(
    compose: dict[str, Any],
) -> None:
    api = compose["services"]["api"]
    depends = api["depends_on"]
    assert depends["postgres"]["condition"] == "service_healthy"
    assert depends["redis"]["condition"] == "service_healthy"
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert "migrate" in " ".join(compose["services"]["migrate"]["command"])
    assert api["deploy"]["replicas"] >= 2
    assert re.search(r"8000-\d+:8000", api["ports"][0]), "each replica needs its own host port"
    grace = int(api["stop_grace_period"].removesuffix("s"))
    assert grace > int(api["environment"]["GRACEFUL_TIMEOUT"])


@pytest.mark.parametrize("service", ["api", "migrate"])
def test_compose_settings_are_valid_settings_of_the_service(
    compose: dict[str, Any], service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = dict(compose["services"][service]["environment"])
    environment["DATABASE_URL"] = environment["DATABASE_URL"].replace(
        "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}", "a-password"
    )
    environment["METRICS_TOKEN"] = ""  # unset: compose gives it only when the user does
    for name, value in environment.items():
        monkeypatch.setenv(name, str(value))
    config = Config.from_env()  # raises ConfigError on a bad value
    assert config.database_url.startswith("postgresql+psycopg://")


def test_the_image_command_and_healthcheck_work_outside_a_container(
    dockerfile: DockerfileParser, backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """The CMD migrates, seeds an empty register and serves; the HEALTHCHECK passes on it."""
    url = database_url(backend, request, tmp_path)
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    env = {"DATABASE_URL": url, "SEED_ON_START": "1", "WORKERS": "1", "PATH": path}
    logs = tmp_path / "logs"
    logs.mkdir()
    server = Running(["sh", "-c", image_command(dockerfile)], env, logs)
    try:
        status, body = server.get("/v1/measures?limit=1")
        assert status == 200 and json.loads(body)["items"], body
        check = instruction(final_stage(dockerfile), "HEALTHCHECK")[0].split(" CMD ", 1)[1]
        healthy = subprocess.run(
            ["sh", "-c", check], env={**os.environ, **env, "PORT": str(server.port)}, timeout=10
        )
        assert healthy.returncode == 0
    finally:
        assert server.stop() == 0, server.stderr_path.read_text()
    unhealthy = subprocess.run(
        ["sh", "-c", check],
        env={**os.environ, **env, "PORT": str(server.port)},
        capture_output=True,
        timeout=10,
    )
    assert unhealthy.returncode != 0


def test_compose_has_no_default_password() -> None:
    """Compose stops with a message unless the user sets the database password."""
    text = (PROJECT_ROOT / "compose.yaml").read_text(encoding="utf-8")
    uses = re.findall(r"\$\{POSTGRES_PASSWORD([^}]*)\}", text)
    assert len(uses) == 2, uses  # the server's password and the service's URL
    assert all(use.startswith(":?") for use in uses), uses
    assert "PASSWORD:-" not in text and "PASSWORD=" not in text
