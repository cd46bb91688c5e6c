"""The register: a sourced register of the measures countries take, and why."""

from __future__ import annotations

from typing import Any

from flask import Flask, send_from_directory
from sqlalchemy import Engine
from swagger_ui_bundle import swagger_ui_path
from werkzeug.wrappers import Response

# Imported for its session events: every commit records its changes and reindexes search.
import service.services.changes  # noqa: F401
from service import cache
from service.api import Api
from service.config import Config
from service.errors import register_error_handlers
from service.extensions import db

API_TITLE = "The register"
API_VERSION = "0.1.0"
API_DESCRIPTION = """\
A structured, sourced register of the measures countries announce, threaten, agree or
put in force (sanctions, arms transfers, aid, diplomatic actions, phased measures), the
triggers they answer and who said what about them. Every fact cites the exact words of
a news article: each citation gives the quote and its `start`/`end` offsets in the
source's text.

Lists page by cursor: follow `next_cursor` (or the `Link` header's `rel="next"`).
Reads carry an `ETag`; send it back in `If-None-Match` to get `304 Not Modified`.
Errors are `application/problem+json` (RFC 9457); unknown query parameters are a 400.
"""


def create_app(config: Config | None = None, engine: Engine | None = None) -> Flask:
    """Build the WSGI app; ``engine`` lets tests bind it to a connection of theirs."""
    config = config or Config.from_env()
    app = Flask(__name__)
    app.config.update(
        DATABASE_URL=config.database_url,
        SEEDS_DIR=str(config.seeds_dir),
        API_TITLE=API_TITLE,
        API_VERSION=API_VERSION,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="/docs/assets/",
        API_SPEC_OPTIONS={
            "info": {"description": API_DESCRIPTION},
            "servers": [{"url": "/", "description": "This server"}],
        },
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep the schemas' field order
    db.init_app(app, engine)
    cache.init_app(app, config.response_cache_bytes)
    api = Api(app)
    app.extensions["register_api"] = api
    register_error_handlers(app)

    from service.resources import (
        actors,
        changes,
        countries,
        export,
        measures,
        relations,
        sources,
        statements,
        timeline,
        triggers,
        vocabularies,
    )

    for module in (
        measures,
        triggers,
        statements,
        actors,
        countries,
        sources,
        vocabularies,
        timeline,
        relations,
        export,
        changes,
    ):
        api.register_blueprint(module.blp)

    @app.get("/docs/assets/<path:filename>")
    def docs_assets(filename: str) -> Response:
        """Swagger UI's files, served here so the docs page needs no CDN."""
        return send_from_directory(str(swagger_ui_path), filename, max_age=86400)

    return app


def openapi_document(app: Flask) -> dict[str, Any]:
    with app.app_context():
        document: dict[str, Any] = app.extensions["register_api"].spec.to_dict()
        return document
