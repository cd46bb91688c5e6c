"""The production server's limits, run for real: what gunicorn refuses is problem+json too."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session

from service.extensions import make_engine
from service.services import keys
from tests.conftest import copy_database
from tests.servers import Running

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def server(
    backend: str,
    migrated_template: str,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Running, str]]:
    """A server on an empty register, and the token of a key that may write to it.

    One per module: the one test that writes refuses a body, then writes a source no other
    test reads.
    """
    tmp_path = tmp_path_factory.mktemp(f"{backend}-server-limits")
    url = copy_database(migrated_template, request, tmp_path)
    engine = make_engine(url)
    with Session(engine) as session:
        token = keys.create(session, "limits", ["write"]).token
    engine.dispose()
    running = Running(["-m", "service", "serve"], {"DATABASE_URL": url}, tmp_path)
    yield running, token
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait()


def send_chunked(
    server: Running, path: str, token: str, body: dict[str, Any]
) -> tuple[int, str, dict[str, Any]]:
    """POST ``body`` as JSON in 64 KiB chunks, without Content-Length, as a stream would."""
    data = json.dumps(body).encode()
    chunks = (data[i : i + 65536] for i in range(0, len(data), 65536))
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        connection.request("POST", path, body=chunks, headers=headers, encode_chunked=True)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), json.loads(response.read())
    finally:
        connection.close()


def test_a_chunked_body_over_the_limit_is_a_413_problem_and_writes_nothing(
    server: tuple[Running, str],
) -> None:
    running, token = server
    source = {"id": "streamed", "language": "en"}
    status, media_type, answer = send_chunked(
        running, "/v1/sources", token, {**source, "text": "x" * (2 * MIB)}
    )
    assert status == 413, answer
    assert media_type == "application/problem+json"
    assert answer["errors"][0]["name"] == "(body)"
    assert running.get("/v1/sources/streamed")[0] == 404
    feed = json.loads(running.get("/v1/changes")[1])
    assert feed["items"] == []
    # Under the limit, a chunked body is read whole.
    status, _, answer = send_chunked(
        running, "/v1/sources", token, {**source, "text": "y" * (MIB // 2)}
    )
    assert status == 201, answer
    assert len(answer["text"]) == MIB // 2


def test_what_gunicorn_refuses_before_the_app_is_a_problem_too(
    server: tuple[Running, str],
) -> None:
    running, _ = server
    # A long URL is the API's to judge: a too-long parameter is its 422, naming it.
    status, headers, body = running.request("GET", "/v1/measures?q=" + "a" * 5000)
    assert status == 422, body
    assert json.loads(body)["errors"][0]["name"] == "q"
    # Past gunicorn's own cap the 414 is gunicorn's, as a problem too.
    status, headers, body = running.request("GET", "/v1/measures?q=" + "a" * 9000)
    assert status == 414, body
    assert headers["Content-Type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == 414
    assert "8190 bytes" in problem["detail"]
    status, headers, body = running.request("GET", "/v1/measures", headers={"X-Big": "a" * 9000})
    assert status == 431, body
    assert headers["Content-Type"] == "application/problem+json"
    assert json.loads(body)["status"] == 431
    # The server goes on answering.
    assert running.get("/v1/measures?limit=1")[0] == 200
