"""The timeline: what happened when, in the register's dated records."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from service.extensions import db
from service.resources.common import LINK_HEADER, Blueprint, paged
from service.schemas.timeline import (
    TimelineEntrySchema,
    TimelinePageSchema,
    TimelineQuery,
    TimelineQueryArgs,
)
from service.services import countries, organisations, timeline

blp = Blueprint(
    "timeline",
    __name__,
    url_prefix="/v1",
    description="Dated triggers, statements and status changes, in date order. Only dated"
    " records appear: the register never guesses a date.",
)


@blp.list_route("/timeline")
class Timeline(MethodView):
    @blp.etag
    @blp.query(TimelineQueryArgs)
    @blp.response(200, TimelinePageSchema, headers=LINK_HEADER)
    def get(self, args: TimelineQuery) -> Any:
        """List dated triggers, statements and status changes in date order.

        Undated records are left out: the register never guesses a date. A date of month
        or year precision is stored, and sorted, as the first day of its period.
        """
        return paged(lambda a: timeline.list_(db.session, a), args, TimelineEntrySchema)


@blp.list_route("/countries/<string:code>/timeline")
class CountryTimeline(MethodView):
    @blp.etag
    @blp.not_found
    @blp.query(TimelineQueryArgs)
    @blp.response(200, TimelinePageSchema, headers=LINK_HEADER)
    def get(self, args: TimelineQuery, code: str) -> Any:
        """List the dated timeline of the records that involve a country.

        Triggers where the country plays a role; status changes of measures where it plays
        a role; statements by an actor of the country, or about a trigger or a measure in
        which it plays a role. Undated records are left out, as on `/v1/timeline`.
        """
        country = countries.get(db.session, code)
        return paged(
            lambda a: timeline.list_(db.session, a, country.code), args, TimelineEntrySchema
        )


@blp.list_route("/organisations/<string:code>/timeline")
class OrganisationTimeline(MethodView):
    @blp.etag
    @blp.not_found
    @blp.query(TimelineQueryArgs)
    @blp.response(200, TimelinePageSchema, headers=LINK_HEADER)
    def get(self, args: TimelineQuery, code: str) -> Any:
        """List the dated timeline of the records that involve an organisation.

        As a country's timeline: triggers and measures in which the organisation itself
        plays a role, and statements by its actors or about those records.
        """
        organisation = organisations.get(db.session, code)
        return paged(
            lambda a: timeline.list_(db.session, a, organisation.code), args, TimelineEntrySchema
        )
