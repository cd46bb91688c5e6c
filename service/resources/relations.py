"""Relations between countries, drawn from the measures."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from service.extensions import db
from service.resources.common import Blueprint
from service.schemas.relations import RelationListSchema, RelationQueryArgs
from service.services import relations

blp = Blueprint(
    "relations",
    __name__,
    url_prefix="/v1/relations",
    description="Country-to-country edges: which country takes which measures towards which.",
)


@blp.route("")
class Relations(MethodView):
    @blp.etag
    @blp.query(RelationQueryArgs)
    @blp.response(200, RelationListSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """List country-to-country edges: imposer to target, beneficiary or partner.

        One edge per (from, to, role of `to`, measure type), with the ids of its measures,
        most measures first. Not paged: there is at most one edge per pair of countries,
        role and type, and every edge needs all measures counted anyway.
        """
        return {"items": relations.list_(db.session, args)}
