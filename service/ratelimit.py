"""Rate limits: per API key when a valid one is presented, otherwise per client address.

One budget per client across every route (flask-limiter's application limits), counted in
Redis when ``REDIS_URL`` is set, so every worker and instance shares it, else in this
process's memory. Over the limit is a 429 problem with ``Retry-After``.
"""

from __future__ import annotations

import math
import time
from typing import Any

from apispec import BasePlugin
from flask import Blueprint, Flask, Response, current_app, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded
from flask_smorest.utils import prepare_response
from werkzeug.middleware.proxy_fix import ProxyFix

from service.api import ProblemSchema
from service.auth import current_key_id
from service.config import Config
from service.errors import PROBLEM_JSON, TooManyRequests
from service.problems import example, render

EXTENSION = "register_limiter"
RATE_LIMITED = "RATE_LIMITED"


def _address() -> str:
    return f"address:{request.remote_addr or 'unknown'}"


def _key() -> str:
    return f"key:{current_key_id()}"


def _anonymous() -> bool:
    return current_key_id() is None


def _too_many_requests(error: RateLimitExceeded) -> Response:
    limiter: Limiter = current_app.extensions[EXTENSION]
    current = limiter.current_limit
    reset_at = current.window.reset_time if current is not None else time.time() + 1
    retry_after = max(1, math.ceil(reset_at - time.time()))
    who = "this address" if _anonymous() else "this API key"
    return render(
        TooManyRequests(
            f"Rate limit of {error.limit.limit} for {who} exceeded; retry in {retry_after} s.",
            retry_after,
        )
    )


def exempt(app: Flask, blueprint: Blueprint) -> None:
    """Leave ``blueprint``'s routes (health checks, metrics) out of every limit."""
    limiter: Limiter | None = app.extensions.get(EXTENSION)
    if limiter is not None:
        limiter.exempt(blueprint)


def init_app(app: Flask, config: Config) -> None:
    """Count requests against ``config``'s limits; trust ``trusted_proxies`` proxies."""
    if config.trusted_proxies:
        # Each trusted proxy appends the address it saw; believing more of X-Forwarded-For
        # than there are proxies would let any client pick the address it is counted as.
        # The same proxies say which host and scheme the client asked for (absolute links).
        hops = config.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    if not config.rate_limit_enabled:
        return
    options: dict[str, Any] = {}
    if config.redis_url:
        # A lost Redis must not take the API down with it: count in memory meanwhile.
        options["in_memory_fallback_enabled"] = True
    limiter = Limiter(
        _address,
        application_limits=[
            ApplicationLimit(
                config.rate_limit_anonymous,
                key_function=_address,
                scope="anonymous",
                exempt_when=lambda: not _anonymous(),
            ),
            ApplicationLimit(
                config.rate_limit_key, key_function=_key, scope="key", exempt_when=_anonymous
            ),
        ],
        storage_uri=config.redis_url or "memory://",
        key_prefix="register",
        strategy="fixed-window",
        **options,
    )
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter
    app.register_error_handler(RateLimitExceeded, _too_many_requests)
    _document(app)


class _EveryOperationIsLimited(BasePlugin):
    """Adds the 429 response to each operation as flask-smorest registers it."""

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **_: Any
    ) -> None:
        for operation in (operations or {}).values():
            operation.setdefault("responses", {})["429"] = RATE_LIMITED


def _document(app: Flask) -> None:
    spec = app.extensions["register_api"].spec
    response: dict[str, Any] = {
        "description": "Too many requests from this API key or, without one, this address.",
        "schema": ProblemSchema,
        "example": example(429),
        "headers": {
            "Retry-After": {
                "description": "Seconds until the limit's window resets.",
                "schema": {"type": "integer", "minimum": 1},
            }
        },
    }
    prepare_response(response, spec, PROBLEM_JSON)
    spec.components.response(RATE_LIMITED, response)
    plugin = _EveryOperationIsLimited()
    plugin.init_spec(spec)
    spec.plugins.append(plugin)
