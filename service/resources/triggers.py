"""Triggers and the measures that answer them."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from service.extensions import db
from service.resources.common import LINK_HEADER, Blueprint, paged
from service.schemas.common import ListArgs, sort_arg
from service.schemas.measures import MeasureAsOfArgs, MeasurePageSchema, MeasureSchema
from service.schemas.triggers import TriggerPageSchema, TriggerQueryArgs, TriggerSchema
from service.services import measures, triggers

blp = Blueprint(
    "triggers", __name__, url_prefix="/v1/triggers", description="Events that measures answer."
)


class TriggerMeasuresQueryArgs(ListArgs, MeasureAsOfArgs):
    sort = sort_arg(["id", "announced_on", "title"], "-announced_on")


@blp.route("")
class Triggers(MethodView):
    @blp.etag
    @blp.query(TriggerQueryArgs)
    @blp.response(200, TriggerPageSchema, headers=LINK_HEADER)
    def get(self, args: dict[str, Any]) -> Any:
        """List triggers.

        Events and developments that measures respond to, such as a troop deployment or a
        treaty, with the countries involved and how well the claim is verified.
        """
        return paged(lambda a: triggers.list_(db.session, a), args, TriggerSchema)


@blp.route("/<string:trigger_id>")
class TriggerItem(MethodView):
    @blp.etag
    @blp.not_found
    @blp.response(200, TriggerSchema)
    def get(self, trigger_id: str) -> Any:
        """Get a trigger.

        With its countries and roles, its verification and the citations that report it.
        """
        return triggers.get(db.session, trigger_id)


@blp.route("/<string:trigger_id>/measures")
class TriggerMeasures(MethodView):
    @blp.etag
    @blp.not_found
    @blp.query(TriggerMeasuresQueryArgs)
    @blp.response(200, MeasurePageSchema, headers=LINK_HEADER)
    def get(self, args: dict[str, Any], trigger_id: str) -> Any:
        """List the measures that respond to, or are conditional on, a trigger.

        Each measure's `triggers` says which of the two relations it has.
        """
        triggers.get(db.session, trigger_id)
        return paged(
            lambda a: measures.list_(db.session, {**a, "trigger": trigger_id}),
            args,
            MeasureSchema,
        )
