"""Downloads hold one database connection while they stream, and give it back after.

These tests run apps bound to an engine of their own (as in production), not to a test's
rolled-back connection: what they check is the pool, and what another connection sees.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, insert, select, text, update
from sqlalchemy.orm import Session

from service.config import Config
from service.extensions import db, make_engine
from service.models import Actor, Statement
from tests import conftest
from tests.conftest import GENEROUS_LIMITS, seeded_register
from tests.servers import Running

DOWNLOADS = [
    "/v1/export",
    "/v1/export/ftm",
    "/v1/measures.csv",
    "/v1/statements.ndjson",
]

MakeApp = Callable[..., Flask]


@pytest.fixture(scope="module")
def register_url(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A seeded register of this module's own: its tests commit writes."""
    return seeded_register(backend, request, tmp_path_factory, "streams")


@pytest.fixture
def make_app(make_app: conftest.MakeApp) -> MakeApp:
    """Apps on an engine of their own (the suite's ``make_app``), with this module's settings."""

    def build(url: str, **settings: Any) -> Flask:
        # A starved pool fails a request in 2 s here, not 10: a leak fails fast.
        options: dict[str, Any] = {
            "response_cache_bytes": 0,
            "db_pool_timeout": 2,
            **GENEROUS_LIMITS,
        }
        return make_app(Config(database_url=url, **{**options, **settings}))

    return build


def _engine(app: Flask) -> Engine:
    engine: Engine = app.extensions["register_engine"]
    return engine


def _download(client: FlaskClient, path: str) -> bytes:
    r = client.get(path)
    body = r.get_data()
    r.close()
    assert r.status_code == 200, body[:500]
    return body


def test_two_hundred_downloads_leave_no_connection_checked_out_and_a_write_goes_through_at_once(
    make_app: MakeApp, register_url: str
) -> None:
    app = make_app(register_url)
    client = app.test_client()
    for n in range(200):
        _download(client, DOWNLOADS[n % len(DOWNLOADS)])
    assert _engine(app).pool.checkedout() == 0  # type: ignore[attr-defined]

    # A write from elsewhere (on SQLite it needs every reader's lock gone) and one through
    # the app's own pool, each at once: no lock held, no connection missing.
    writer = make_engine(register_url)
    try:
        started = time.monotonic()
        with writer.begin() as connection:
            connection.execute(
                update(Actor)
                .where(Actor.id == "national-intelligence-service")
                .values(name=Actor.name)
            )
        assert time.monotonic() - started < 1
    finally:
        writer.dispose()
    started = time.monotonic()
    with app.app_context(), Session(_engine(app)) as session, session.begin():
        session.execute(
            update(Actor).where(Actor.id == "national-intelligence-service").values(name=Actor.name)
        )
    assert time.monotonic() - started < 1
    assert _engine(app).pool.checkedout() == 0  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", DOWNLOADS)
@pytest.mark.parametrize("lines_read", [0, 1])
def test_a_download_the_client_cuts_off_gives_its_connection_back(
    make_app: MakeApp, seeded_url: str, path: str, lines_read: int
) -> None:
    app = make_app(seeded_url)
    app.config["EXPORT_BATCH_SIZE"] = 2  # many batches: the stream is cut mid-way
    pool = _engine(app).pool
    r = app.test_client().get(path, buffered=False)
    assert r.status_code == 200
    chunks = iter(r.response)
    for _ in range(lines_read):
        assert next(chunks)
    # A streaming download holds its one snapshot until it ends.
    assert pool.checkedout() == 1  # type: ignore[attr-defined]
    r.close()  # what the server does when the client goes away
    assert pool.checkedout() == 0  # type: ignore[attr-defined]


def test_a_download_not_modified_gives_its_connection_back(
    make_app: MakeApp, seeded_url: str
) -> None:
    app = make_app(seeded_url)
    client = app.test_client()
    r = client.get("/v1/export")
    r.get_data()
    r.close()
    again = client.get("/v1/export", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
    assert _engine(app).pool.checkedout() == 0  # type: ignore[attr-defined]


def _references(lines: list[dict[str, object]]) -> list[str]:
    """Every reference in a register export that names no record of the same export."""
    ids: dict[str, set[str]] = {}
    records: list[tuple[str, dict[str, object]]] = []
    for line in lines:
        if "collection" in line:
            collection, record = str(line["collection"]), line["record"]
            assert isinstance(record, dict)
            ids.setdefault(collection, set()).add(str(record.get("id") or record.get("code")))
            records.append((collection, record))
    dangling = []
    for collection, record in records:
        refs = {"actors": [record.get("actor"), record.get("announced_by")]}
        if collection == "measures":
            refs["measures"] = [record.get("parent")]
        for target, keys in refs.items():
            for key in keys:
                if key is not None and key not in ids.get(target, set()):
                    dangling.append(f"{collection}/{record['id']} → {target}/{key}")
    return dangling


def test_an_export_during_writes_is_one_snapshot_with_every_reference_inside_it(
    make_app: MakeApp, register_url: str
) -> None:
    """A writer adds an actor, then points a statement at it, in two commits, over and over.

    An export read piecemeal would see the statement and miss the actor (it read actors
    before the actor's commit, statements after the statement's).
    """
    app = make_app(register_url)
    app.config["EXPORT_BATCH_SIZE"] = 2  # many queries per export: room for writes between
    writer = make_engine(register_url)
    with Session(writer) as session:
        statement_ids = list(session.scalars(select(Statement.id).order_by(Statement.id)))
    stop = threading.Event()
    written: list[int] = []
    errors: list[BaseException] = []

    def write() -> None:
        n = 0
        try:
            while not stop.is_set():
                n += 1
                actor = f"snapshot-writer-{n}"
                with Session(writer) as session:
                    session.add(Actor(id=actor, kind="expert", name=f"Writer {n}", aliases=[]))
                    session.commit()
                with Session(writer) as session:
                    statement = session.get(Statement, statement_ids[n % len(statement_ids)])
                    assert statement is not None
                    statement.actor_id = actor
                    session.commit()
                written.append(n)
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)

    thread = threading.Thread(target=write)
    thread.start()
    client = app.test_client()
    dangling: list[str] = []
    exports = 0
    try:
        deadline = time.monotonic() + 8
        while exports < 8 or (not written and time.monotonic() < deadline):
            body = _download(client, "/v1/export").decode()
            lines = [json.loads(line) for line in body.splitlines()]
            assert "meta" in lines[-1], lines[-1]  # the export is whole
            dangling += _references(lines)
            exports += 1
    finally:
        stop.set()
        thread.join(timeout=30)
        writer.dispose()
    assert not errors, errors
    assert written, "the writer never committed during the exports"
    assert not dangling, dangling
    assert _engine(app).pool.checkedout() == 0  # type: ignore[attr-defined]


def test_an_export_on_postgresql_reads_at_repeatable_read_and_read_only(
    make_app: MakeApp, seeded_url: str, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite's transaction is one snapshot already")
    app = make_app(seeded_url)
    seen: list[tuple[str, str]] = []

    @app.get("/_snapshot")
    def snapshot() -> dict[str, str]:
        session = db.snapshot()
        row = session.execute(
            text(
                "SELECT current_setting('transaction_isolation'), "
                "current_setting('transaction_read_only')"
            )
        ).one()
        seen.append((row[0], row[1]))
        return {}

    assert app.test_client().get("/_snapshot").status_code == 200
    assert seen == [("repeatable read", "on")]
    assert _engine(app).pool.checkedout() == 0  # type: ignore[attr-defined]


def _cut_off(port: int, path: str) -> None:
    """Start a download and hang up after its first bytes, as a client that gives up."""
    with socket.socket() as sock:
        # A small window: the server is still writing when the connection drops.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", port))
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        assert sock.recv(1024).startswith(b"HTTP/1.1 200")
        # Unread data at close: the peer gets a reset, the server a failed write.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")


def _checked_out(server: Running) -> float:
    status, body = server.get("/metrics")
    assert status == 200, body
    line = next(
        line
        for line in body.decode().splitlines()
        if line.startswith("register_db_pool_checked_out")
    )
    return float(line.rsplit(" ", 1)[1])


@pytest.fixture
def big_register_url(migrated_url: str) -> str:
    """A register whose export (some 10 MB) outlasts every socket buffer on the way."""
    engine = make_engine(migrated_url)
    rows = [
        {"id": f"actor-{n:05}", "kind": "expert", "name": f"Actor {n} " + "x" * 200}
        for n in range(25_000)
    ]
    with Session(engine) as session, session.begin():
        session.execute(insert(Actor), rows)
    engine.dispose()
    return migrated_url


def test_a_served_worker_survives_downloads_finished_and_cut_off(
    big_register_url: str, tmp_path: Path
) -> None:
    """The real server (gunicorn), one worker of one thread: one pool to exhaust.

    Before, the 58th download of a worker waited for a connection and failed.
    """
    env = {
        "DATABASE_URL": big_register_url,
        "RATE_LIMIT_ENABLED": "false",
        "RESPONSE_CACHE_BYTES": "0",
        "DB_POOL_TIMEOUT": "2",
    }
    server = Running(["-m", "service", "serve", "--workers", "1", "--threads", "1"], env, tmp_path)
    try:
        for n in range(80):
            path = ["/v1/measures.csv", "/v1/statements.ndjson"][n % 2]
            status, _headers, body = server.request("GET", path)
            assert status == 200, (n, body[:300])
        for n in range(6):
            _cut_off(server.port, ["/v1/export", "/v1/actors.ndjson"][n % 2])
        deadline = time.monotonic() + 10
        while _checked_out(server) and time.monotonic() < deadline:
            time.sleep(0.1)  # the worker notices a hang-up on its next write
        assert _checked_out(server) == 0
        assert server.get("/readyz")[0] == 200
        writer = make_engine(big_register_url)
        try:
            started = time.monotonic()
            with writer.begin() as connection:
                connection.execute(
                    update(Actor).where(Actor.id == "actor-00001").values(name=Actor.name)
                )
            assert time.monotonic() - started < 1
        finally:
            writer.dispose()
    finally:
        assert server.stop() == 0
