"""Extensions, created unbound; :func:`service.create_app` binds them."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, scoped_session, sessionmaker

# SQLite reads each page with a system call unless it is cached or mapped: a filtered page
# of 50 at a million measures spent as long in the kernel as in SQLite. Mapping the file
# (capped by SQLite at 2 GiB) shares the OS page cache between connections and processes;
# each connection also keeps up to 32 MiB of pages of its own (beyond the mapped part).
SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    f"PRAGMA mmap_size={2**31}",
    f"PRAGMA cache_size=-{32 * 1024}",
)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()
    # pysqlite defers BEGIN until the first write, which breaks SAVEPOINT and lets reads
    # run outside the transaction; SQLAlchemy's recipe: let it emit BEGIN itself.
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection: Any) -> None:
    # A writer asks for IMMEDIATE: it takes the write lock at BEGIN, so it never holds a
    # read lock while it waits for the write lock (a deadlock SQLite answers "locked").
    mode = connection.get_execution_options().get(SQLITE_BEGIN)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if mode == "immediate" else "BEGIN")


SQLITE_BEGIN = "register_sqlite_begin"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on and its folder created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # Requests read small keyset pages: launching parallel workers costs more than it saves
    # (11 of 16 ms on a filtered page at 1M measures), so queries run in the backend alone.
    # psycopg prepares a statement run five times, and PostgreSQL may then keep one generic
    # plan for every value: for KR's sanctions (71,000 country rows) it chose the plan that
    # suits a rare country, 300 ms instead of 1. Planning each query with its values costs
    # a fraction of a millisecond.
    options = "-c max_parallel_workers_per_gather=0 -c plan_cache_mode=force_custom_plan"
    return create_engine(url, pool_pre_ping=True, connect_args={"options": options})


class Database:
    """The engine and a request-scoped session."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self._scoped: scoped_session[Session] = scoped_session(sessionmaker())
        self._reads: Engine | None = None

    def init_app(self, app: Flask, engine: Engine | None = None) -> None:
        self.engine = engine or make_engine(app.config["DATABASE_URL"])
        self.bind(self.engine)
        app.before_request(self._begin)
        app.teardown_appcontext(lambda _exc: self._scoped.remove())

    def _begin(self) -> None:
        if request.method in WRITE_METHODS:
            # Before anything reads (the key lookup, the rate limiter): see ``_sqlite_begin``.
            self.begin_write()
        elif self._reads is not None:
            self.session.bind = self._reads

    @property
    def session(self) -> Session:
        """The session of the current thread (one per request)."""
        return self._scoped()

    def begin_write(self) -> None:
        """Start this request's transaction as a writer's (on SQLite, BEGIN IMMEDIATE)."""
        self.session.connection(execution_options={SQLITE_BEGIN: "immediate"})

    def bind(self, bind: Engine | Connection) -> None:
        """Point the session at ``bind``; tests pass a connection inside a transaction."""
        self._scoped.remove()
        # PostgreSQL reads run in autocommit: at READ COMMITTED each statement takes its own
        # snapshot inside a transaction too, so BEGIN and ROLLBACK would only cost two round
        # trips a request. (SQLite's BEGIN costs nothing and keeps one snapshot.)
        self._reads = None
        if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
            self._reads = bind.execution_options(isolation_level="AUTOCOMMIT")
        self._scoped.configure(
            bind=bind, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )


db = Database()
