"""Security and caching headers on every response (OWASP's REST Security Cheat Sheet).

- ``X-Content-Type-Options: nosniff`` everywhere: a browser must not guess that an
  export or a quoted article is HTML and run it.
- ``Content-Security-Policy``: API answers may not load or frame anything; the docs page
  may run only its own scripts (and the one inline script of its template, by hash); the
  pages for people set their own (``service/pages/common.py``: their own stylesheets, no
  script); no page may be framed (``frame-ancestors 'none'``, against clickjacking).
- ``Cache-Control``: a successful read may be reused briefly and then revalidated with its
  ``ETag`` (public when anonymous, private with a key); write answers, errors and the
  operations routes are ``no-store``.
"""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask, Response, request

from service import ops

# Reads change only by writes, and a client revalidates with If-None-Match for the price
# of one indexed query: a short freshness bounds how stale a shared cache can be.
READ_MAX_AGE = 10
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_PATH = "/docs"
INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def docs_csp(body: bytes) -> str:
    """The docs page's policy: its own files, plus its inline scripts by their hashes."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
        for script in INLINE_SCRIPT.findall(body)
    )
    return (
        f"default-src 'self'; script-src 'self' {hashes}; "
        # Swagger UI sets inline styles and draws icons from data: URIs.
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )


def cache_control(response: Response) -> str | None:
    """What ``Cache-Control`` this response gets, or None to keep the one it has."""
    if request.blueprint == ops.blp.name or response.status_code >= 400:
        return "no-store"
    if request.method not in ("GET", "HEAD"):
        return "no-store"
    if "Cache-Control" in response.headers:
        return None  # set on purpose by the view (static files)
    scope = "private" if "Authorization" in request.headers else "public"
    return f"{scope}, max-age={READ_MAX_AGE}, must-revalidate"


def secure(response: Response) -> Response:
    """``after_request``: the headers above."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    if "Content-Security-Policy" in response.headers:
        pass  # set on purpose by the view (the pages: their own stylesheets only)
    elif request.path == DOCS_PATH and response.status_code == 200 and not response.is_streamed:
        response.headers["Content-Security-Policy"] = docs_csp(response.get_data())
    elif request.path.startswith(f"{DOCS_PATH}/"):
        response.headers["Content-Security-Policy"] = docs_csp(b"")
    else:
        response.headers["Content-Security-Policy"] = API_CSP
    value = cache_control(response)
    if value is not None:
        response.headers["Cache-Control"] = value
    if request.method in ("GET", "HEAD"):
        # A shared cache must not hand an anonymous answer to a key, or the reverse.
        response.vary.add("Authorization")
    return response


def init_app(app: Flask) -> None:
    """Add the security and caching headers to every response of ``app``."""
    app.after_request(secure)
