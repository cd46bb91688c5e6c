"""Extensions, created unbound; :func:`service.create_app` binds them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, g, request
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
# Set on ``g`` once a streamed response owns the request's session (see ``Database.stream``).
STREAMING = "register_streaming_session"


@dataclass(frozen=True)
class Bounds:
    """How long a statement may wait on the database; ``None`` leaves the driver's default.

    Past a bound the driver raises, and ``service.errors`` answers 503 with Retry-After:
    without them one held lock hangs every request behind it, and a stopped database
    ties up every worker thread until the operating system gives up on the connection.
    """

    statement_ms: int | None = None  # PostgreSQL statement_timeout (0: none)
    lock_ms: int | None = None  # PostgreSQL lock_timeout; SQLite's busy timeout
    pool_s: float | None = None  # waiting for a free connection of the pool
    connect_s: int | None = None  # PostgreSQL connect_timeout (unless the URL sets it)


def make_engine(url: str, bounds: Bounds | None = None) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on and its folder created."""
    bounds = bounds or Bounds()
    parsed = make_url(url)
    pool: dict[str, Any] = {} if bounds.pool_s is None else {"pool_timeout": bounds.pool_s}
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            pool = {}  # one connection per thread (SingletonThreadPool): nothing to wait for
        else:
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # pysqlite's ``timeout`` is SQLite's busy timeout: how long to wait for a lock.
        busy = {} if bounds.lock_ms is None else {"timeout": bounds.lock_ms / 1000}
        engine = create_engine(url, connect_args=busy, **pool)
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
    if bounds.statement_ms is not None:
        options += f" -c statement_timeout={bounds.statement_ms}"
    if bounds.lock_ms is not None:
        options += f" -c lock_timeout={bounds.lock_ms}"
    connect: dict[str, Any] = {"options": options}
    if bounds.connect_s is not None and "connect_timeout" not in parsed.query:
        connect["connect_timeout"] = bounds.connect_s
    return create_engine(url, pool_pre_ping=True, connect_args=connect, **pool)


class Database:
    """The engine and a request-scoped session."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self._scoped: scoped_session[Session] = scoped_session(sessionmaker())
        self._reads: Engine | None = None
        self._bind: Engine | Connection | None = None

    def init_app(
        self, app: Flask, engine: Engine | None = None, bounds: Bounds | None = None
    ) -> None:
        """Bind the database to ``app``: its engine and bounds, and a session per request."""
        self.engine = engine or make_engine(app.config["DATABASE_URL"], bounds)
        self.bind(self.engine)
        app.before_request(self._begin)
        app.teardown_appcontext(self._end)

    def _end(self, _exc: BaseException | None) -> None:
        # Flask tears the request down as soon as the view returns, before a streamed
        # response has sent a line: the stream then owns the session and closes it.
        if g.get(STREAMING) is None:
            self._scoped.remove()

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

    def snapshot(self) -> Session:
        """This request's session, restarted as one read-only transaction: one snapshot.

        For a response that reads many batches (an export): every batch, and the version
        its ETag is made of, then come from the same state of the register, whatever is
        committed meanwhile. PostgreSQL runs it at REPEATABLE READ (its reads otherwise
        run in autocommit, a snapshot per statement); SQLite's transaction is one already.
        """
        session = self.session
        session.close()  # whatever the request read so far, in autocommit or not
        bind = self._bind
        options: dict[str, Any] = {}
        if isinstance(bind, Engine):
            session.bind = bind
            if bind.dialect.name == "postgresql":
                options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        session.connection(execution_options=options)
        return session

    def stream(self, session: Session) -> None:
        """Leave ``session`` open past the view: the streamed response will :meth:`release` it."""
        g.setdefault(STREAMING, session)

    def release(self, session: Session) -> None:
        """Close a streamed response's session, and forget it as this thread's session."""
        session.close()
        registry = self._scoped.registry
        if registry.has() and registry() is session:
            registry.clear()

    def bind(self, bind: Engine | Connection) -> None:
        """Point the session at ``bind``; tests pass a connection inside a transaction."""
        self._scoped.remove()
        self._bind = bind
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
