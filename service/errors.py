"""Domain errors and the one table that maps them to problem+json (RFC 9457)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, json
from marshmallow.exceptions import SCHEMA


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


class InvalidBody(DomainError):
    """A body that is well-formed but breaks a rule, as marshmallow reports it."""

    status = 422
    title = "Unprocessable Content"

    def __init__(self, messages: Any) -> None:
        errors = [
            {"name": name or "(body)", "in": "body", "reason": reason}
            for name, reason in flatten(messages)
        ]
        detail = "; ".join(f"{e['name']}: {e['reason'].rstrip('.')}" for e in errors)
        super().__init__(f"Invalid body: {detail}.", errors)


class Conflict(DomainError):
    """The write contradicts what is stored (an id taken, a record still referred to)."""

    status = 409
    title = "Conflict"

    def __init__(self, detail: str, field: str | None = None) -> None:
        errors = [{"name": field, "in": "body", "reason": detail}] if field else None
        super().__init__(detail, errors)


class WriteContention(DomainError):
    """A write the database kept aborting to break races with concurrent writes."""

    status = 503
    title = "Service Unavailable"
    retry_after = 1  # seconds: the races it lost last milliseconds

    def __init__(self) -> None:
        super().__init__(
            "The write collided with concurrent writes to the same records, again and again,"
            " and was not stored. Retry it in a moment."
        )


class PreconditionRequired(DomainError):
    status = 428
    title = "Precondition Required"

    def __init__(self) -> None:
        super().__init__(
            "Send If-Match with the record's current ETag (from a GET): it proves the change"
            " is made to the version you read.",
            [{"name": "If-Match", "in": "header", "reason": "missing"}],
        )


class PreconditionFailed(DomainError):
    status = 412
    title = "Precondition Failed"

    def __init__(self, current: str) -> None:
        super().__init__(
            "The record has changed since you read it: If-Match does not match its current"
            f' ETag "{current}". GET it again and reapply your change.',
            [{"name": "If-Match", "in": "header", "reason": "stale"}],
        )


class InvalidCursor(DomainError):
    status = 422
    title = "Unprocessable Content"

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"Invalid value for query parameter 'cursor': {reason}",
            [{"name": "cursor", "in": "query", "reason": reason}],
        )


PROBLEM_JSON = "application/problem+json"


def flatten(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    """marshmallow's nested ``{"field": {"0": ["msg"]}}`` as ``[("field.0", "msg")]``."""
    if isinstance(messages, dict):
        flat: list[tuple[str, str]] = []
        for key, value in messages.items():
            # marshmallow files errors of a whole object under `_schema`: name the object.
            name = prefix if key == SCHEMA else f"{prefix}.{key}" if prefix else str(key)
            flat.extend(flatten(value, name))
        return flat
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [(prefix, " ".join(messages))]
    if isinstance(messages, list):
        return [pair for m in messages for pair in flatten(m, prefix)]
    return [(prefix, str(messages))]


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

    @app.errorhandler(WriteContention)
    def _write_contention(error: WriteContention) -> Response:
        headers = {"Retry-After": str(error.retry_after)}
        return problem(error.status, error.title, error.detail, headers=headers)
