"""The schema is built by the migrations alone, and they match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from service.cli import alembic_config, include_name
from service.models import Base


def test_migrations_have_a_single_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


def test_upgrade_head_creates_every_table_of_the_models(empty_engine: Engine) -> None:
    tables = set(inspect(empty_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_autogenerate_finds_no_difference_between_models_and_migrations(
    empty_engine: Engine,
) -> None:
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                # What the migrations alone make, as migrations/env.py says.
                "include_name": include_name,
            },
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_every_index_the_models_declare_exists_after_upgrade(empty_engine: Engine) -> None:
    """Autogenerate cannot compare SQLite's expression indexes; names can be."""
    from sqlalchemy import text

    query = (
        "SELECT name FROM sqlite_master WHERE type = 'index'"
        if empty_engine.dialect.name == "sqlite"
        else "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
    )
    with empty_engine.connect() as connection:
        present = set(connection.execute(text(query)).scalars())
    declared = {index.name for table in Base.metadata.tables.values() for index in table.indexes}
    assert declared - present == set()
    assert "ix_measures_announced_on_sort" in present


def test_stored_idempotent_replies_keep_their_meaning_across_0009(fresh_url: str) -> None:
    """A reply stored as status and headers becomes the record it wrote, and back."""
    import json

    from alembic import command
    from sqlalchemy import text

    from service.extensions import make_engine

    config = alembic_config(fresh_url)
    command.upgrade(config, "0008")
    engine = make_engine(fresh_url)
    insert = text(
        "INSERT INTO idempotent_requests (key_id, key, method, path, fingerprint, status,"
        " headers, body, created_at) VALUES (:key_id, :key, 'POST', :path, 'f', :status,"
        " :headers, :body, CURRENT_TIMESTAMP)"
    )
    replies = [
        ("k1", "a", "/v1/actors", 201, {"ETag": '"x"', "Location": "/v1/actors/new-one"}),
        ("k1", "b", "/v1/sources", 200, {"ETag": '"y"', "Location": "/v1/sources/held-text"}),
    ]
    with engine.begin() as connection:
        for key_id, key, path, status, headers in replies:
            connection.execute(
                insert,
                {
                    "key_id": key_id,
                    "key": key,
                    "path": path,
                    "status": status,
                    "headers": json.dumps(headers),
                    "body": b"{}",
                },
            )
    command.upgrade(config, "head")
    query = "SELECT key, collection, record_id, created FROM idempotent_requests ORDER BY key"
    with engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(text(query))]
    assert rows == [("a", "actors", "new-one", True), ("b", "sources", "held-text", False)]
    command.downgrade(config, "0008")
    query = "SELECT key, status, headers FROM idempotent_requests ORDER BY key"
    with engine.connect() as connection:
        back = [
            (key, status, json.loads(h) if isinstance(h, str) else h)
            for key, status, h in connection.execute(text(query))
        ]
    engine.dispose()
    assert back == [
        ("a", 201, {"Location": "/v1/actors/new-one"}),
        ("b", 200, {"Location": "/v1/sources/held-text"}),
    ]
