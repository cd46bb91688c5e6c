"""What every resource shares: a strict argument parser, paging headers, error docs.

A list answers JSON pages at its path and downloads (every match as CSV or NDJSON) at
the same path with `.csv` or `.ndjson`: two operations, so a generated client types the
list as JSON alone rather than a union of JSON and text.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast
from urllib.parse import quote, urlencode, urlsplit

import flask_smorest
import marshmallow as ma
from flask import Flask, Request, Response, current_app, request
from flask.blueprints import BlueprintSetupState
from flask.views import MethodView
from flask_smorest.exceptions import NotModified
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request

from service import bodies, cache
from service.api import REPEATED
from service.exports import stream
from service.exports.negotiation import CSV, NDJSON, negotiate
from service.extensions import db
from service.resources.typed import F, TypedBlueprint
from service.schemas.common import ListArgs
from service.services.documents import encode, etag
from service.services.paging import Page

# A list's query, as its ``XQuery`` TypedDict types it (``schemas/``).
Q = TypeVar("Q", bound=Mapping[str, Any])


class StrictParser(FlaskParser):
    """Unknown query parameters are errors, not silently ignored; so is a repeated one.

    A parameter of one value given twice (`sort=id&sort=title`) would otherwise be read as
    its first value: the client would get an answer to a question it did not ask. JSON bodies
    are read strictly (:mod:`service.bodies`).
    """

    DEFAULT_UNKNOWN_BY_LOCATION = {  # noqa: RUF012 - webargs reads it as a class attribute
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE,
        "querystring": ma.RAISE,
    }

    def _raw_load_json(self, req: Any) -> Any:
        """JSON bodies go through the strict reader: webargs' ``json.loads`` is lenient."""
        return bodies.load(req) if is_json_request(req) and bodies.given(req) else missing

    def load_querystring(self, req: Request, schema: ma.Schema) -> Any:
        """The query string; a parameter repeated where one value is taken is a 422."""
        proxy = super().load_querystring(req, schema)
        single = {field.data_key or name for name, field in schema.fields.items()}
        single -= proxy.multiple_keys
        repeated = {key: [REPEATED] for key in single if len(req.args.getlist(key)) > 1}
        if repeated:
            raise ma.ValidationError(repeated)
        return proxy


class _SetupState(BlueprintSetupState):
    """A rule starting with `.` extends the prefix itself: `/v1/measures` + `.csv`."""

    def add_url_rule(self, rule: str, *args: Any, **kwargs: Any) -> None:
        if not (rule.startswith(".") and self.url_prefix):
            return super().add_url_rule(rule, *args, **kwargs)
        prefix, self.url_prefix = self.url_prefix, None
        try:
            super().add_url_rule(prefix.rstrip("/") + rule, *args, **kwargs)
        finally:
            self.url_prefix = prefix


DOWNLOAD_FORMATS = "<any(csv, ndjson):format>"
NOT_IN_DOWNLOADS = ("limit", "format")  # a download has every record, in the path's format


class Blueprint(TypedBlueprint):
    """A resource's blueprint: strict parsing, lists with downloads, bodies written once."""

    ARGUMENTS_PARSER = StrictParser()

    def make_setup_state(
        self, app: Flask, options: dict[str, Any], first_registration: bool = False
    ) -> BlueprintSetupState:
        """The state that registers the routes: one starting with `.` extends the prefix."""
        return _SetupState(self, app, options, first_registration)

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

    def _set_etag_in_response(self, response: Response) -> None:
        """Tag a 200 as flask-smorest does, unless :func:`rendered` tagged it already.

        A redirect (a list's 303 to its download) or a 304 has no representation to tag.
        """
        if response.status_code < 300 and response.get_etag()[0] is None:
            super()._set_etag_in_response(response)

    def rendered_response(
        self, schema: type[ma.Schema] | ma.Schema, headers: dict[str, Any] | None = None
    ) -> Callable[[F], F]:
        """Declare a 200 of ``schema`` with its ETag, whose body the view has already rendered.

        The fast path of reads, declared once. The view returns what ``schema`` would dump
        (and the response's headers, if any) with every record already its API document:
        its stored JSON as ``orjson.Fragment``, or a dict. :func:`rendered` encodes it once
        and tags it with the hash of its bytes, where flask-smorest would dump it through
        ``schema`` again and hash a second serialisation. A ``Response`` (a download, a
        redirect) passes as it is. The OpenAPI document is what ``etag`` and ``response``
        make of ``schema``; ``tests/test_measure_documents.py`` holds each body equal to
        ``schema``'s dump.
        """

        def decorator(func: F) -> F:
            @functools.wraps(func)
            def wrapper(*args: Any, **kwargs: Any) -> Response:
                result = func(*args, **kwargs)
                if isinstance(result, Response):
                    return result
                body, extra = result if isinstance(result, tuple) else (result, None)
                return rendered(body, extra)

            return self.etag(self.response(200, schema, headers=headers)(cast(F, wrapper)))

        return decorator

    def query(self, schema: type[ma.Schema]) -> Callable[[F], F]:
        """Parse the query string with ``schema``; 400 for unknown names, 422 for bad values.

        A list (``schema`` extends ``ListArgs``, routed with ``list_route``) answers a
        request for CSV or NDJSON (``format`` or Accept) with a 303 to its download.
        """
        # An instance, not the class: webargs would build a new schema for every request.
        parse = self.arguments(schema(), location="query", as_kwargs=False)
        bad_request = self.alt_response(400, response="BAD_REQUEST")
        downloads = [
            self.alt_response(303, description=SEE_DOWNLOAD, headers=LOCATION_HEADER),
            self.alt_response(406, response="NOT_ACCEPTABLE"),
        ]

        def decorator(func: F) -> F:
            if not issubclass(schema, ListArgs):
                return bad_request(parse(func))
            func = bad_request(parse(_downloads_elsewhere(func)))
            func._list_args = schema  # type: ignore[attr-defined]  # read by list_route
            for document in downloads:
                func = document(func)
            return func

        return decorator

    def list_route(self, rule: str) -> Callable[[type[MethodView]], type[MethodView]]:
        """Route a list view at ``rule`` and its downloads at ``rule.csv``, ``rule.ndjson``.

        The download operation runs the list's own ``get`` with the same filters and sort,
        minus ``limit``; the path's extension is the format.
        """

        def decorator(view: type[MethodView]) -> type[MethodView]:
            self.route(rule)(view)
            download = self._download_view(view)
            self.route(f"{rule}.{DOWNLOAD_FORMATS}", endpoint=download.__name__)(download)
            return view

        return decorator

    def _download_view(self, view: type[MethodView]) -> type:
        listed = view.get  # type: ignore[attr-defined]
        schema: type[ma.Schema] = listed._list_args
        run_list = inspect.unwrap(listed)  # the view's body, under the parsing and docs
        what = (listed.__doc__ or "").strip().splitlines()[0].removeprefix("List ")
        what = what.split(",")[0].rstrip(".")

        def get(self: MethodView, args: dict[str, Any], format: str, **path: str) -> Any:
            return run_list(self, {**args, "format": format}, **path)

        get.__doc__ = (
            f"Download {what}: every match, as CSV or NDJSON.\n\nThe list's filters and sort"
            " apply; records are read in keyset batches and streamed."
        )
        documented = self.alt_response(200, **EXPORT_DOCS[CSV], content_type=CSV, success=True)(
            self.alt_response(200, **EXPORT_DOCS[NDJSON], content_type=NDJSON, success=True)(
                self.alt_response(400, response="BAD_REQUEST")(
                    self.arguments(
                        schema(exclude=NOT_IN_DOWNLOADS), location="query", as_kwargs=False
                    )(get)
                )
            )
        )
        # 404: another extension, or (on a nested list) an unknown parent.
        documented = self.not_found(documented)
        return type(f"{view.__name__}Download", (MethodView,), {"get": self.etag(documented)})

    def not_found(self, func: F) -> F:
        """Declare the 404 problem a view answers for an unknown id."""
        return self.alt_response(404, response="NOT_FOUND")(func)


def _downloads_elsewhere(func: F) -> F:
    """A list asked for CSV or NDJSON answers 303 with the download's URL."""

    @functools.wraps(func)
    def wrapper(view: MethodView, args: dict[str, Any], **path: str) -> Any:
        fmt = negotiate(args.get("format"))
        if fmt == "json":
            return func(view, args, **path)
        query = [(k, v) for k, v in request.args.items(multi=True) if k not in NOT_IN_DOWNLOADS]
        # Quoted: a path parameter may hold anything, a newline included (schemathesis sent one).
        listed = quote(request.path.rstrip("/"))
        location = f"{listed}.{fmt}{'?' + urlencode(query) if query else ''}"
        redirect = Response(status=303, headers={"Location": location, "Vary": "Accept"})
        del redirect.headers["Content-Type"]  # no body, so no media type
        return redirect

    return wrapper  # type: ignore[return-value]


SEE_DOWNLOAD = (
    "`format=csv` or `format=ndjson` (or an Accept header preferring `text/csv` or"
    " `application/x-ndjson`): the download is at `Location`, this path with `.csv` or"
    " `.ndjson`, the same filters and sort, without `limit`."
)
LOCATION_HEADER = {"Location": {"description": "The download's URL.", "schema": {"type": "string"}}}

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


def paged(fetch: Callable[[Q], Page[Any]], args: Q, item: type[ma.Schema]) -> Any:
    """One page of ``fetch(args)`` as JSON with its ``Link`` header, or every record.

    CSV and NDJSON (``format``, which only a download sets) stream every matching record;
    ``item`` is the schema of one record, shared by the JSON page and the exports.
    """
    if (args.get("format") or "json") != "json":
        return download(fetch, args, item)
    page = fetch(args)
    return {"items": page.items, "next_cursor": page.next_cursor}, 200, page_headers(page)


def page_headers(page: Page[Any]) -> dict[str, str]:
    """The headers of a JSON page: its links, and that it depends on ``Accept``."""
    return {"Link": link_header(page.next_cursor), "Vary": "Accept"}


def download(
    fetch: Callable[[Q], Page[Any]],
    args: Q,
    item: type[ma.Schema],
    export: stream.Render | None = None,
) -> Response:
    """Every record ``fetch`` matches, as CSV or NDJSON (``args['format']``), streamed.

    The records are read in keyset batches; ``export``, where a list has one, turns a batch
    into documents at once (else ``item`` dumps each record).
    """
    fmt = args["format"]
    # One snapshot for the whole download; ``fetch`` reads through ``db.session``, which
    # is this session. The ETag comes from the register's fingerprint in the same
    # snapshot, before any record is read.
    session = db.snapshot()
    _blueprint().set_etag([*stream.fingerprint(session), fmt, request.full_path])
    name = request.path.rstrip("/").rsplit("/", 1)[-1].removesuffix(f".{fmt}")
    # The export reads every page by calling ``fetch`` with ``args`` and its own ``limit``
    # and ``cursor``: keys of every list's query, so each call still gets a ``Q``.
    every_page = cast(stream.Fetch, fetch)
    response = stream.list_export(session, every_page, dict(args), item(), fmt, name, export)
    response.headers["Vary"] = "Accept"
    return response


def link_base() -> str:
    """This list's URL without its query, for links: absolute only from a trusted origin.

    The ``Host`` header is the client's to choose; echoed into a link, a forged one would
    send the next client of a shared cache elsewhere. With ``PUBLIC_BASE_URL`` the links
    start with it; behind trusted proxies, with the host they forwarded; else they are
    relative references (RFC 8288 resolves them against the request's URL).
    """
    path = urlsplit(request.base_url).path
    public: str | None = current_app.config.get("PUBLIC_BASE_URL")
    if public:
        return public + path
    if current_app.config.get("TRUSTED_PROXIES"):
        return request.base_url
    return path


def link_header(next_cursor: str | None, cursor: str = "cursor") -> str:
    """RFC 8288 ``first`` and (unless this is the last page) ``next`` links of this list."""
    base = link_base()
    params = [(k, v) for k, v in request.args.items(multi=True) if k != cursor]
    links = [f'<{base}{"?" + urlencode(params) if params else ""}>; rel="first"']
    if next_cursor:
        query = urlencode([*params, (cursor, next_cursor)])
        links.append(f'<{base}?{query}>; rel="next"')
    return ", ".join(links)


def rendered(document: Any, headers: dict[str, str] | None = None) -> Response:
    """A finished JSON document as the response, with the hash of its bytes as ETag.

    A conditional GET that names this ETag is answered 304, carrying it (RFC 9110).
    flask-smorest would dump the document through the schema again and hash a second
    serialisation; the documents are already exactly what the schema documents (tested).
    """
    body = encode(document)
    tag = etag(body)
    if request.method in ("GET", "HEAD") and tag in request.if_none_match:
        return Response(status=304, headers={"ETag": f'"{tag}"'})
    response = Response(body, status=200, headers=headers, mimetype="application/json")
    response.set_etag(tag)
    return response
