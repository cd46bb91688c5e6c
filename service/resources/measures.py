"""Measures."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from service.extensions import db
from service.resources.common import LINK_HEADER, Blueprint, paged, rendered
from service.schemas.measures import (
    MeasureAsOfArgs,
    MeasurePageSchema,
    MeasureQueryArgs,
    MeasureSchema,
)
from service.services import measures
from service.services.measure_documents import documents

blp = Blueprint(
    "measures",
    __name__,
    url_prefix="/v1/measures",
    description="Measures countries announce, threaten, agree or put in force.",
)


@blp.route("")
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
        return paged(
            lambda a: measures.list_(db.session, a, lean=True),
            args,
            MeasureSchema,
            render=lambda rows: documents(db.session, rows, args.get("as_of")),
        )


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
        return rendered(documents(db.session, [measure], args.get("as_of"))[0])
