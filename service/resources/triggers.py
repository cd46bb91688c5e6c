"""Triggers and the measures that answer them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask.views import MethodView

from service.extensions import db
from service.resources import writes
from service.resources.common import LINK_HEADER, Blueprint, paged, rendered
from service.resources.measures import measure_page, measures_paged, within
from service.schemas.common import ListArgs, ListQuery, sort_arg
from service.schemas.measures import MeasureAsOf, MeasureAsOfArgs
from service.schemas.triggers import (
    TriggerData,
    TriggerPageSchema,
    TriggerQuery,
    TriggerQueryArgs,
    TriggerSchema,
)
from service.services import triggers
from service.services.documents import document

blp = Blueprint(
    "triggers", __name__, url_prefix="/v1/triggers", description="Events that measures answer."
)


class TriggerMeasuresQuery(ListQuery, MeasureAsOf):
    sort: str


class TriggerMeasuresQueryArgs(ListArgs, MeasureAsOfArgs):
    sort = sort_arg(["id", "announced_on", "title"], "-announced_on")


@blp.list_route("")
class Triggers(MethodView):
    @blp.etag
    @blp.query(TriggerQueryArgs)
    @blp.response(200, TriggerPageSchema, headers=LINK_HEADER)
    def get(self, args: TriggerQuery) -> Any:
        """List triggers.

        Events and developments that measures respond to, such as a troop deployment or a
        treaty, with the countries involved and how well the claim is verified.
        """
        return paged(lambda a: triggers.list_(db.session, a), args, TriggerSchema)

    @writes.creates(blp, triggers.RECORD)
    def post(self, data: TriggerData) -> Any:
        """Create a trigger, citing its sources' exact words."""
        return writes.create(triggers.RECORD, data)


@blp.route("/<string:trigger_id>")
class TriggerItem(MethodView):
    @blp.etag
    @blp.not_found
    @blp.response(200, TriggerSchema)
    def get(self, trigger_id: str) -> Any:
        """Get a trigger.

        With its countries and roles, its verification and the citations that report it.
        """
        return rendered(document(db.session, triggers.get(db.session, trigger_id)))

    @writes.updates(blp, triggers.RECORD)
    def patch(self, data: Mapping[str, object], trigger_id: str) -> Any:
        """Change some fields of a trigger; the fields you leave out are kept."""
        return writes.patch(triggers.RECORD, trigger_id, data)

    @writes.deletes(blp)
    def delete(self, trigger_id: str) -> Any:
        """Delete a trigger; its revisions keep every version."""
        return writes.delete(triggers.RECORD, trigger_id)


writes.revisions_view(blp, triggers.RECORD)


@blp.list_route("/<string:trigger_id>/measures")
class TriggerMeasures(MethodView):
    @measure_page(blp)
    @blp.not_found
    @blp.query(TriggerMeasuresQueryArgs)
    def get(self, args: TriggerMeasuresQuery, trigger_id: str) -> Any:
        """List the measures that respond to, or are conditional on, a trigger.

        Each measure's `triggers` says which of the two relations it has.
        """
        triggers.get(db.session, trigger_id)
        return measures_paged(within(args, trigger=trigger_id))
