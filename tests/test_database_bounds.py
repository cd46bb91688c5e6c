"""A locked, slow or unreachable database: a 503 with Retry-After within the bounds, not a hang."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from service.config import Config
from service.database_trouble import database_trouble
from service.extensions import make_engine
from service.services import keys
from tests import conftest
from tests.conftest import GENEROUS_LIMITS, POSTGRES_URL, seeded_register
from tests.servers import free_port, service

LOCK_MS = 400
# What the answer may take beyond the bound itself: a loaded machine, two cores shared.
SLACK_S = 3.0

MakeApp = Callable[..., Flask]


@pytest.fixture(scope="module")
def register_url(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A seeded register of this module's own: its tests commit writes."""
    return seeded_register(backend, request, tmp_path_factory, "bounds")


@pytest.fixture
def make_app(make_app: conftest.MakeApp) -> MakeApp:
    """Apps on an engine of their own (the suite's ``make_app``), with this module's settings."""

    def build(url: str, **settings: Any) -> Flask:
        options: dict[str, Any] = {
            "response_cache_bytes": 0,
            "db_lock_timeout_ms": LOCK_MS,
            **GENEROUS_LIMITS,
        }
        return make_app(Config(database_url=url, **{**options, **settings}))

    return build


@contextmanager
def held_lock(url: str, tables: str = "changes") -> Iterator[None]:
    """Another connection holding a lock: SQLite's whole file, or PostgreSQL's ``tables``."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        holder = sqlite3.connect(str(parsed.database), isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE"))
            yield
            connection.rollback()
    finally:
        engine.dispose()


def _key(url: str) -> dict[str, str]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            new = keys.create(session, "bounds test", ["write"])
    finally:
        engine.dispose()
    return {"Authorization": f"Bearer {new.token}"}


def _actor(client: FlaskClient, actor_id: str) -> dict[str, Any]:
    """A new actor's body, citing what a seeded actor cites."""
    seeded = client.get("/v1/actors/national-intelligence-service")
    assert seeded.status_code == 200, seeded.json
    citation = seeded.json["citations"][0]
    return {
        "id": actor_id,
        "kind": "expert",
        "name": "Bounds Tester",
        "citations": [{"source": citation["source"], "quote": citation["quote"]}],
    }


def _unavailable(r: Any, started: float, bound_s: float) -> None:
    elapsed = time.monotonic() - started
    assert r.status_code == 503, r.data
    assert r.mimetype == "application/problem+json"
    assert int(r.headers["Retry-After"]) >= 1
    assert r.json["status"] == 503 and r.json["detail"]
    assert elapsed < bound_s + SLACK_S, elapsed


def test_a_lock_held_elsewhere_is_a_503_with_retry_after_within_the_bound_and_nothing_written(
    make_app: MakeApp, register_url: str
) -> None:
    app = make_app(register_url)
    client = app.test_client()
    headers = _key(register_url)
    body = _actor(client, "bounds-locked-out")
    with held_lock(register_url):
        started = time.monotonic()
        _unavailable(client.get("/v1/export"), started, LOCK_MS / 1000)
        started = time.monotonic()
        _unavailable(client.post("/v1/actors", json=body, headers=headers), started, LOCK_MS / 1000)
        started = time.monotonic()
        health = client.get("/healthz")
        assert health.status_code == 200, health.json
        assert time.monotonic() - started < 0.5
    # The write that waited in vain left nothing behind; once the lock is gone it goes in.
    assert client.get("/v1/actors/bounds-locked-out").status_code == 404
    r = client.post("/v1/actors", json=body, headers=headers)
    assert r.status_code == 201, r.json
    assert _engine(app).pool.checkedout() == 0  # type: ignore[attr-defined]


def test_a_query_past_the_statement_timeout_is_a_503(
    make_app: MakeApp, register_url: str, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's; SQLite's bound is the busy timeout")
    # The lock bound far off: what stops the blocked query is the statement timeout.
    app = make_app(register_url, db_statement_timeout_ms=300, db_lock_timeout_ms=60_000)
    with held_lock(register_url):
        started = time.monotonic()
        r = app.test_client().get("/v1/export")
    _unavailable(r, started, 0.3)
    assert "time allowed" in r.json["detail"], r.json


def _closed_url(backend: str, tmp_path: Path) -> str:
    """A database that cannot be reached: nothing listens on the port (SQLite: a folder)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path}"
    return make_url(POSTGRES_URL).set(port=free_port()).render_as_string(hide_password=False)


def test_a_database_that_refuses_connections_is_a_503_on_reads_and_writes(
    make_app: MakeApp, backend: str, tmp_path: Path
) -> None:
    app = make_app(_closed_url(backend, tmp_path))
    client = app.test_client()
    for r in (
        client.get("/v1/measures"),
        client.get("/v1/export"),
        client.post("/v1/actors", json={"id": "x"}, headers={"Authorization": "Bearer x"}),
    ):
        assert r.status_code == 503, r.data
        assert r.mimetype == "application/problem+json"
        assert r.headers["Retry-After"] == "5"
        assert "cannot be reached" in r.json["detail"]
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503


def test_an_exhausted_pool_and_a_lock_are_passing_trouble_and_a_missing_table_is_not(
    empty_engine: Engine,
) -> None:
    assert database_trouble(PoolTimeout("QueuePool limit reached")) == "pool"
    with empty_engine.connect() as connection:
        try:
            connection.execute(text("SELECT * FROM no_such_table"))
        except Exception as error:  # what the database raises is the subject
            assert database_trouble(error) is None
        else:
            pytest.fail("no error")


def _engine(app: Flask) -> Engine:
    engine: Engine = app.extensions["register_engine"]
    return engine


def test_keys_create_on_a_locked_database_says_it_is_locked_not_unmigrated(
    migrated_url: str,
) -> None:
    with held_lock(migrated_url, tables="api_keys"):
        done = service(
            migrated_url,
            *("keys", "create", "--name", "ops", "--scope", "write"),
            timeout=60,
            env={"DB_LOCK_TIMEOUT_MS": str(LOCK_MS)},
        )
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("database error: "), done.stderr
    assert "lock" in done.stderr and "migrate" not in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
