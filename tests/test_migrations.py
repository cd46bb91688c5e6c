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
