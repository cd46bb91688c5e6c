"""The entry point a user and the Dockerfile call: migrate, seed, serve."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import database_url
from tests.servers import Running, service


def test_migrate_seed_and_serve_from_the_command_line(fresh_url: str, tmp_path: Path) -> None:
    migrated = service(fresh_url, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    seeded = service(fresh_url, "seed")
    assert seeded.returncode == 0, seeded.stderr
    assert "measures" in seeded.stdout and " created" in seeded.stdout
    again = service(fresh_url, "seed")
    assert again.returncode == 0, again.stderr
    assert all(" 0 created    0 updated" in line for line in again.stdout.splitlines()), (
        again.stdout
    )

    logs = tmp_path / "server"
    logs.mkdir()
    server = Running(
        ["-m", "service", "serve", "--workers", "1"], {"DATABASE_URL": fresh_url}, logs
    )
    try:
        status, headers, body = server.request("GET", "/v1/measures?limit=1")
        assert status == 200, body
        assert len(json.loads(body)["items"]) == 1
        assert "gunicorn" in headers.get("Server", "").lower()
    finally:
        assert server.stop() == 0, server.stderr_path.read_text()


def test_seed_reports_a_bad_seed_and_exits_non_zero(fresh_url: str, tmp_path: Path) -> None:
    assert service(fresh_url, "migrate").returncode == 0
    broken = tmp_path / "seeds"
    broken.mkdir()
    (broken / "countries.yaml").write_text("XX: [Nowhere]\n")
    result = service(fresh_url, "seed", "--dir", str(broken))
    assert result.returncode == 1
    assert "countries.yaml, record 'XX': not an ISO 3166-1 alpha-2 code" in result.stderr


def test_a_command_on_an_unmigrated_database_says_so_in_one_line(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    done = service(database_url(backend, request, tmp_path), "keys", "list", timeout=60)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("database error: "), done.stderr
    assert "api_keys" in done.stderr and "python -m service migrate" in done.stderr
    assert "Traceback" not in done.stderr
