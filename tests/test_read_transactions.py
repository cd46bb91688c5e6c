"""How a read meets the database: one snapshot on SQLite, no BEGIN/ROLLBACK on PostgreSQL."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import Engine, event


def test_a_read_runs_in_autocommit_on_postgresql_and_in_one_transaction_on_sqlite(
    app: Flask, seeded_engine: Engine, backend: str
) -> None:
    """At READ COMMITTED every statement takes its own snapshot anyway; SQLite keeps one.

    ``app`` here is bound to the real engine, as in production (not a test's connection).
    """
    seen: list[bool] = []

    def note(connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("BEGIN"):  # SQLite's, sent by services/extensions.py
            return
        raw = connection.connection.dbapi_connection
        seen.append(raw.autocommit if backend == "postgresql" else raw.in_transaction)

    event.listen(seeded_engine, "before_cursor_execute", note)
    try:
        r = app.test_client().get("/v1/countries/kr/measures?role=imposer")
    finally:
        event.remove(seeded_engine, "before_cursor_execute", note)
    assert r.status_code == 200, r.json
    assert len(seen) >= 2  # the country, then the page
    assert all(seen), seen  # PostgreSQL: autocommit on every statement; SQLite: inside BEGIN
