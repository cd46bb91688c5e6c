"""Fixtures: every database test runs on SQLite and on PostgreSQL.

Each backend's schema is built once by ``alembic upgrade head`` and seeded once; each
test then runs inside a transaction that is rolled back (SQLAlchemy's "joining a
session into an external transaction" recipe), so tests never see each other's writes.
Tests that commit get a database of their own, copied from a template built the same way
once per session (PostgreSQL's ``CREATE DATABASE ... TEMPLATE``, SQLite's backup API):
a copy takes milliseconds where migrating and seeding again took seconds.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from service import create_app
from service.cli import migrate
from service.config import Config
from service.extensions import db, make_engine
from service.seeding import load
from service.services import keys

SEEDS = Config.from_env().seeds_dir
MakeApp = Callable[[Config], Flask]
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ["sqlite", "postgresql"]


def _postgres_database(request: pytest.FixtureRequest, template: str | None = None) -> str:
    """A fresh database on the local server (a copy of ``template``), dropped at the end."""
    admin_url = make_url(POSTGRES_URL)
    try:
        admin = create_engine(
            admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
        )
        with admin.connect() as connection:
            name = f"register_test_{uuid.uuid4().hex[:10]}"
            copied = f' TEMPLATE "{template}"' if template else ""
            connection.execute(text(f'CREATE DATABASE "{name}"{copied}'))
    except Exception as error:
        if template:
            raise  # the server answered before (the template is there): a real error
        where = admin_url.render_as_string(hide_password=True)
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(
                f"REQUIRE_POSTGRES is set but PostgreSQL at {where} is unreachable: {error}"
            )
        pytest.skip(
            f"PostgreSQL half skipped: no server at {where}"
            f" ({type(error).__name__}: {str(error).splitlines()[0]}). Start it with "
            "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` "
            "or set TEST_POSTGRES_URL."
        )

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    request.addfinalizer(drop)
    return admin_url.set(database=name).render_as_string(hide_password=False)


def database_url(backend: str, request: pytest.FixtureRequest, tmp: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'register.db'}"
    return _postgres_database(request)


def copy_database(template_url: str, request: pytest.FixtureRequest, tmp: Path) -> str:
    """A new database holding what the database at ``template_url`` holds.

    The template must have no open connection: PostgreSQL refuses to copy one in use.
    """
    template = make_url(template_url)
    if template.get_backend_name() != "sqlite":
        return _postgres_database(request, template=template.database)
    copy = tmp / "register.db"
    source, target = sqlite3.connect(str(template.database)), sqlite3.connect(copy)
    with closing(source), closing(target):
        source.backup(target)
    return f"sqlite:///{copy}"


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def empty_url(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A migrated database with no data in it."""
    return _migrated(backend, request, tmp_path_factory, "empty")


def _migrated(
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
) -> str:
    """A new database named after ``name``, migrated to head."""
    url = database_url(backend, request, tmp_path_factory.mktemp(f"{backend}-{name}"))
    migrate(url)
    return url


@pytest.fixture
def fresh_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database of this test's own, empty and not migrated."""
    return database_url(backend, request, tmp_path)


@pytest.fixture(scope="session")
def migrated_template(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """Migrated to head, no data, never opened by a test: what ``migrated_url`` copies."""
    return _migrated(backend, request, tmp_path_factory, "migrated-template")


@pytest.fixture
def migrated_url(migrated_template: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database of this test's own, migrated to head, with no data."""
    return copy_database(migrated_template, request, tmp_path)


@pytest.fixture(scope="session")
def seeded_template(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """Migrated and seeded, never opened by a test: what every seeded register copies."""
    url = _migrated(backend, request, tmp_path_factory, "seeded-template")
    load_seeds(url)
    return url


def load_seeds(url: str) -> None:
    """Load the project's seeds into the database at ``url`` (migrated)."""
    engine = make_engine(url)
    with Session(engine) as session:
        load(session, SEEDS)
    engine.dispose()


@pytest.fixture(scope="session")
def seeded_url(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A migrated database loaded with the project's seeds."""
    return seeded_register(backend, request, tmp_path_factory, "seeded")


@pytest.fixture
def seeded_copy(seeded_template: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A seeded register of this test's own, for a test that commits."""
    return copy_database(seeded_template, request, tmp_path)


def seeded_register(
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
) -> str:
    """A new database, migrated and seeded: a register of its own for tests that commit."""
    template: str = request.getfixturevalue("seeded_template")
    return copy_database(template, request, tmp_path_factory.mktemp(f"{backend}-{name}"))


@pytest.fixture(scope="session")
def seeded_engine(seeded_url: str) -> Iterator[Engine]:
    engine = make_engine(seeded_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def empty_engine(empty_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_url)
    yield engine
    engine.dispose()


def _rolled_back(engine: Engine) -> Iterator[Connection]:
    connection = engine.connect()
    transaction = connection.begin()
    try:
        yield connection
    finally:
        if transaction.is_active:
            transaction.rollback()
        connection.close()


@pytest.fixture
def connection(seeded_engine: Engine) -> Iterator[Connection]:
    """A connection to the seeded database whose writes are rolled back."""
    yield from _rolled_back(seeded_engine)


@pytest.fixture
def empty_connection(empty_engine: Engine) -> Iterator[Connection]:
    yield from _rolled_back(empty_engine)


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        yield session


@pytest.fixture
def empty_session(empty_connection: Connection) -> Iterator[Session]:
    with Session(bind=empty_connection, join_transaction_mode="create_savepoint") as session:
        yield session


@pytest.fixture
def make_app(seeded_engine: Engine) -> Iterator[MakeApp]:
    """Apps of their own (other URLs, other settings); the shared app's binding is restored."""
    engines: list[Engine] = []

    def build(config: Config) -> Flask:
        app = create_app(config)
        engines.append(app.extensions["register_engine"])
        return app

    yield build
    for engine in engines:
        engine.dispose()
    db.init_app(Flask("restore"), seeded_engine)


# The suite (schemathesis sends bursts) must not trip the limits; tests of limits use their own.
GENEROUS_LIMITS = {
    "rate_limit_anonymous": "100000 per minute",
    "rate_limit_key": "100000 per minute",
}


@pytest.fixture(scope="session")
def app(seeded_url: str, seeded_engine: Engine) -> Flask:
    return create_app(Config(database_url=seeded_url, **GENEROUS_LIMITS), engine=seeded_engine)


@pytest.fixture
def client(app: Flask, connection: Connection, seeded_engine: Engine) -> Iterator[FlaskClient]:
    """A test client whose requests see the seeded data and whose writes are rolled back."""
    db.bind(connection)
    # Tests write without committing, which no request sees in production: the response
    # cache (keyed by committed changes) starts empty for each test.
    if (response_cache := app.extensions.get("response_cache")) is not None:
        response_cache.clear()
    yield app.test_client()
    db.bind(seeded_engine)


@pytest.fixture
def auth_headers(connection: Connection) -> Callable[..., dict[str, str]]:
    """``auth_headers(*scopes)``: headers carrying a new key (default scope ``write``).

    The key lives in the test's rolled-back connection, so the ``client`` fixture sees it.
    """

    def make(*scopes: str) -> dict[str, str]:
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            new = keys.create(session, "test key", list(scopes or ("write",)))
        return {"Authorization": f"Bearer {new.token}"}

    return make
