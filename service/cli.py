"""``python -m service``: migrate, seed, serve, write the OpenAPI document, manage keys."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from pydantic import ValidationError
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from service.config import PROJECT_ROOT, Config, ConfigError, describe
from service.models.api_key import SCOPES

OPENAPI_PATH = PROJECT_ROOT / "openapi" / "openapi.json"


def alembic_config(url: str, connection: Connection | None = None) -> AlembicConfig:
    """The alembic configuration for the database at ``url`` (or on ``connection``)."""
    config = AlembicConfig(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """What autogenerate compares: not what migrations make and models do not declare.

    The search index (its tables differ by database) and PostgreSQL's array column of the
    country filter, with its GIN index.
    """
    from service.services import country_filter
    from service.services.search import is_index_table

    if type_ == "table" and name is not None and is_index_table(name):
        return False
    if type_ == "column" and name == country_filter.TOKENS_COLUMN:
        return False
    return not (type_ == "index" and name == country_filter.TOKENS_INDEX)


def migrate(url: str) -> None:
    """Bring the database at ``url`` to the newest schema."""
    command.upgrade(alembic_config(url), "head")


def render_openapi() -> str:
    """The OpenAPI document as the committed file holds it."""
    from service import create_app, openapi_document

    app = create_app(Config(database_url="sqlite://"))
    return json.dumps(openapi_document(app), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def settings(**overrides: Any) -> Config:
    """The environment's settings (and the command line's); a bad one stops the command."""
    try:
        config = Config.from_env()
        return replace(config, **overrides) if overrides else config
    except (ConfigError, ValidationError) as error:
        message = str(error) if isinstance(error, ConfigError) else describe(error, "--")
        click.echo(f"configuration error: {message}", err=True)
        sys.exit(2)


class Commands(click.Group):
    """A database that cannot do what a command asks is one line on stderr, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a configuration or database error is one line and exit 1."""
        from sqlalchemy.exc import DBAPIError

        from service.database_trouble import database_trouble

        try:
            return super().invoke(ctx)
        except DBAPIError as error:
            reason = str(error.orig).strip().splitlines()[0]
            # The hint follows the cause: sending someone to migrate a database that is
            # only locked, or down, sends them the wrong way.
            hint = DATABASE_HINTS.get(database_trouble(error) or "", DATABASE_HINTS[""])
            click.echo(f"database error: {reason} ({hint})", err=True)
            sys.exit(1)


DATABASE_HINTS = {
    "locked": "another process holds a lock on the database (a long export or write, or a"
    " stuck transaction): retry when it ends",
    "timeout": "the statement ran past DB_STATEMENT_TIMEOUT_MS: retry, or raise the bound",
    "pool": "every connection is in use: retry",
    "overloaded": "the database is short of memory or connections: retry",
    "unreachable": "is the database running, and is DATABASE_URL right?",
    "": "is the database migrated? python -m service migrate",
}


@click.group(cls=Commands)
def main() -> None:
    """The register's commands. The database is DATABASE_URL (default: SQLite in instance/)."""


@main.command("migrate")
def migrate_command() -> None:
    """Upgrade the database schema to the newest migration."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        migrate(settings().database_url)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        click.echo(f"migrate failed: {type(error).__name__}: {reason}", err=True)
        sys.exit(1)
    click.echo("database at head")


@main.command("seed")
@click.option("--dir", "seeds_dir", type=click.Path(path_type=Path), help="Seeds folder.")
@click.option(
    "--on-start",
    is_flag=True,
    help="For entrypoints: load only if SEED_ON_START is true and the register is empty.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Also overwrite (or bring back) records last edited or deleted through the API.",
)
def seed_command(seeds_dir: Path | None, on_start: bool, force: bool) -> None:
    """Load seeds/ (idempotent, all or nothing; API edits and deletes are kept)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from service.extensions import make_engine
    from service.models import Source
    from service.seeding import SeedError, load

    config = settings()
    if on_start and not config.seed_on_start:
        click.echo("seed skipped: SEED_ON_START is off")
        return
    engine = make_engine(config.database_url)
    with Session(engine) as session:
        if on_start and session.scalar(select(Source.id).limit(1)) is not None:
            click.echo("seed skipped: the register already holds data")
            return
        try:
            report = load(session, seeds_dir or config.seeds_dir, force=force)
        except SeedError as error:
            click.echo(f"seed failed, nothing was written: {error}", err=True)
            sys.exit(1)
    engine.dispose()
    click.echo(str(report))


@main.command("ingest")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--published-on", help="Publication date: YYYY-MM-DD, YYYY-MM or YYYY.")
@click.option("--url", help="Where the article was published.")
@click.option("--title", help="The article's headline (default: its first line).")
@click.option("--publisher", help="Who published it.")
@click.option("--language", default="en", show_default=True, help="ISO 639-1 code.")
def ingest_command(
    paths: tuple[Path, ...],
    published_on: str | None,
    url: str | None,
    title: str | None,
    publisher: str | None,
    language: str,
) -> None:
    """Store articles from text files and propose the records each supports, for review."""
    from sqlalchemy.orm import Session

    from service.extensions import make_engine
    from service.services import ingest

    engine = make_engine(settings().database_url)
    failed = 0
    with Session(engine) as session:
        for path in paths:
            try:
                fields = {"url": url, "title": title, "publisher": publisher}
                source, made = ingest.ingest_file(session, path, published_on, language, fields)
            except ingest.IngestError as error:
                session.rollback()
                click.echo(f"{path}: not ingested: {error}", err=True)
                failed += 1
                continue
            kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(made.items())) or "nothing"
            click.echo(f"{path}: source {source}: proposed {kinds}")
    engine.dispose()
    if failed:
        sys.exit(1)


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


@main.command("assets")
def assets_command() -> None:
    """Copy the pages' stylesheets from node_modules (after `npm ci`) into service/pages/static."""
    from service.pages import assets

    try:
        written = assets.copy()
    except FileNotFoundError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    for path in written:
        click.echo(f"wrote {path.relative_to(PROJECT_ROOT)}")


@main.command("serve")
@click.option("--host", help="Address to listen on  [env HOST; default 127.0.0.1]")
@click.option("--port", type=int, help="Port  [env PORT; default 8000]")
@click.option("--workers", type=int, help="Worker processes  [env WORKERS; default 2]")
@click.option("--threads", type=int, help="Threads per worker  [env THREADS; default 2]")
def serve_command(
    host: str | None, port: int | None, workers: int | None, threads: int | None
) -> None:
    """Serve the API with gunicorn; SIGTERM finishes the requests in flight, then exits."""
    from service.server import Server

    overrides = {"host": host, "port": port, "workers": workers, "threads": threads}
    config = settings(**{k: v for k, v in overrides.items() if v is not None})
    Server(config).run()


@main.command("extract-eval")
@click.argument(
    "directory", type=click.Path(exists=True, file_okay=False, path_type=Path), required=False
)
def extract_eval_command(directory: Path | None) -> None:
    """Score the extractor on labelled articles (default: tests/extraction/)."""
    from service.extraction.evaluate import evaluate_dir

    root = directory or PROJECT_ROOT / "tests" / "extraction"
    for line in evaluate_dir(root).lines():
        click.echo(line)


@main.command("bench")
@click.option(
    "--sizes", default="100000,1000000", show_default=True, help="Measures, comma-separated."
)
@click.option("--backends", default="sqlite,postgresql", show_default=True)
@click.option("--seconds", default=5, show_default=True, type=click.IntRange(1, 120))
@click.option("--connections", default="1,16", show_default=True, help="wrk connections.")
@click.option("--workers", default=2, show_default=True, type=int, help="As `serve`'s default.")
@click.option("--threads", default=2, show_default=True, type=int, help="As `serve`'s default.")
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


@main.group("keys")
def keys_group() -> None:
    """Create, list and revoke API keys (writes need one; reads do not)."""


@contextmanager
def _session() -> Iterator[Session]:
    from service import database_bounds
    from service.extensions import make_engine

    config = settings()
    engine = make_engine(config.database_url, database_bounds(config))
    try:
        # Keys are printed after the commit: keep their loaded values.
        with Session(engine, expire_on_commit=False) as session:
            yield session
    finally:
        engine.dispose()


@keys_group.command("create")
@click.option("--name", required=True, help="Who or what the key is for.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice(list(SCOPES)),
    help="write, review, admin (implies write and review); repeat for several.",
)
def keys_create_command(name: str, scopes: tuple[str, ...]) -> None:
    """Create a key and print its token, once: only a hash of it is stored."""
    from service.services import keys

    with _session() as session:
        new = keys.create(session, name, list(scopes))
    click.echo(f"created key {new.key.id} ({', '.join(new.key.scopes)}) for {name!r}")
    click.echo("token (shown this once; store it now):")
    click.echo(new.token)
    click.echo(f"use it as: curl -H 'Authorization: Bearer {new.token}' ...")


@keys_group.command("list")
def keys_list_command() -> None:
    """List keys: id, scopes, created, revoked, name. Never a secret."""
    from service.services import keys

    stamp = "%Y-%m-%dT%H:%M:%SZ"
    with _session() as session:
        rows = keys.all_keys(session)
    click.echo(f"{'id':16}  {'scopes':11}  {'created':20}  {'revoked':20}  name")
    for key in rows:
        created = key.created_at.strftime(stamp)
        revoked = key.revoked_at.strftime(stamp) if key.revoked_at else "-"
        scopes = ",".join(key.scopes)
        click.echo(f"{key.id:16}  {scopes:11}  {created:20}  {revoked:20}  {key.name}")


@keys_group.command("revoke")
@click.argument("key_id")
def keys_revoke_command(key_id: str) -> None:
    """Revoke a key: requests carrying it are refused from now on."""
    from service.errors import NotFound
    from service.services import keys

    with _session() as session:
        try:
            key = keys.revoke(session, key_id)
        except NotFound as error:
            click.echo(str(error), err=True)
            sys.exit(1)
    assert key.revoked_at is not None
    click.echo(f"revoked key {key.id} at {key.revoked_at.isoformat()}")
