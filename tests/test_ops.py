"""Operations: /healthz, /readyz, /metrics, request ids, logs, errors, CORS, body limit."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from flask import request
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from service.cli import alembic_config
from service.config import Config
from service.observability import ACCESS_LOGGER, json_formatter
from tests.conftest import MakeApp, database_url

# The newest migration: what a migrated database is at.
HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def sample(client: FlaskClient, name: str, **labels: str) -> float:
    """One sample of /metrics, parsed with prometheus_client's own parser."""
    r = client.get("/metrics", buffered=True)
    assert r.status_code == 200, r.data
    for family in text_string_to_metric_families(r.get_data(as_text=True)):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return float(found.value)
    return 0.0


def test_healthz_answers_without_touching_the_database(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(Config(database_url=f"sqlite:///{tmp_path}"))  # a folder: unopenable
    r = app.test_client().get("/healthz")
    assert r.status_code == 200, r.json
    assert r.json == {"status": "ok"}


def test_readyz_is_ready_when_the_database_is_at_head(client: FlaskClient) -> None:
    r = client.get("/readyz")
    assert r.status_code == 200, r.json
    assert r.json == {"status": "ready", "revision": HEAD}


@pytest.fixture
def fresh_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return database_url(backend, request, tmp_path)


def test_readyz_is_503_on_a_database_never_migrated(make_app: MakeApp, fresh_url: str) -> None:
    r = make_app(Config(database_url=fresh_url)).test_client().get("/readyz")
    assert r.status_code == 503, r.json
    assert r.mimetype == "application/problem+json"
    assert r.json["detail"] == "The database has no schema: run `python -m service migrate`."


def test_readyz_is_503_on_a_database_behind_the_code(make_app: MakeApp, fresh_url: str) -> None:
    command.upgrade(alembic_config(fresh_url), "0002")
    r = make_app(Config(database_url=fresh_url)).test_client().get("/readyz")
    assert r.status_code == 503, r.json
    assert r.json["detail"] == (
        f"The database is at revision 0002, the code expects {HEAD}:"
        " run `python -m service migrate`."
    )


def test_readyz_is_503_when_the_database_is_unreachable(
    make_app: MakeApp, backend: str, tmp_path: Path
) -> None:
    url = {
        "sqlite": f"sqlite:///{tmp_path}",  # a folder, not a database file
        "postgresql": "postgresql+psycopg://postgres:hunter2@127.0.0.1:1/register",
    }[backend]
    r = make_app(Config(database_url=url)).test_client().get("/readyz")
    assert r.status_code == 503, r.json
    assert r.json["detail"] == "The database is unreachable."
    assert "hunter2" not in r.get_data(as_text=True)
    assert r.headers["Cache-Control"] == "no-store"


def test_ops_routes_stay_out_of_the_openapi_document(client: FlaskClient) -> None:
    paths = client.get("/openapi.json").json["paths"]
    assert not {"/healthz", "/readyz", "/metrics"} & set(paths)


def test_metrics_count_requests_by_url_rule_method_and_status(client: FlaskClient) -> None:
    route = "/v1/measures/<string:measure_id>"
    ok = {"method": "GET", "route": route, "status": "200"}
    missing = {**ok, "status": "404"}
    before_ok = sample(client, "register_http_requests_total", **ok)
    before_missing = sample(client, "register_http_requests_total", **missing)
    measure_id = client.get("/v1/measures?limit=1").json["items"][0]["id"]
    for _ in range(2):
        assert client.get(f"/v1/measures/{measure_id}", buffered=True).status_code == 200
    assert client.get("/v1/measures/no-such-measure", buffered=True).status_code == 404
    assert sample(client, "register_http_requests_total", **ok) == before_ok + 2
    assert sample(client, "register_http_requests_total", **missing) == before_missing + 1
    latencies = sample(client, "register_http_request_duration_seconds_count", **ok)
    assert latencies >= 2


def test_metrics_label_unknown_paths_as_one_series(client: FlaskClient) -> None:
    labels = {"method": "GET", "route": "<unmatched>", "status": "404"}
    before = sample(client, "register_http_requests_total", **labels)
    for path in ("/nope/1", "/nope/2", "/wp-admin"):
        assert client.get(path, buffered=True).status_code == 404
    assert sample(client, "register_http_requests_total", **labels) == before + 3
    text = client.get("/metrics", buffered=True).get_data(as_text=True)
    assert "/nope/1" not in text and "wp-admin" not in text


def test_metrics_show_the_database_pool(client: FlaskClient) -> None:
    r = client.get("/metrics", buffered=True)
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    names = {
        found.name
        for family in text_string_to_metric_families(r.get_data(as_text=True))
        for found in family.samples
    }
    assert {
        "register_db_pool_checked_out",
        "register_db_pool_size",
        "register_db_pool_overflow",
    } <= names
    assert sample(client, "register_db_pool_size") >= 1


def test_every_response_carries_a_request_id(client: FlaskClient) -> None:
    ok = client.get("/v1/vocabularies")
    etag = ok.headers["ETag"]
    not_modified = client.get("/v1/vocabularies", headers={"If-None-Match": etag})
    problem = client.get("/v1/measures?bogus=1")
    assert not_modified.status_code == 304
    assert problem.status_code == 400, problem.json
    ids = [r.headers.get("X-Request-ID") for r in (ok, not_modified, problem)]
    assert all(ids) and len(set(ids)) == 3, ids


def test_a_clients_safe_request_id_is_kept_and_an_unsafe_one_replaced(
    client: FlaskClient,
) -> None:
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a:42"})
    assert kept.headers["X-Request-ID"] == "lb-7f3a:42"
    for unsafe in ("x" * 129, 'quote" injected', "<script>"):
        r = client.get("/healthz", headers={"X-Request-ID": unsafe})
        assert r.headers["X-Request-ID"] != unsafe
        assert len(r.headers["X-Request-ID"]) == 36  # a UUID


def test_each_request_is_logged_as_one_json_line(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=ACCESS_LOGGER)
    r = client.get("/v1/countries/kr", headers={"X-Request-ID": "trace-1"}, buffered=True)
    assert r.status_code == 200, r.json
    lines = [rec for rec in caplog.records if rec.name == ACCESS_LOGGER]
    assert len(lines) == 1
    line = json.loads(json_formatter().format(lines[0]))
    assert line["method"] == "GET"
    assert line["route"] == "/v1/countries/<string:code>"
    assert line["path"] == "/v1/countries/kr"
    assert line["status"] == 200
    assert line["request_id"] == "trace-1"
    assert line["remote_addr"] == "127.0.0.1"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert line["level"] == "INFO" and line["message"] == "request"


def test_an_unhandled_error_is_logged_with_its_stack_and_hidden_from_the_client(
    make_app: MakeApp, seeded_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(Config(database_url=seeded_url))

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("password=hunter2 in a stack frame")

    r = app.test_client().get("/boom", headers={"X-Request-ID": "boom-1"}, buffered=True)
    assert r.status_code == 500, r.data
    assert r.mimetype == "application/problem+json"
    assert r.json == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": "The server could not complete the request; quote request id boom-1 when "
        "reporting it.",
        "request_id": "boom-1",
    }
    assert r.headers["X-Request-ID"] == "boom-1"
    errors = [rec for rec in caplog.records if rec.levelno >= logging.ERROR]
    assert len(errors) == 1, [rec.getMessage() for rec in errors]
    logged = json.loads(json_formatter().format(errors[0]))
    assert logged["request_id"] == "boom-1"
    assert "RuntimeError: password=hunter2" in logged["exc_info"]
    assert 'raise RuntimeError("password=hunter2' in logged["exc_info"]  # the stack


def test_cors_is_off_unless_origins_are_configured(client: FlaskClient) -> None:
    r = client.get("/v1/vocabularies", headers={"Origin": "https://news.example"})
    assert "Access-Control-Allow-Origin" not in r.headers


def test_cors_answers_configured_origins_only(make_app: MakeApp, seeded_url: str) -> None:
    config = Config(database_url=seeded_url, cors_origins=("https://news.example",))
    api = make_app(config).test_client()
    r = api.get("/v1/measures?limit=1", headers={"Origin": "https://news.example"})
    assert r.status_code == 200, r.json
    assert r.headers["Access-Control-Allow-Origin"] == "https://news.example"
    exposed = {h.strip().lower() for h in r.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "link", "x-request-id", "retry-after"} <= exposed
    preflight = api.options(
        "/v1/measures",
        headers={
            "Origin": "https://news.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, If-Match, Idempotency-Key",
        },
    )
    assert preflight.status_code == 200
    allowed = preflight.headers["Access-Control-Allow-Headers"].lower()
    assert {"authorization", "if-match", "idempotency-key"} <= set(allowed.split(", "))
    other = api.get("/v1/measures?limit=1", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_a_body_over_the_limit_is_a_413_problem(make_app: MakeApp, seeded_url: str) -> None:
    app = make_app(Config(database_url=seeded_url, max_body_bytes=1024))

    @app.post("/echo")
    def echo() -> str:
        return str(len(request.get_data()))

    api = app.test_client()
    assert api.post("/echo", data=b"x" * 1024).get_data(as_text=True) == "1024"
    r = api.post("/echo", data=b"x" * 1025)
    assert r.status_code == 413, r.data
    assert r.mimetype == "application/problem+json"
