"""Domain errors and the one table that maps them to problem+json (RFC 9457).

Services, resources and the request guards raise the errors below; ``PROBLEMS`` says how
each leaves over HTTP: its problem type, status, title, the headers it carries and the
example the OpenAPI document shows for its status. Nothing else in the code picks a
status for a domain error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow.exceptions import SCHEMA

PROBLEM_JSON = "application/problem+json"
ABOUT_BLANK = "about:blank"  # RFC 9457: the status says it all; the title is its phrase

FieldError = dict[str, str]  # {"name": …, "in": query | path | body | header, "reason": …}


class DomainError(Exception):
    """Something the register refuses, said in words a client can act on."""

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


# --- The request: its headers and its body ----------------------------------------------


class Unauthorized(DomainError):
    """No API key, a malformed ``Authorization`` header, or a key unknown or revoked."""

    def __init__(self, detail: str, challenge: str) -> None:
        super().__init__(detail)
        self.challenge = challenge  # the WWW-Authenticate header's value


class Forbidden(DomainError):
    """The caller is known and may not do this."""

    def __init__(self, detail: str, challenge: str | None = None) -> None:
        super().__init__(detail)
        self.challenge = challenge


class TooManyRequests(DomainError):
    """The caller spent its rate limit; the window resets in ``retry_after`` seconds."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class NotAcceptable(DomainError):
    """The Accept header names no media type the resource offers."""


class UnsupportedMediaType(DomainError):
    """A write's body is not JSON."""

    def __init__(self, given: str) -> None:
        super().__init__(
            f"The body must be JSON (Content-Type: application/json), not '{given or 'none'}'.",
            [{"name": "Content-Type", "in": "header", "reason": "not application/json"}],
        )


class ContentTooLarge(DomainError):
    """A body past the size the server accepts."""

    def __init__(self, limit: int | None) -> None:
        reason = f"Larger than the {limit} bytes this server accepts." if limit else "Too large."
        super().__init__(
            f"The body is too large: {reason[0].lower()}{reason[1:]}",
            [{"name": "(body)", "in": "body", "reason": reason}],
        )


class MalformedBody(DomainError):
    """A body that is not JSON a write can read: empty, not UTF-8, malformed, too deep."""

    def __init__(self, reason: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(
            f"The body is not acceptable JSON: {reason[:1].lower()}{reason[1:]}",
            errors or [{"name": "(body)", "in": "body", "reason": reason}],
        )


class InvalidBody(DomainError):
    """A body that is well-formed but breaks a rule, as marshmallow reports it."""

    def __init__(self, messages: Any) -> None:
        errors = [
            {"name": name or "(body)", "in": "body", "reason": reason}
            for name, reason in flatten(messages)
        ]
        detail = "; ".join(f"{e['name']}: {e['reason'].rstrip('.')}" for e in errors)
        super().__init__(f"Invalid body: {detail}.", errors)


class InvalidIdempotencyKey(DomainError):
    """An ``Idempotency-Key`` header that cannot be a key."""

    def __init__(self) -> None:
        super().__init__(
            "Idempotency-Key must be 1–255 printable ASCII characters without spaces or quotes.",
            [{"name": "Idempotency-Key", "in": "header", "reason": "malformed"}],
        )


class KeyReused(DomainError):
    """An ``Idempotency-Key`` already used for another request."""

    def __init__(self) -> None:
        super().__init__(
            "This Idempotency-Key was used for a different request (another path or body)."
            " Use a new key for a new request.",
            [{"name": "Idempotency-Key", "in": "header", "reason": "used for another request"}],
        )


class InvalidCursor(DomainError):
    """A ``cursor`` this service did not issue, or issued for another sort."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"Invalid value for query parameter 'cursor': {reason}",
            [{"name": "cursor", "in": "query", "reason": reason}],
        )


class InvalidSince(DomainError):
    """A change feed position (``since``) that is not one."""

    def __init__(self, reason: str, parameter: str = "since") -> None:
        super().__init__(
            f"Invalid value for query parameter '{parameter}': {reason}",
            [{"name": parameter, "in": "query", "reason": reason}],
        )


# --- The records ------------------------------------------------------------------------


class NotFound(DomainError):
    """No record of that kind has that id."""

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"No {kind} with id '{key}'.")
        self.kind = kind
        self.key = key


class NoStatusOn(NotFound):
    """The measure exists but had no dated status yet: as of that date it is not known."""

    def __init__(self, measure_id: str, as_of: dt.date) -> None:
        super().__init__("measure", measure_id)
        self.detail = (
            f"Measure '{measure_id}' has no dated status on {as_of.isoformat()}: none of its"
            " status changes certainly happened by then."
        )


class Gone(DomainError):
    """The record was there and was retired on purpose (a revoked key): not a mistyped id."""


class InvalidReference(DomainError):
    """A write names a record that does not exist, or one it may not name."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}", [{"name": field, "in": "body", "reason": reason}])


class Conflict(DomainError):
    """The write contradicts what is stored (an id taken, a record still referred to)."""

    def __init__(self, detail: str, field: str | None = None) -> None:
        errors = [{"name": field, "in": "body", "reason": detail}] if field else None
        super().__init__(detail, errors)


class ProposalDecided(DomainError):
    """A decision on a proposal that is no longer pending (accepted, rejected, superseded)."""

    def __init__(self, proposal_id: str, status: str) -> None:
        super().__init__(
            f"The proposal '{proposal_id}' is {status}, not pending: only a pending proposal"
            " can be accepted or rejected."
        )
        self.status = status


class PreconditionRequired(DomainError):
    """A change sent without ``If-Match``."""

    def __init__(self) -> None:
        super().__init__(
            "Send If-Match with the record's current ETag (from a GET): it proves the change"
            " is made to the version you read.",
            [{"name": "If-Match", "in": "header", "reason": "missing"}],
        )


class PreconditionFailed(DomainError):
    """A change made to a version of the record that is no longer the current one."""

    def __init__(self, current: str) -> None:
        super().__init__(
            "The record has changed since you read it: If-Match does not match its current"
            f' ETag "{current}". GET it again and reapply your change.',
            [{"name": "If-Match", "in": "header", "reason": "stale"}],
        )


# --- The database -----------------------------------------------------------------------


class WriteContention(DomainError):
    """A write the database kept aborting to break races with concurrent writes."""

    def __init__(self) -> None:
        super().__init__(
            "The write collided with concurrent writes to the same records, again and again,"
            " and was not stored. Retry it in a moment."
        )


class Unavailable(DomainError):
    """The database cannot answer now, and retrying shortly may succeed."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


# --- The table ----------------------------------------------------------------------------

Headers = Callable[[Any], Mapping[str, str]]


def _none(error: DomainError) -> Mapping[str, str]:
    return {}


def _challenge(error: Unauthorized | Forbidden) -> Mapping[str, str]:
    return {"WWW-Authenticate": error.challenge} if error.challenge else {}


def _retry(error: TooManyRequests | Unavailable) -> Mapping[str, str]:
    return {"Retry-After": str(error.retry_after)}


def _retry_soon(error: WriteContention) -> Mapping[str, str]:
    return {"Retry-After": "1"}  # seconds: the races it lost last milliseconds


def _retry_uncached(error: Unavailable) -> Mapping[str, str]:
    return {**_retry(error), "Cache-Control": "no-store"}


@dataclass(frozen=True)
class ProblemType:
    """How one domain error leaves over HTTP."""

    status: int
    title: str
    headers: Headers = _none
    # The one error whose body the OpenAPI document shows as its status's example.
    example: DomainError | None = None
    type: str = ABOUT_BLANK


_REGISTER = 'Bearer realm="register"'
_SEED = "kr-k2-tanks-poland"

PROBLEMS: dict[type[DomainError], ProblemType] = {
    DomainError: ProblemType(400, "Bad Request"),
    MalformedBody: ProblemType(
        400,
        "Bad Request",
        example=MalformedBody("Expecting ',' delimiter (line 3, column 5)."),
    ),
    Unauthorized: ProblemType(
        401,
        "Unauthorized",
        headers=_challenge,
        example=Unauthorized(
            "This operation needs an API key: send `Authorization: Bearer <token>`.", _REGISTER
        ),
    ),
    Forbidden: ProblemType(
        403,
        "Forbidden",
        headers=_challenge,
        example=Forbidden(
            "The API key lacks the `write` scope this operation needs.",
            f'{_REGISTER}, error="insufficient_scope", scope="write"',
        ),
    ),
    NotFound: ProblemType(404, "Not Found", example=NotFound("measure", "kr-k2-tanks-polan")),
    NoStatusOn: ProblemType(404, "Not Found"),
    NotAcceptable: ProblemType(
        406,
        "Not Acceptable",
        example=NotAcceptable(
            "Cannot answer in any media type the Accept header names; this resource offers"
            " application/json, text/csv, application/x-ndjson (or pass `format`)."
        ),
    ),
    Conflict: ProblemType(
        409,
        "Conflict",
        example=Conflict(f"A measure with id '{_SEED}' already exists.", "id"),
    ),
    ProposalDecided: ProblemType(409, "Conflict"),
    Gone: ProblemType(
        410,
        "Gone",
        example=Gone(
            "The API key '3f2a9c0d81b7e465' was revoked at 2026-11-02T09:30:00+00:00; revoked"
            " keys are listed with GET /v1/keys?revoked=true."
        ),
    ),
    PreconditionFailed: ProblemType(
        412,
        "Precondition Failed",
        example=PreconditionFailed("2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"),
    ),
    ContentTooLarge: ProblemType(413, "Content Too Large", example=ContentTooLarge(1048576)),
    UnsupportedMediaType: ProblemType(
        415, "Unsupported Media Type", example=UnsupportedMediaType("text/plain")
    ),
    InvalidReference: ProblemType(
        422,
        "Unprocessable Content",
        example=InvalidReference("announced_by", "no actor with id 'yoon-suk-yeoll'"),
    ),
    InvalidBody: ProblemType(422, "Unprocessable Content"),
    InvalidIdempotencyKey: ProblemType(422, "Unprocessable Content"),
    KeyReused: ProblemType(422, "Unprocessable Content"),
    InvalidCursor: ProblemType(422, "Unprocessable Content"),
    InvalidSince: ProblemType(422, "Unprocessable Content"),
    PreconditionRequired: ProblemType(428, "Precondition Required", example=PreconditionRequired()),
    TooManyRequests: ProblemType(
        429,
        "Too Many Requests",
        headers=_retry,
        example=TooManyRequests(
            "Rate limit of 120 per 1 minute for this address exceeded; retry in 12 s.", 12
        ),
    ),
    WriteContention: ProblemType(503, "Service Unavailable", headers=_retry_soon),
    Unavailable: ProblemType(
        503,
        "Service Unavailable",
        headers=_retry_uncached,
        example=Unavailable("Every database connection is in use; retry shortly.", 1),
    ),
}

# Answered before or around the app, by the server and the framework, not by a domain
# error: gunicorn refuses a long request line (service/server.py), a fault is a 500
# (service/api.py). Their examples are written out.
ANSWERED_ELSEWHERE: dict[int, dict[str, Any]] = {
    414: {
        "type": ABOUT_BLANK,
        "title": "URI Too Long",
        "status": 414,
        "detail": "The request line (method, path and query) is longer than 8190 bytes.",
    },
    500: {
        "type": ABOUT_BLANK,
        "title": "Internal Server Error",
        "status": 500,
        "detail": "The server could not complete the request; quote request id"
        " 0f8b6c2e-4d1a-4e57-9b3c-7a2d5e9f1c04 when reporting it.",
        "request_id": "0f8b6c2e-4d1a-4e57-9b3c-7a2d5e9f1c04",
    },
}


def problem_type(error: DomainError) -> ProblemType:
    """The table's row for ``error``: its own class's, else its nearest ancestor's."""
    for cls in type(error).__mro__:
        if cls in PROBLEMS:
            return PROBLEMS[cls]
    raise LookupError(f"{type(error).__name__} is not in errors.PROBLEMS")


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
