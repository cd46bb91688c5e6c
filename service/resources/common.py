"""What every resource shares: a strict argument parser, paging headers, error docs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

import flask_smorest
import marshmallow as ma
from flask import request
from flask_smorest.exceptions import NotModified
from webargs.flaskparser import FlaskParser

from service.services.paging import Page

F = TypeVar("F", bound=Callable[..., Any])


class StrictParser(FlaskParser):
    """Unknown query parameters are errors, not silently ignored."""

    DEFAULT_UNKNOWN_BY_LOCATION = {  # noqa: RUF012 - webargs reads it as a class attribute
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE,
        "querystring": ma.RAISE,
    }


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = StrictParser()

    def _check_not_modified(self, etag: str) -> None:
        """Answer 304, carrying the ETag as RFC 9110 asks (flask-smorest omits it)."""
        if request.method in self.METHODS_CHECKING_NOT_MODIFIED and etag in request.if_none_match:
            not_modified = NotModified()
            not_modified.data = {"headers": {"ETag": f'"{etag}"'}}
            raise not_modified

    def query(self, schema: type[ma.Schema]) -> Callable[[F], F]:
        """Parse the query string with ``schema``; 400 for unknown names, 422 for bad values."""
        parse = self.arguments(schema, location="query", as_kwargs=False)
        bad_request = self.alt_response(400, response="BAD_REQUEST")

        def decorator(func: F) -> F:
            return bad_request(parse(func))

        return decorator

    def not_found(self, func: F) -> F:
        return self.alt_response(404, response="NOT_FOUND")(func)


LINK_HEADER = {
    "Link": {
        "description": 'RFC 8288 links: `rel="next"` to the next page (absent on the last).',
        "schema": {"type": "string"},
    }
}


def paged(page: Page[Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """The page as a response body and its ``Link`` header."""
    links = []
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"]
    links.append(f'<{request.base_url}{"?" + urlencode(args) if args else ""}>; rel="first"')
    if page.next_cursor:
        query = urlencode([*args, ("cursor", page.next_cursor)])
        links.append(f'<{request.base_url}?{query}>; rel="next"')
    body = {"items": page.items, "next_cursor": page.next_cursor}
    return body, 200, {"Link": ", ".join(links)}
