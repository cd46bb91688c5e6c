"""Relations between countries, drawn from the measures."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from service.extensions import db
from service.resources.common import Blueprint
from service.schemas.relations import RelationListSchema, RelationQuery, RelationQueryArgs
from service.services import relations

blp = Blueprint(
    "relations",
    __name__,
    url_prefix="/v1/relations",
    description="Country-to-country edges: measures and triggers, from whom to whom.",
)


@blp.route("")
class Relations(MethodView):
    @blp.etag
    @blp.query(RelationQueryArgs)
    @blp.response(200, RelationListSchema)
    def get(self, args: RelationQuery) -> Any:
        """List country-to-country edges of measures and of triggers.

        A measure gives edges from its imposers to its targets, beneficiaries and partners;
        a trigger from its originators to its hosts and the countries it affects (North
        Korea's troop deployment: KP to RU, host). One edge per (edge, from, to, role of
        `to`, type or kind), with the ids of its records, most records first. Not paged:
        there is at most one edge per pair of countries, role and type, and every edge needs
        all its records counted anyway.
        """
        return {"items": relations.list_(db.session, args)}
