"""The production server, run for real: graceful shutdown, metrics across workers, logs."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from service.config import PROJECT_ROOT
from tests.conftest import database_url
from tests.servers import Running


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[list[Running]]:
    started: list[Running] = []
    yield started
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()


def test_sigterm_lets_the_request_in_flight_finish_then_exits_0(
    seeded_url: str, servers: list[Running], tmp_path: Path
) -> None:
    # tests/slow_server.py is the production Server with /v1/export held back for 3 s after
    # its first chunk: a request is certainly mid-response when SIGTERM arrives.
    env = {"DATABASE_URL": seeded_url, "WORKERS": "1", "SLOW_SECONDS": "3"}
    server = Running(["-m", "tests.slow_server"], env, tmp_path)
    servers.append(server)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.request("GET", "/v1/export", headers={"X-Request-ID": "in-flight"})
    response = connection.getresponse()  # headers and the first chunk have been sent
    assert response.status == 200
    sent_term = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    time.sleep(1)
    assert server.process.poll() is None, "the server left before the request was answered"

    body = response.read().decode()
    connection.close()
    returncode = server.process.wait(timeout=30)
    assert returncode == 0, server.stderr_path.read_text()
    assert time.monotonic() - sent_term >= 1.5
    lines = [json.loads(line) for line in body.splitlines()]
    assert lines[-1]["meta"]["counts"]["measures"] == len(
        [line for line in lines if line.get("collection") == "measures"]
    )  # the closing line: the download is complete
    logged = [line for line in server.log_lines() if line.get("request_id") == "in-flight"]
    assert len(logged) == 1 and logged[0]["status"] == 200
    assert logged[0]["duration_ms"] >= 3000


def test_metrics_count_every_workers_requests(
    seeded_url: str, servers: list[Running], tmp_path: Path
) -> None:
    env = {"DATABASE_URL": seeded_url, "WORKERS": "1", "THREADS": "2"}
    server = Running(["-m", "service", "serve"], env, tmp_path)
    servers.append(server)
    for _ in range(5):
        assert server.get("/v1/vocabularies")[0] == 200
    first_worker = {line["pid"] for line in server.log_lines()}
    assert len(first_worker) == 1
    os.kill(first_worker.pop(), signal.SIGTERM)  # gunicorn starts another worker
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        time.sleep(0.2)
        try:
            status, body = server.get("/metrics")
        except OSError:
            continue
        pids = {line["pid"] for line in server.log_lines()}
        if status == 200 and len(pids) == 2:
            break
    else:
        raise AssertionError(f"no second worker: {server.stderr_path.read_text()}")

    samples = {
        (found.name, found.labels.get("route"), found.labels.get("status")): found.value
        for family in text_string_to_metric_families(body.decode())
        for found in family.samples
    }
    # Counted by the worker that is gone, reported by the one that answered.
    assert samples[("register_http_requests_total", "/v1/vocabularies", "200")] == 5
    # Live gauges only count live workers: one pool of SQLAlchemy's default size 5.
    assert samples[("register_db_pool_size", None, None)] == 5
    assert server.stop() == 0


def test_the_server_logs_one_json_line_per_request_on_stdout(
    seeded_url: str, servers: list[Running], tmp_path: Path
) -> None:
    env = {"DATABASE_URL": seeded_url, "WORKERS": "1"}
    server = Running(["-m", "service", "serve"], env, tmp_path)
    servers.append(server)
    assert server.get("/v1/measures?limit=1")[0] == 200
    assert server.get("/v1/measures/no-such-measure")[0] == 404
    assert server.stop() == 0
    lines = [line for line in server.log_lines() if line["logger"] == "service.access"]
    assert [(line["route"], line["status"]) for line in lines[-2:]] == [
        ("/v1/measures", 200),
        ("/v1/measures/<string:measure_id>", 404),
    ]
    assert {"method", "path", "duration_ms", "request_id", "remote_addr", "time"} <= set(lines[-1])
    stderr = server.stderr_path.read_text().splitlines()
    assert stderr and all(json.loads(line)["logger"].startswith("gunicorn") for line in stderr)
    assert not any('"GET /v1/measures' in line for line in stderr)  # no gunicorn access log


def _command(url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": url, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_entrypoint_seeds_only_when_asked_and_only_an_empty_register(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = database_url(backend, request, tmp_path)
    assert _command(url, "migrate").returncode == 0
    off = _command(url, "seed", "--on-start", SEED_ON_START="0")
    assert off.stdout.strip() == "seed skipped: SEED_ON_START is off", off.stderr
    first = _command(url, "seed", "--on-start", SEED_ON_START="1")
    assert first.returncode == 0, first.stderr
    assert "measures" in first.stdout and " created" in first.stdout
    again = _command(url, "seed", "--on-start", SEED_ON_START="1")
    assert again.stdout.strip() == "seed skipped: the register already holds data", again.stderr
