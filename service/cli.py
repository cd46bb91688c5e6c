"""``python -m service``: migrate, seed, serve, and write the OpenAPI document."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Connection

from service.config import PROJECT_ROOT, Config

OPENAPI_PATH = PROJECT_ROOT / "openapi" / "openapi.json"


def alembic_config(url: str, connection: Connection | None = None) -> AlembicConfig:
    config = AlembicConfig(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migrate(url: str) -> None:
    """Bring the database at ``url`` to the newest schema."""
    command.upgrade(alembic_config(url), "head")


def render_openapi() -> str:
    from service import create_app, openapi_document

    app = create_app(Config(database_url="sqlite://"))
    return json.dumps(openapi_document(app), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@click.group()
def main() -> None:
    """The register's commands. The database is DATABASE_URL (default: SQLite in instance/)."""


@main.command("migrate")
def migrate_command() -> None:
    """Upgrade the database schema to the newest migration."""
    migrate(Config.from_env().database_url)
    click.echo("database at head")


@main.command("seed")
@click.option("--dir", "seeds_dir", type=click.Path(path_type=Path), help="Seeds folder.")
def seed_command(seeds_dir: Path | None) -> None:
    """Load seeds/ (idempotent, all or nothing)."""
    from sqlalchemy.orm import Session

    from service.extensions import make_engine
    from service.seeding import SeedError, load

    config = Config.from_env()
    engine = make_engine(config.database_url)
    with Session(engine) as session:
        try:
            report = load(session, seeds_dir or config.seeds_dir)
        except SeedError as error:
            click.echo(f"seed failed, nothing was written: {error}", err=True)
            sys.exit(1)
    click.echo(str(report))


@main.command("openapi")
@click.option("--check", is_flag=True, help="Fail if openapi/openapi.json is out of date.")
def openapi_command(check: bool) -> None:
    """Write openapi/openapi.json from the code."""
    document = render_openapi()
    if check:
        current = OPENAPI_PATH.read_text(encoding="utf-8") if OPENAPI_PATH.exists() else ""
        if current != document:
            click.echo(
                "openapi/openapi.json is out of date: run python -m service openapi", err=True
            )
            sys.exit(1)
        click.echo("openapi/openapi.json is up to date")
        return
    OPENAPI_PATH.parent.mkdir(exist_ok=True)
    OPENAPI_PATH.write_text(document, encoding="utf-8")
    click.echo(f"wrote {OPENAPI_PATH.relative_to(PROJECT_ROOT)}")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 256))
def serve_command(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the API with gunicorn (a production WSGI server)."""
    from gunicorn.app.base import BaseApplication

    from service import create_app

    class Server(BaseApplication):
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "graceful_timeout": 30,
                "accesslog": "-",
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return create_app()

    Server().run()


@main.command("bench")
@click.option(
    "--sizes", default="100000,1000000", show_default=True, help="Measures, comma-separated."
)
@click.option("--backends", default="sqlite,postgresql", show_default=True)
@click.option("--seconds", default=5, show_default=True, type=click.IntRange(1, 120))
@click.option("--connections", default="1,16", show_default=True, help="wrk connections.")
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option(
    "--keep",
    is_flag=True,
    help="Keep the registers built (in --workdir, and PostgreSQL's register_bench_<n>) and "
    "reuse them on the next run.",
)
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=PROJECT_ROOT / "instance" / "bench",
    show_default=True,
    help="Where the SQLite registers are built.",
)
def bench_command(
    sizes: str,
    backends: str,
    seconds: int,
    connections: str,
    workers: int,
    threads: int,
    keep: bool,
    workdir: Path,
) -> None:
    """Benchmark the real stack on a synthetic register with wrk; print the figures.

    Every scenario runs cold (response cache off: queries and rendering) and warm (cache
    on: repeated reads answered from it).
    """
    from service.bench.run import HEADER, run

    click.echo(HEADER)
    run(
        [int(s) for s in sizes.split(",")],
        backends.split(","),
        seconds,
        [int(c) for c in connections.split(",")],
        workers,
        threads,
        keep,
        workdir,
    )
