"""What every page shares: its blueprint, its query string, its errors, and how it renders.

A page reads its query with the API's own schema (``MeasureQueryArgs`` for the measures),
through the API's strict parser: the same filters, defaults and refusals. A form sends
the fields left empty as ``name=``; those are dropped (and the browser redirected to the
URL without them), so that what remains is a query the API itself answers. Errors are the
API's problems (the same table, the same words), shown as HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from types import SimpleNamespace
from typing import Any, cast
from urllib.parse import urlencode

import marshmallow as ma
from flask import Blueprint, Request, Response, abort, redirect, render_template, request
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as WerkzeugResponse

from service import vocabularies as vocab
from service.api import validation_problem
from service.errors import PROBLEM_JSON
from service.extensions import db
from service.models import Base, Party
from service.resources.common import StrictParser
from service.schemas.common import Document
from service.services import countries
from service.services.registry import RecordType

blp = Blueprint("pages", __name__, template_folder="templates")


# Served by the service itself, outside every rate limit: a page's stylesheets are not
# requests a reader chose to make.
class _Static(Blueprint):
    def get_send_file_max_age(self, filename: str | None) -> int:
        """A day: the pages link each file with a digest of its bytes, new bytes a new URL."""
        return 86400


static_files = _Static("page_assets", __name__, static_folder="static", static_url_path="/static")

PARSER = StrictParser()
HTML = "text/html"
# The pages load their own stylesheets (Pico draws its icons from data: URIs); no script runs.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


class Query:
    """A page's query string, less the values left blank, in the order it was given."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.pairs = [(k, v) for k, v in pairs if v.strip()]

    @classmethod
    def of_request(cls) -> Query:
        """The query of this request."""
        return cls(request.args.items(multi=True))

    def string(self, drop: Iterable[str] = (), **changes: str | None) -> str:
        """``?…`` of this query less ``drop``, with ``changes`` in place (None: removed)."""
        gone = {*drop, *changes}
        pairs = [(k, v) for k, v in self.pairs if k not in gone]
        pairs += [(k, v) for k, v in changes.items() if v is not None]
        return f"?{urlencode(pairs)}" if pairs else ""

    def values(self, key: str) -> list[str]:
        """Every value given for ``key``, comma-separated ones apart (as the API reads them)."""
        return [part for k, v in self.pairs if k == key for part in v.split(",") if part]

    def first(self, key: str) -> str:
        """The value of ``key``, or an empty string."""
        return next((v for k, v in self.pairs if k == key), "")


def parse(schema: ma.Schema, query: Query) -> Any:
    """``query`` loaded by ``schema`` as the API loads it; else the API's 400 or 422."""
    args = MultiDict(query.pairs)
    try:
        proxy = PARSER.load_querystring(cast(Request, SimpleNamespace(args=args)), schema)
        return schema.load(proxy, unknown=ma.RAISE)
    except ma.ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"": error.messages}
        abort(validation_problem({"query": messages}))


@blp.before_request
def without_blanks() -> WerkzeugResponse | None:
    """Redirect to this URL without the fields a form left blank, if it had any."""
    query = Query.of_request()
    if len(query.pairs) == len(list(request.args.items(multi=True))):
        return None
    return redirect(request.path + query.string(), 303)


def dumped(kind: RecordType, records: Iterable[Base]) -> list[Document]:
    """``records`` of ``kind`` as the API serves them."""
    return [kind.dump(record) for record in records]


def listing(kind: RecordType, schema: ma.Schema, title: str) -> Response:
    """A collection's list page: filtered, sorted and paged as ``/v1/<collection>`` is.

    The template is ``<collection>.html``, given the page's records under the
    collection's name.
    """
    query = Query.of_request()
    page = kind.list_(db.session, parse(schema, query))
    return render(
        f"{kind.collection}.html",
        title,
        {"This page as JSON": f"/v1/{kind.collection}{query.string()}"},
        query=query,
        next_cursor=page.next_cursor,
        **{kind.collection: dumped(kind, page.items)},
    )


def parties_of(documents: Iterable[Document]) -> dict[str, Party]:
    """The parties named by ``documents`` (measures or triggers, as the API serves them)."""
    codes = {party["country"] for doc in documents for party in doc["countries"]}
    return countries.named(db.session, codes)


def render(template: str, title: str, api: Mapping[str, str], **context: Any) -> Response:
    """The page ``template`` titled ``title``, linking to the API URLs ``api`` (label: URL)."""
    body = render_template(f"pages/{template}", title=title, api=api, **context)
    return Response(body, mimetype=HTML)


# --- For the templates ----------------------------------------------------------------

MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


def term(value: str | None) -> str:
    """A term of a vocabulary as words: ``arms_transfer`` is "arms transfer"."""
    return (value or "").replace("_", " ")


def when(value: str | dt.date | None, precision: str | None = "day") -> str:
    """A date as precisely as it is known: "22 October 2024", "October 2024" or "2024"."""
    if value is None:
        return "undated"
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return f"{MONTHS[day.month - 1]} {day.year}"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


# What a reader calls one record of each collection.
SINGULAR = {
    "measures": "measure",
    "triggers": "trigger",
    "statements": "statement",
    "actors": "actor",
    "sources": "article",
    "countries": "country",
    "organisations": "organisation",
}


def page_of(collection: str, key: str) -> str:
    """The page of the record ``key`` of ``collection``."""
    if collection in ("countries", "organisations"):
        return party_page(key)
    return f"/{collection}/{key}"


def party_page(code: str) -> str:
    """The page of the party ``code``: an organisation's or a country's."""
    kind = "organisations" if code.upper() in vocab.ORGANISATIONS else "countries"
    return f"/{kind}/{code.upper()}"


@blp.get("/docs/")
def docs() -> WerkzeugResponse:
    """The API's docs page is at ``/docs``; a link with a trailing slash still finds it."""
    return redirect("/docs", 308)


@blp.app_template_global()
def definition(vocabulary: str, value: str) -> str:
    """The definition of ``value`` in the vocabulary ``vocabulary`` (a name of ``ALL``)."""
    return vocab.ALL[vocabulary].get(value, "")


@blp.after_request
def html(response: Response) -> Response:
    """A problem (404, 422, 429, 503…) becomes an HTML page; every page gets its CSP.

    The status, the headers and the words of the problem are the API's, unchanged.
    """
    if response.mimetype == PROBLEM_JSON:
        problem = response.get_json(silent=True) or {}
        body = render_template("pages/error.html", title=problem.get("title"), problem=problem)
        response.set_data(body)
        response.mimetype = HTML
    if response.mimetype == HTML:
        response.headers["Content-Security-Policy"] = CSP
        if response.status_code == 200:
            response.add_etag()
            response.make_conditional(request)
    return response


def init_filters(blueprint: Blueprint) -> None:
    """The templates' filters."""
    blueprint.add_app_template_filter(term)
    blueprint.add_app_template_filter(when)
    blueprint.add_app_template_global(page_of)
    blueprint.add_app_template_global(party_page)
    blueprint.record_once(lambda state: state.app.jinja_env.globals.update(singular=SINGULAR))


init_filters(blp)
