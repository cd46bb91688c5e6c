"""Pages for people: the register in HTML, rendered on the server, beside the API.

The pages read through the same services as the API, with its own query schemas, and
each links to the API URLs that give its data; they are not part of the OpenAPI
document (a plain Flask blueprint, not flask-smorest's). Reading needs no script: the
only files a page loads are its stylesheets, served here from ``static/`` (Pico CSS,
vendored from npm by ``python -m service assets``, and our own).
"""

from __future__ import annotations

from flask import Flask

from service import ratelimit
from service.pages import assets
from service.pages.common import blp, static_files


def init_app(app: Flask) -> None:
    """Serve the pages and their stylesheets from ``app``."""
    from service.pages import home, measures, overview, records, sources  # noqa: F401  # routes

    app.register_blueprint(blp)
    app.register_blueprint(static_files)
    ratelimit.exempt(app, static_files)
    app.jinja_env.globals["stylesheets"] = assets.stylesheets()
