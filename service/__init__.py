"""The register: a sourced register of the measures countries take, and why."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from flask import Flask, send_from_directory
from sqlalchemy import Engine
from swagger_ui_bundle import swagger_ui_path
from werkzeug.wrappers import Response

# Imported for its session events: every commit records its changes and reindexes search.
import service.records  # noqa: F401  # hooks the recording of changes into every commit
from service import apidoc, auth, cache, headers, ops, pages, ratelimit
from service.api import Api
from service.config import Config
from service.extensions import Bounds, db
from service.problems import register_error_handlers

API_TITLE = "The register"
API_VERSION = "0.1.0"
API_DESCRIPTION = """\
A structured, sourced register of the measures countries announce, threaten, agree or
put in force (sanctions, arms transfers such as South Korea's K-2 tanks for Poland, aid,
diplomatic actions, "phased measures"), the triggers they answer (North Korea's reported
troop deployment to Russia, the Russia–North Korea treaty) and who said what about them.

**Every fact is sourced.** Each citation gives the verbatim `quote` and its `start`/`end`
offsets in the full `text` of a news article (`/v1/sources`). A date is recorded only where
an article states it or it follows from the article, with its precision (day, month or
year); contested figures are kept side by side with who gave each.

**Reading the register.** Measures, triggers, statements, actors, countries and sources
each have a collection and items at `/{collection}/{id}`, with stable, readable ids such
as `kr-k2-tanks-poland`. `/v1/vocabularies` defines every controlled term (types,
statuses, stances, roles). `/v1/timeline` and `/v1/relations` give dated and
country-to-country views; `/v1/export` and `/v1/changes` serve tools that mirror the register.

**Conventions.** Lists page by cursor: follow `next_cursor` (or the `Link` header's
`rel="next"`); `format=csv` or `format=ndjson` downloads every match. Reads carry an `ETag`;
send it back in `If-None-Match` to get `304 Not Modified`. Errors are
`application/problem+json` (RFC 9457) naming each offending field; unknown query parameters
are a 400.

**Writing.** Reads are public; writes need an API key (`Authorization: Bearer <token>`,
scheme `bearerAuth`) with the `write` scope. `PATCH` and `DELETE` need `If-Match` with the
record's ETag; a `POST` may carry an `Idempotency-Key`. Every change is kept in the
record's `/revisions`. Requests are rate-limited per key, or per address without one: a
`429` carries `Retry-After`.

**Reviewing.** Records the extractor proposes from new sources wait at `/v1/proposals` for
a key with the `review` scope, which accepts (as proposed or edited) or rejects each one.
Nothing proposed is public until accepted; the accepted record's revision names it.
"""


def create_app(config: Config | None = None, engine: Engine | None = None) -> Flask:
    """Build the WSGI app; ``engine`` lets tests bind it to a connection of theirs."""
    config = config or Config.from_env()
    app = Flask(__name__, static_folder=None)  # the pages serve their own (service/pages)
    app.config.update(
        DATABASE_URL=config.database_url,
        SEEDS_DIR=str(config.seeds_dir),
        PUBLIC_BASE_URL=config.public_base_url,
        TRUSTED_PROXIES=config.trusted_proxies,
        API_TITLE=API_TITLE,
        API_VERSION=API_VERSION,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="/docs/assets/",
        # validatorUrl null: a layout with the validator badge would send the document outside.
        OPENAPI_SWAGGER_UI_CONFIG={"validatorUrl": None, "deepLinking": True},
        API_SPEC_OPTIONS={
            "info": {"description": API_DESCRIPTION},
            "servers": [{"url": "/", "description": "This server"}],
        },
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep the schemas' field order
    db.init_app(app, engine, database_bounds(config))
    cache.init_app(app, config.response_cache_bytes)
    api = Api(app, spec_kwargs={"extra_plugins": apidoc.plugins()})
    app.extensions["register_api"] = api
    register_error_handlers(app)
    auth.init_app(app)
    ratelimit.init_app(app, config)

    from service.records import REGISTRY
    from service.resources import (
        changes,
        export,
        keys,
        proposals,
        relations,
        timeline,
        vocabularies,
    )

    # The record types' routes, then the views across them.
    record_routes = [import_module(kind.routes) for kind in REGISTRY]
    non_record = (vocabularies, timeline, relations, export, changes, keys, proposals)
    for module in (*record_routes, *non_record):
        api.register_blueprint(module.blp)
    pages.init_app(app)  # HTML for people, beside the API and outside its document
    ops.init_app(app, config, db.engine)
    ratelimit.exempt(app, ops.blp)  # load balancers and Prometheus poll these
    headers.init_app(app)

    @app.get("/docs/assets/<path:filename>")
    def docs_assets(filename: str) -> Response:
        """Swagger UI's files, served here so the docs page needs no CDN."""
        return send_from_directory(str(swagger_ui_path), filename, max_age=86400)

    return app


def database_bounds(config: Config) -> Bounds:
    """The bounds of ``config`` on how long a request may wait on the database."""
    return Bounds(
        statement_ms=config.db_statement_timeout_ms,
        lock_ms=config.db_lock_timeout_ms,
        pool_s=config.db_pool_timeout,
        connect_s=config.db_connect_timeout,
    )


def openapi_document(app: Flask) -> dict[str, Any]:
    """The OpenAPI document of ``app``, as served at ``/openapi.json``."""
    with app.app_context():
        document: dict[str, Any] = app.extensions["register_api"].spec.to_dict()
        return document
