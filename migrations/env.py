"""Alembic environment: the database comes from DATABASE_URL, or from the caller."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from service.cli import include_name
from service.config import Config
from service.extensions import make_engine
from service.models import Base

config = context.config
target_metadata = Base.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url") or Config.from_env().database_url,
            target_metadata=target_metadata,
            literal_binds=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or Config.from_env().database_url
    engine = make_engine(url)
    with engine.connect() as connection:
        run(connection)
    engine.dispose()


main()
