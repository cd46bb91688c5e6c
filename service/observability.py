"""Request ids, one JSON log line per request, and request metrics, around the whole app.

The work is done in WSGI middleware rather than Flask hooks so that a streamed export is
timed to its last byte, and every response, 304s and errors included, carries the id.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from flask import Flask, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

import service.metrics as metrics

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_KEY = "register.request_id"
# A client's id is kept only when it cannot forge log lines or headers.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@+=/-]{1,128}")
ROUTE_KEY = "register.route"
UNMATCHED = "<unmatched>"
ACCESS_LOGGER = "service.access"
# One format for the service's lines and gunicorn's: time (ISO 8601, UTC), level, logger, pid.
JSON_LOG_FORMAT: dict[str, Any] = {
    "fmt": "{levelname}{name}{process}{message}",
    "style": "{",
    "rename_fields": {"levelname": "level", "name": "logger", "process": "pid"},
    "timestamp": "time",
}


def request_id_from(header: str | None) -> str:
    """The client's ``X-Request-ID`` when it is safe to repeat, else a new UUID."""
    if header and VALID_REQUEST_ID.fullmatch(header):
        return header
    return str(uuid.uuid4())


def current_request_id() -> str | None:
    """The id of the request being handled, if any."""
    if not has_request_context():
        return None
    value = request.environ.get(REQUEST_ID_KEY)
    return str(value) if value else None


class _RequestIdFilter(logging.Filter):
    """Stamp every record logged while handling a request with the request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            request_id = current_request_id()
            if request_id:
                record.request_id = request_id
        return True


def json_formatter() -> logging.Formatter:
    """A formatter writing each log record as one JSON line."""
    return JsonFormatter(**JSON_LOG_FORMAT)


def configure_logging(level: str) -> None:
    """The service's loggers write JSON lines on stdout; configured once per process."""
    logger = logging.getLogger("service")
    logger.setLevel(level)
    if not any(getattr(h, "register_json", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.register_json = True  # type: ignore[attr-defined]
        handler.setFormatter(json_formatter())
        handler.addFilter(_RequestIdFilter())
        logger.addHandler(handler)


class _Observed:
    """The response body, calling ``done`` once: after its last chunk or on close."""

    def __init__(self, body: Iterable[bytes], done: Callable[[], None]) -> None:
        self.body = body
        self.done: Callable[[], None] | None = done

    def __iter__(self) -> Iterator[bytes]:
        yield from self.body
        self._done()

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self._done()

    def _done(self) -> None:
        done, self.done = self.done, None
        if done is not None:
            done()


class RequestObserver:
    """WSGI middleware: request id in and out, then a log line and metrics once sent."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self.log = logging.getLogger(ACCESS_LOGGER)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Serve the request with its id; log and count it once its body is sent."""
        started = time.perf_counter()
        request_id = request_id_from(environ.get("HTTP_X_REQUEST_ID"))
        environ[REQUEST_ID_KEY] = request_id
        status: list[int] = [500]

        def respond(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[0] = int(code.split(" ", 1)[0])
            headers = [(k, v) for k, v in headers if k.lower() != "x-request-id"]
            headers.append((REQUEST_ID_HEADER, request_id))
            return start_response(code, headers, exc_info)

        def finished() -> None:
            self.finish(environ, status[0], time.perf_counter() - started)

        try:
            body = self.app(environ, respond)
        except BaseException:
            finished()
            raise
        return _Observed(body, finished)

    def finish(self, environ: WSGIEnvironment, status: int, seconds: float) -> None:
        """Log and count a finished request, by its route."""
        route = environ.get(ROUTE_KEY) or UNMATCHED
        method = str(environ.get("REQUEST_METHOD", ""))
        metrics.observe_request(method, route, status, seconds)
        self.log.info(
            "request",
            extra={
                "method": method,
                "route": route,
                "path": environ.get("PATH_INFO", ""),
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
                "request_id": environ[REQUEST_ID_KEY],
                "remote_addr": environ.get("REMOTE_ADDR"),
            },
        )


def init_app(app: Flask, log_level: str) -> None:
    """Log as JSON lines at ``log_level``, labelling each request by its route."""
    configure_logging(log_level)

    @app.teardown_request
    def _keep_route(_error: BaseException | None) -> None:
        # The URL rule, not the path, labels metrics: one series per route, whatever the ids.
        if request.url_rule is not None:
            request.environ[ROUTE_KEY] = request.url_rule.rule

    wrapped: Callable[..., Any] = app.wsgi_app
    app.wsgi_app = RequestObserver(wrapped)  # type: ignore[method-assign]
