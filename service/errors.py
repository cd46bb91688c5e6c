"""Domain errors and the one table that maps them to problem+json (RFC 9457)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, json
from marshmallow.exceptions import SCHEMA

log = logging.getLogger(__name__)


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


class MalformedBody(DomainError):
    """A body that is not JSON a write can read: empty, not UTF-8, malformed, too deep."""

    status = 400
    title = "Bad Request"

    def __init__(self, reason: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(
            f"The body is not acceptable JSON: {reason[:1].lower()}{reason[1:]}",
            errors or [{"name": "(body)", "in": "body", "reason": reason}],
        )


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


class Gone(DomainError):
    """The record was there and was retired on purpose (a revoked key): not a mistyped id."""

    status = 410
    title = "Gone"


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

    register_database_error_handlers(app)


class Unavailable(DomainError):
    """The database cannot answer now, and retrying shortly may succeed."""

    status = 503
    title = "Service Unavailable"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


# SQLite's primary result codes (the low byte of an extended code) worth a retry: the
# database locked by another connection, or a file it cannot open or read at the moment.
_SQLITE_BUSY = {5: "locked", 6: "locked", 10: "unreachable", 14: "unreachable"}
# PostgreSQL's SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_PG_STATES = {
    "57014": "timeout",  # query_canceled: statement_timeout
    "55P03": "locked",  # lock_not_available: lock_timeout
    "40P01": "locked",  # deadlock_detected: PostgreSQL rolled this transaction back
    "40001": "locked",  # serialization_failure
}
# 08 connection exception, 53 insufficient resources (out of memory or of connections),
# 57 operator intervention (the server shutting down or starting).
_PG_CLASSES = {"08": "unreachable", "53": "overloaded", "57": "unreachable"}
_UNAVAILABLE = {
    "locked": (
        "The register is busy: a lock it needs was held past the wait allowed. "
        "Nothing was written; retry shortly.",
        1,
    ),
    "timeout": (
        "The query ran past the time allowed and was stopped. Nothing was written; retry "
        "shortly, or narrow the request.",
        1,
    ),
    "pool": ("Every database connection is in use; retry shortly.", 1),
    "overloaded": ("The database is short of resources; retry shortly.", 5),
    "unreachable": (
        "The database cannot be reached. Nothing was written; retry shortly.",
        5,
    ),
}


def database_trouble(error: BaseException) -> str | None:
    """Why a database error is passing trouble: locked, timeout, pool, unreachable; else None.

    None is a fault to fix, not to retry (a missing table, a broken query): it stays a 500.
    """
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    if isinstance(error, PoolTimeout):
        return "pool"
    if not isinstance(error, DBAPIError):
        return None
    if error.connection_invalidated:
        return "unreachable"
    orig = error.orig
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return _SQLITE_BUSY.get(code & 0xFF)
    if type(orig).__module__.split(".")[0] == "psycopg":
        state: str | None = getattr(orig, "sqlstate", None)
        if state is None:
            # libpq failed before the server said anything: refused, reset, timed out.
            return "unreachable" if type(orig).__name__ == "OperationalError" else None
        return _PG_STATES.get(state) or _PG_CLASSES.get(state[:2])
    return None


def database_unavailable(error: BaseException) -> Unavailable | None:
    """The 503 a database error is, when waiting and retrying may help; None if it is not."""
    trouble = database_trouble(error)
    if trouble is None:
        return None
    detail, retry_after = _UNAVAILABLE[trouble]
    return Unavailable(detail, retry_after)


def register_database_error_handlers(app: Flask) -> None:
    """A database that is locked, slow or gone is a 503 with Retry-After, not a 500."""
    from sqlalchemy.exc import SQLAlchemyError

    @app.errorhandler(Unavailable)
    def _unavailable(error: Unavailable) -> Response:
        headers = {"Retry-After": str(error.retry_after), "Cache-Control": "no-store"}
        return problem(error.status, error.title, error.detail, headers=headers)

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
        return _unavailable(unavailable)
