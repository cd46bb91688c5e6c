"""Operations endpoints (/healthz, /readyz, /metrics) and the production wiring of the app.

These routes are for load balancers, orchestrators and Prometheus, not API clients: they
stay out of the OpenAPI document, rate limits and authentication.
"""

from __future__ import annotations

import hmac
import logging
from functools import cache
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask_cors import CORS
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge

from service import metrics, observability
from service.config import PROJECT_ROOT, Config
from service.errors import Forbidden, Unauthorized
from service.problems import problem, render

ENGINE_KEY = "register_engine"
METRICS_DIR_KEY = "register_metrics_dir"
METRICS_TOKEN_KEY = "register_metrics_token"
# What browsers may read from and send to the API across origins.
CORS_EXPOSE = ["ETag", "Link", "X-Request-ID", "Retry-After", "Content-Disposition"]
CORS_ALLOW = ["Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key"]

# Past the limit, up to this much of a body is read and dropped before the 413 is sent: a
# client that writes its whole body before it reads (Python's http.client, many others) then
# reads the answer rather than a broken pipe. Past it, the connection is cut.
DRAIN_BYTES = 8 * 2**20

blp = Blueprint("ops", __name__)
log = logging.getLogger(__name__)


@cache
def migration_heads() -> frozenset[str]:
    """The revisions the code expects the database to be at."""
    return frozenset(ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_heads())


@blp.get("/healthz")
def healthz() -> Response:
    """The process is up and answering (it checks nothing else)."""
    return jsonify(status="ok")


@blp.get("/readyz")
def readyz() -> Response:
    """Ready for traffic: the database answers and its schema is at the code's migration head."""
    engine: Engine = current_app.extensions[ENGINE_KEY]
    try:
        with engine.connect() as connection:
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        # No stack: a load balancer asks every few seconds while the database is down.
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        log.warning("not ready: database unreachable: %s: %s", type(error).__name__, reason)
        return not_ready("The database is unreachable.")
    expected = migration_heads()
    if not current:
        return not_ready("The database has no schema: run `python -m service migrate`.")
    if current != expected:
        return not_ready(
            f"The database is at revision {', '.join(sorted(current))}, the code expects "
            f"{', '.join(sorted(expected))}: run `python -m service migrate`."
        )
    return jsonify(status="ready", revision=", ".join(sorted(current)))


def not_ready(reason: str) -> Response:
    """The 503 problem of a service that cannot serve yet, saying why."""
    response = problem(503, "Service Unavailable", reason)
    response.headers["Cache-Control"] = "no-store"
    return response


LOOPBACK = frozenset({"127.0.0.1", "::1"})


def _metrics_refused() -> Response | None:
    """A 401 or 403 unless the caller may read the metrics (see ``METRICS_TOKEN``)."""
    token: str | None = current_app.extensions[METRICS_TOKEN_KEY]
    if token is None:
        if request.remote_addr in LOOPBACK:
            return None
        return render(
            Forbidden(
                "Metrics are served to loopback clients only; set METRICS_TOKEN to let"
                " Prometheus read them from elsewhere with that bearer token."
            )
        )
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token):
        return None
    return render(
        Unauthorized(
            "Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.",
            'Bearer realm="metrics"',
        )
    )


@blp.get("/metrics")
def metrics_view() -> Response:
    """Request counts and latencies by route, method and status; database pool use."""
    refused = _metrics_refused()
    if refused is not None:
        return refused
    directory: Path | None = current_app.extensions[METRICS_DIR_KEY]
    return Response(metrics.exposition(directory), content_type=metrics.CONTENT_TYPE)


def refuse_body_over_limit() -> None:
    """A body past MAX_BODY_BYTES is a 413, however it is sent.

    With a Content-Length, werkzeug would raise the 413 only when a view reads the body. Sent
    in chunks (no Content-Length), werkzeug stops reading at the limit and hands on what it
    read as if it were all of it: a write would store a truncated text.
    """
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    rest = request.environ["wsgi.input"]
    length = request.content_length
    if length is not None and length > limit:
        _drain(rest, min(length, DRAIN_BYTES))
        raise RequestEntityTooLarge()
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    # werkzeug reads a chunked body up to the limit: one byte more means it is past it.
    if length is None and chunked and len(request.get_data()) >= limit and rest.read(1):
        _drain(rest, DRAIN_BYTES)
        raise RequestEntityTooLarge()


def _drain(stream: Any, most: int) -> None:
    """Read and drop up to ``most`` bytes of what the client is still sending."""
    while most > 0 and (chunk := stream.read(min(most, 65536))):
        most -= len(chunk)


def init_app(app: Flask, config: Config, engine: Engine | None) -> None:
    """Request ids, JSON logs, metrics, CORS, the body limit and the operations routes."""
    assert engine is not None, "the database is initialised first"
    app.extensions[ENGINE_KEY] = engine
    app.extensions[METRICS_DIR_KEY] = config.prometheus_multiproc_dir
    app.extensions[METRICS_TOKEN_KEY] = config.metrics_token
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.before_request(refuse_body_over_limit)
    observability.init_app(app, config.log_level)
    metrics.instrument_pool(engine)
    if config.cors_origins:
        CORS(
            app,
            origins="*" if "*" in config.cors_origins else list(config.cors_origins),
            expose_headers=CORS_EXPOSE,
            allow_headers=CORS_ALLOW,
            max_age=600,
        )
    app.register_blueprint(blp)
