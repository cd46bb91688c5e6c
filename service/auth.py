"""Who is calling: API keys on ``Authorization: Bearer <token>``, and the scopes writes need.

Reads are public and need no key; a valid key on a read only moves the request from its
address's rate limit to the key's. Writes carry ``@requires("write")`` (key management
``@requires("admin")``, the proposals ``@requires("review")``, even to read: nothing
proposed is public until accepted), placed first, above ``@blp.arguments``, so that a request
without a good key is answered 401 or 403 before its body is even read, and nothing is
written. An ``admin`` key has every scope.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from flask import Flask, g, request
from flask_smorest import Blueprint
from flask_smorest.utils import prepare_response

from service.api import ProblemSchema
from service.errors import PROBLEM_JSON, Forbidden, Unauthorized
from service.extensions import db
from service.models import ApiKey
from service.models.api_key import SCOPES
from service.problems import error_body, example
from service.services import keys

F = TypeVar("F", bound=Callable[..., Any])

SECURITY_SCHEME = "bearerAuth"
REALM = 'Bearer realm="register"'
_STATE = "register_auth"
UNAUTHENTICATED = "UNAUTHENTICATED"
_CHALLENGE = {
    "description": 'The scheme, `Bearer realm="register"`, and the RFC 6750 `error`.',
    "schema": {"type": "string"},
}
# Never registered: lends its response-documenting decorators to `requires`.
_DOCS = Blueprint("auth-docs", __name__)


@dataclass(frozen=True)
class Presented:
    """What the request's Authorization header holds."""

    token: str | None  # the Bearer token, if the header is one
    key: ApiKey | None  # the live key it names, if any
    header: bool  # whether there was an Authorization header at all


def presented() -> Presented:
    """The key this request presents, looked up once per request."""
    state: Presented | None = g.get(_STATE)
    if state is None:
        header = request.headers.get("Authorization")
        scheme, _, token = (header or "").strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            state = Presented(None, None, header is not None)
        else:
            state = Presented(token, keys.authenticate(db.session, token), True)
        setattr(g, _STATE, state)
    return state


def current_key_id() -> str | None:
    """The id of the valid API key this request carries; None for an anonymous request."""
    key = presented().key
    return key.id if key is not None else None


def _unauthorized(detail: str, error: str | None = None) -> Unauthorized:
    return Unauthorized(detail, REALM if error is None else f'{REALM}, error="{error}"')


def _forbidden(scope: str) -> Forbidden:
    return Forbidden(
        f"The API key lacks the `{scope}` scope this operation needs.",
        f'{REALM}, error="insufficient_scope", scope="{scope}"',
    )


def check(scope: str) -> ApiKey:
    """The request's key if it grants ``scope``; otherwise a 401 or 403 problem."""
    state = presented()
    if state.token is None:
        if state.header:
            raise _unauthorized(
                "The Authorization header must be `Bearer <token>`.", "invalid_request"
            )
        raise _unauthorized(
            "This operation needs an API key: send `Authorization: Bearer <token>`."
        )
    if state.key is None:
        raise _unauthorized("The API key is unknown or has been revoked.", "invalid_token")
    if not state.key.grants(scope):
        raise _forbidden(scope)
    return state.key


def requires(scope: str) -> Callable[[F], F]:
    """Let the method run only for a live key granting ``scope``; documents the security."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}: one of {', '.join(SCOPES)}")
    unauthorized = _DOCS.alt_response(401, response=UNAUTHENTICATED)
    forbidden = _DOCS.alt_response(
        403,
        schema=ProblemSchema,
        content_type=PROBLEM_JSON,
        description=f"The API key lacks the `{scope}` scope (an `admin` key has every scope).",
        example=error_body(_forbidden(scope)),
        headers={"WWW-Authenticate": _CHALLENGE},
    )
    security = Blueprint.doc(security=[{SECURITY_SCHEME: []}])

    def decorator(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            check(scope)
            return func(*args, **kwargs)

        documented: F = security(forbidden(unauthorized(cast(F, wrapper))))
        return documented

    return decorator


def init_app(app: Flask) -> None:
    """Declare the bearer scheme and its 401 answer in the OpenAPI document."""
    spec = app.extensions["register_api"].spec
    response: dict[str, Any] = {
        "description": "No API key, a malformed `Authorization` header, or a key that is"
        " unknown or revoked.",
        "schema": ProblemSchema,
        "example": example(401),
        "headers": {"WWW-Authenticate": _CHALLENGE},
    }
    prepare_response(response, spec, PROBLEM_JSON)
    spec.components.response(UNAUTHENTICATED, response)
    scopes = "; ".join(f"`{name}`: {text.rstrip('.')}" for name, text in SCOPES.items())
    spec.components.security_scheme(
        SECURITY_SCHEME,
        {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "reg_<id>_<secret>",
            "description": "An API key from `POST /v1/keys` or `python -m service keys create`."
            f" Reads need none. Scopes: {scopes}.",
        },
    )
