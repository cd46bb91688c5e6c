"""Domain errors leave as problem+json (RFC 9457), as the table in ``errors.py`` says.

``render`` writes an error's response; the app's handlers call it for every domain error
and for a database in passing trouble. ``examples`` gives the OpenAPI document a problem
of each status it declares.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, json

from service.errors import (
    ABOUT_BLANK,
    ANSWERED_ELSEWHERE,
    PROBLEM_JSON,
    PROBLEMS,
    DomainError,
    FieldError,
    problem_type,
)

log = logging.getLogger(__name__)


def problem_body(
    type_: str,
    title: str,
    status: int,
    detail: str | None = None,
    errors: list[FieldError] | None = None,
) -> dict[str, Any]:
    """A problem document; ``detail`` and ``errors`` only when there is something to say."""
    document: dict[str, Any] = {"type": type_, "title": title, "status": status}
    if detail:
        document["detail"] = detail
    if errors:
        document["errors"] = errors
    return document


def error_body(error: DomainError) -> dict[str, Any]:
    """The problem document ``error`` leaves as."""
    row = problem_type(error)
    return problem_body(row.type, row.title, row.status, error.detail, error.errors)


def examples() -> dict[int, dict[str, Any]]:
    """The problem document the OpenAPI document shows for each status it declares."""
    found = dict(ANSWERED_ELSEWHERE)
    for row in PROBLEMS.values():
        if row.example is not None:
            found[row.status] = error_body(row.example)
    return found


def example(status: int) -> dict[str, Any]:
    """The problem document the OpenAPI document shows for ``status``."""
    return examples()[status]


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    errors: list[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """An ``about:blank`` problem response, for answers no domain error makes."""
    return _respond(problem_body(ABOUT_BLANK, title, status, detail, errors), headers)


def render(error: DomainError, headers: Mapping[str, str] | None = None) -> Response:
    """``error`` as its table row says: status, body and headers (and any ``headers``)."""
    row = problem_type(error)
    return _respond(error_body(error), {**row.headers(error), **(headers or {})})


def _respond(document: dict[str, Any], headers: Mapping[str, str] | None) -> Response:
    response = Response(json.dumps(document), status=document["status"], mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def register_error_handlers(app: Flask) -> None:
    """Every domain error, and a database in passing trouble, leaves as problem+json."""
    app.register_error_handler(DomainError, render)
    register_database_error_handlers(app)


def register_database_error_handlers(app: Flask) -> None:
    """A database that is locked, slow or gone is a 503 with Retry-After, not a 500."""
    from sqlalchemy.exc import SQLAlchemyError

    from service.database_trouble import database_unavailable

    @app.errorhandler(SQLAlchemyError)
    def _database_error(error: SQLAlchemyError) -> Response:
        unavailable = database_unavailable(error)
        if unavailable is None:
            raise error  # a fault: Flask logs it with its stack and answers 500
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        # One line, no stack: while the database is down every request would log one.
        log.warning("database unavailable: %s: %s", type(error).__name__, reason)
        # The session's transaction is rolled back when the request ends: nothing of a
        # write that failed half way is committed.
        return render(unavailable)
