"""Domain errors and the one table that maps them to problem+json (RFC 9457)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, json


class DomainError(Exception):
    """An error a service raises; ``status`` is how HTTP reports it."""

    status = 400
    title = "Bad Request"

    def __init__(self, detail: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class NotFound(DomainError):
    status = 404
    title = "Not Found"

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"No {kind} with id '{key}'.")
        self.kind = kind
        self.key = key


class InvalidReference(DomainError):
    """A write names a record that does not exist, or one it may not name."""

    status = 422
    title = "Unprocessable Content"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}", [{"name": field, "in": "body", "reason": reason}])


class InvalidCursor(DomainError):
    status = 422
    title = "Unprocessable Content"

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"Invalid value for query parameter 'cursor': {reason}",
            [{"name": "cursor", "in": "query", "reason": reason}],
        )


PROBLEM_JSON = "application/problem+json"


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError) -> Response:
        return problem(error.status, error.title, error.detail, error.errors)
