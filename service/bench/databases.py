"""The benchmark's registers: where they live, building them, and reusing kept ones."""

from __future__ import annotations

import os
import time
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from service.bench.generate import populate
from service.cli import alembic_config, migrate
from service.extensions import make_engine


def _admin_url() -> URL:
    return make_url(
        os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    )


def url_for(backend: str, n: int, workdir: Path) -> str:
    """Where the register of ``n`` measures lives: a file in ``workdir``, or a database."""
    if backend == "sqlite":
        return f"sqlite:///{workdir / f'bench-{n}.db'}"
    url = _admin_url().set(database=f"register_bench_{n}")
    return url.render_as_string(hide_password=False)


def _on_server(statement: str) -> None:
    admin = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(statement))
    admin.dispose()


def drop(backend: str, url: str) -> None:
    """Delete the register at ``url`` (an SQLite file, or a PostgreSQL database)."""
    if backend == "sqlite":
        Path(make_url(url).database or "").unlink(missing_ok=True)
    else:
        _on_server(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def existing(url: str, n: int) -> bool:
    """Whether ``url`` already holds a register of ``n`` measures at the newest schema."""
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if "alembic_version" not in inspect(connection).get_table_names():
                return False
            at = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            count = connection.execute(text("SELECT count(*) FROM measures")).scalar()
            return bool(at == head and count == n)
    except OperationalError:
        return False  # no such database
    finally:
        engine.dispose()


def build(backend: str, n: int, workdir: Path) -> str:
    """A migrated database holding a synthetic register of ``n`` measures; its URL."""
    url = url_for(backend, n, workdir)
    drop(backend, url)
    if backend == "postgresql":
        _on_server(f'CREATE DATABASE "{make_url(url).database}"')
    # Load at the first schema, then upgrade as an existing register would: the later
    # migrations build the search index and the sort indexes over the loaded rows.
    command.upgrade(alembic_config(url), "0001")
    engine = make_engine(url)
    started = time.perf_counter()
    with engine.begin() as connection:
        counts = populate(connection, n)
    print(f"  loaded {sum(counts.values()):,} rows in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    migrate(url)
    print(
        f"  upgraded to head (search index, sort indexes) in {time.perf_counter() - started:.0f} s"
    )
    # What an operator (or autovacuum, later) does after a large upgrade: PostgreSQL's
    # VACUUM clears the row versions the backfills left behind, and sets the visibility map
    # that index-only scans need. It cannot run inside a transaction.
    if backend == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    engine.dispose()
    return url
