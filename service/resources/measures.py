"""Measures."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import Any

from flask.views import MethodView

from service.extensions import db
from service.resources import writes
from service.resources.common import LINK_HEADER, Blueprint, paged, rendered
from service.schemas.measures import (
    MeasureAsOfArgs,
    MeasureCreateSchema,
    MeasurePageSchema,
    MeasureQueryArgs,
    MeasureSchema,
    MeasureUpdateSchema,
)
from service.services import measures
from service.services.measure_documents import documents, fragments
from service.services.paging import Page

blp = Blueprint(
    "measures",
    __name__,
    url_prefix="/v1/measures",
    description="Measures countries announce, threaten, agree or put in force.",
)


def _render(as_of: dt.date | None) -> Callable[[Sequence[Any]], Sequence[Any]]:
    """Rows of measures as the page's items: their stored JSON, or documents as of a date."""
    if as_of is None:
        return lambda rows: fragments(db.session, rows)
    return lambda rows: documents(db.session, rows, as_of)


def measures_paged(args: dict[str, Any], **within: str) -> Any:
    """A page (or export) of the measures matching ``args`` and a route's own ``within``."""

    def fetch(query: dict[str, Any]) -> Page[Any]:
        return measures.list_(db.session, {**query, **within})

    as_of = args.get("as_of")
    export = functools.partial(documents, db.session, as_of=as_of)
    return paged(fetch, args, MeasureSchema, render=_render(as_of), export=export)


@blp.list_route("")
class Measures(MethodView):
    @blp.etag
    @blp.query(MeasureQueryArgs)
    @blp.response(200, MeasurePageSchema, headers=LINK_HEADER)
    def get(self, args: dict[str, Any]) -> Any:
        """List measures, filtered, sorted and paged by cursor.

        Filters combine: `country=KR&role=imposer&type=sanction` are the sanctions South
        Korea takes, whatever their status. Each measure comes whole, with its countries, items,
        triggers, citations and status history.
        """
        return measures_paged(args)

    @writes.creates(blp, MeasureCreateSchema, MeasureSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a measure, citing its sources' exact words."""
        return writes.create("measures", data)


@blp.route("/<string:measure_id>")
class MeasureItem(MethodView):
    @blp.etag
    @blp.not_found
    @blp.query(MeasureAsOfArgs)
    @blp.response(200, MeasureSchema)
    def get(self, args: dict[str, Any], measure_id: str) -> Any:
        """Get a measure with its countries, items, triggers, citations and history.

        With `as_of`, the measure as it stood on that date.
        """
        measure = measures.get(db.session, measure_id, args.get("as_of"))
        return rendered(_render(args.get("as_of"))([measure])[0])

    @writes.updates(blp, MeasureUpdateSchema, MeasureSchema)
    def patch(self, data: dict[str, Any], measure_id: str) -> Any:
        """Change some fields of a measure; the fields you leave out are kept."""
        return writes.patch("measures", measure_id, data)

    @writes.deletes(blp)
    def delete(self, measure_id: str) -> Any:
        """Delete a measure; its revisions keep every version."""
        return writes.delete("measures", measure_id)


writes.revisions_view(blp, "measures", "measure", "measure_id")
