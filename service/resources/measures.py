"""Measures.

Every read of measures is one line: the view calls one service function
(:func:`service.services.measures.page` or ``read``), which finds the measures and their
stored documents in one query; the response declared by :func:`measure_page` (or, for an
item, ``rendered_response(MeasureSchema)``) writes those documents into the body as they
are, and tags it with the hash of its bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from flask.views import MethodView

from service.extensions import db
from service.resources import writes
from service.resources.common import LINK_HEADER, Blueprint, download, page_headers
from service.schemas.measures import (
    MeasureAsOf,
    MeasureAsOfArgs,
    MeasureData,
    MeasurePageSchema,
    MeasureQuery,
    MeasureQueryArgs,
    MeasureSchema,
)
from service.services import measures

F = TypeVar("F", bound=Callable[..., Any])

blp = Blueprint(
    "measures",
    __name__,
    url_prefix="/v1/measures",
    description="Measures countries announce, threaten, agree or put in force.",
)


def measure_page(blueprint: Blueprint) -> Callable[[F], F]:
    """The response of every list of measures: a ``MeasurePageSchema`` page with its links.

    Declared here once, for ``/v1/measures`` and the lists nested under countries and
    triggers; the view returns :func:`measures_paged`, whose items are the measures'
    stored documents.
    """
    return blueprint.rendered_response(MeasurePageSchema, headers=LINK_HEADER)


def within(args: Mapping[str, Any], **filters: str) -> MeasureQuery:
    """A nested list's query (a country's, a trigger's measures) with its route's filter.

    Such a query has only keys of ``MeasureQuery``, of the same types (as
    tests/test_typed_data.py holds), and ``filters`` name the parent (``country="KR"``).
    """
    return cast(MeasureQuery, {**args, **filters})


def measures_paged(query: MeasureQuery) -> Any:
    """A page of the measures matching ``query``, or a download.

    A list nested under a country or a trigger adds its own filter to its query. A download
    (``format``, which only the download routes set) has every match, read in keyset
    batches of the same query.
    """
    if (query.get("format") or "json") != "json":
        return download(
            lambda batch: measures.page(db.session, batch, parsed=True), query, MeasureSchema, list
        )
    page = measures.page(db.session, query)
    return {"items": page.items, "next_cursor": page.next_cursor}, page_headers(page)


@blp.list_route("")
class Measures(MethodView):
    @measure_page(blp)
    @blp.query(MeasureQueryArgs)
    def get(self, args: MeasureQuery) -> Any:
        """List measures, filtered, sorted and paged by cursor.

        Filters combine: `country=KR&role=imposer&type=sanction` are the sanctions South
        Korea takes, whatever their status. Each measure comes whole, with its countries, items,
        triggers, citations and status history.
        """
        return measures_paged(args)

    @writes.creates(blp, measures.RECORD)
    def post(self, data: MeasureData) -> Any:
        """Create a measure, citing its sources' exact words."""
        return writes.create(measures.RECORD, data)


@blp.route("/<string:measure_id>")
class MeasureItem(MethodView):
    @blp.rendered_response(MeasureSchema)
    @blp.not_found
    @blp.query(MeasureAsOfArgs)
    def get(self, args: MeasureAsOf, measure_id: str) -> Any:
        """Get a measure with its countries, items, triggers, citations and history.

        With `as_of`, the measure as it stood on that date.
        """
        return measures.read(db.session, measure_id, args.get("as_of"))

    @writes.updates(blp, measures.RECORD)
    def patch(self, data: Mapping[str, object], measure_id: str) -> Any:
        """Change some fields of a measure; the fields you leave out are kept."""
        return writes.patch(measures.RECORD, measure_id, data)

    @writes.deletes(blp)
    def delete(self, measure_id: str) -> Any:
        """Delete a measure; its revisions keep every version."""
        return writes.delete(measures.RECORD, measure_id)


writes.revisions_view(blp, measures.RECORD)
