"""What every resource shares: a strict argument parser, paging headers, error docs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

import flask_smorest
import marshmallow as ma
from flask import Response, current_app, request
from flask_smorest.etag import _get_etag_ctx
from flask_smorest.exceptions import NotModified
from webargs.flaskparser import FlaskParser

from service import cache
from service.exports import stream
from service.exports.negotiation import CSV, NDJSON, negotiate
from service.extensions import db
from service.schemas.common import ListArgs
from service.services.documents import encode, etag
from service.services.paging import Page

F = TypeVar("F", bound=Callable[..., Any])


class BodyETag(str):
    """An ETag that is already the hash of the response body (``services.documents.etag``)."""


class StrictParser(FlaskParser):
    """Unknown query parameters are errors, not silently ignored."""

    DEFAULT_UNKNOWN_BY_LOCATION = {  # noqa: RUF012 - webargs reads it as a class attribute
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE,
        "querystring": ma.RAISE,
    }


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = StrictParser()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # GETs are answered from the response cache when the register has not changed.
        self.before_request(cache.lookup)
        self.after_request(cache.store)

    def _check_not_modified(self, etag: str) -> None:
        """Answer 304, carrying the ETag as RFC 9110 asks (flask-smorest omits it)."""
        if request.method in self.METHODS_CHECKING_NOT_MODIFIED and etag in request.if_none_match:
            not_modified = NotModified()
            not_modified.data = {"headers": {"ETag": f'"{etag}"'}}
            raise not_modified

    def set_etag(self, etag_data: Any, etag_schema: Any = None) -> None:
        """Take a ``BodyETag`` as it is; hash anything else as flask-smorest does."""
        if isinstance(etag_data, BodyETag):
            self._check_not_modified(etag_data)
            # flask-smorest keeps the ETag of the response in its request context.
            _get_etag_ctx()["etag"] = str(etag_data)
            return
        super().set_etag(etag_data, etag_schema)

    def query(self, schema: type[ma.Schema]) -> Callable[[F], F]:
        """Parse the query string with ``schema``; 400 for unknown names, 422 for bad values.

        A list (``schema`` extends ``ListArgs``) also documents its CSV and NDJSON exports
        and the 406 of an Accept header it cannot satisfy: ``paged`` answers them.
        """
        # An instance, not the class: webargs would build a new schema for every request.
        parse = self.arguments(schema(), location="query", as_kwargs=False)
        bad_request = self.alt_response(400, response="BAD_REQUEST")
        exports = [
            self.alt_response(200, **EXPORT_DOCS[CSV], content_type=CSV, success=True),
            self.alt_response(200, **EXPORT_DOCS[NDJSON], content_type=NDJSON, success=True),
            self.alt_response(406, response="NOT_ACCEPTABLE"),
        ]

        def decorator(func: F) -> F:
            func = bad_request(parse(func))
            if issubclass(schema, ListArgs):
                for document in exports:
                    func = document(func)
            return func

        return decorator

    def not_found(self, func: F) -> F:
        return self.alt_response(404, response="NOT_FOUND")(func)


LINK_HEADER = {
    "Link": {
        "description": 'RFC 8288 links: `rel="next"` to the next page (absent on the last).',
        "schema": {"type": "string"},
    }
}


EXPORT_HEADERS = {
    "Content-Disposition": {
        "description": 'On downloads (CSV, NDJSON): `attachment; filename="<name>.<format>"`.',
        "schema": {"type": "string"},
    }
}
EXPORT_DOCS: dict[str, dict[str, Any]] = {
    CSV: {
        "schema": {"type": "string", "description": "Every matching record, one row each."},
        "headers": EXPORT_HEADERS,
    },
    NDJSON: {
        "schema": {
            "type": "string",
            "description": "Every matching record, one JSON object (an `items` entry) a line.",
        }
    },
}


def _blueprint() -> flask_smorest.Blueprint:
    """The blueprint serving this request, whose ETag machinery answers 304s."""
    blueprint = current_app.blueprints[request.blueprint or ""]
    assert isinstance(blueprint, flask_smorest.Blueprint)
    return blueprint


def paged(
    fetch: Callable[[dict[str, Any]], Page[Any]],
    args: dict[str, Any],
    item: type[ma.Schema],
    render: Callable[[Sequence[Any]], Sequence[Any]] | None = None,
    export: stream.Render | None = None,
) -> Any:
    """One page of ``fetch(args)`` as JSON with its ``Link`` header, or every record.

    CSV and NDJSON (``format`` or Accept) stream every matching record in keyset batches;
    ``item`` is the schema of one record, shared by the JSON page and the exports.
    ``render``, where a resource has one, turns a page of rows into what ``item`` would
    dump (documents, or their JSON as ``orjson.Fragment``), in one go: the page is then
    encoded once and its ETag is the body's hash. ``export`` turns rows into documents
    for the exports.
    """
    fmt = negotiate(args.get("format"))
    if fmt != "json":
        # One snapshot for the whole download; ``fetch`` reads through ``db.session``, which
        # is this session. The ETag comes from the register's fingerprint in the same
        # snapshot, before any record is read.
        session = db.snapshot()
        _blueprint().set_etag([*stream.fingerprint(session), fmt, request.full_path])
        name = request.path.rstrip("/").rsplit("/", 1)[-1]
        response = stream.list_export(session, fetch, args, item(), fmt, name, export)
        response.headers["Vary"] = "Accept"
        return response
    page = fetch(args)
    headers = {"Link": link_header(page.next_cursor), "Vary": "Accept"}
    if render is not None:
        return rendered({"items": render(page.items), "next_cursor": page.next_cursor}, headers)
    body = {"items": page.items, "next_cursor": page.next_cursor}
    return body, 200, headers


def link_header(next_cursor: str | None, cursor: str = "cursor") -> str:
    """RFC 8288 ``first`` and (unless this is the last page) ``next`` links of this list."""
    params = [(k, v) for k, v in request.args.items(multi=True) if k != cursor]
    links = [f'<{request.base_url}{"?" + urlencode(params) if params else ""}>; rel="first"']
    if next_cursor:
        query = urlencode([*params, (cursor, next_cursor)])
        links.append(f'<{request.base_url}?{query}>; rel="next"')
    return ", ".join(links)


def rendered(document: Any, headers: dict[str, str] | None = None) -> Response:
    """A finished JSON document as the response, with the hash of its bytes as ETag.

    flask-smorest would dump it through the schema again and hash a second serialisation;
    the documents are already exactly what the schema documents (tested).
    """
    body = encode(document)
    _blueprint().set_etag(BodyETag(etag(body)))  # raises 304 when it matches
    return Response(body, status=200, headers=headers, mimetype="application/json")
