"""Actors."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from service.extensions import db
from service.resources.common import LINK_HEADER, Blueprint, paged
from service.schemas.actors import ActorPageSchema, ActorQueryArgs, ActorSchema
from service.services import actors

blp = Blueprint(
    "actors", __name__, url_prefix="/v1/actors", description="People and bodies that speak or act."
)


@blp.route("")
class Actors(MethodView):
    @blp.etag
    @blp.query(ActorQueryArgs)
    @blp.response(200, ActorPageSchema, headers=LINK_HEADER)
    def get(self, args: dict[str, Any]) -> Any:
        """List actors.

        People and bodies that announce, report, demand or deny: heads of state, government
        bodies, intelligence agencies, international organisations, experts. Filter by `kind`
        or `country`; `q` looks in names, roles and aliases.
        """
        return paged(lambda a: actors.list_(db.session, a), args, ActorSchema)


@blp.route("/<string:actor_id>")
class ActorItem(MethodView):
    @blp.etag
    @blp.not_found
    @blp.response(200, ActorSchema)
    def get(self, actor_id: str) -> Any:
        """Get an actor.

        With the aliases the articles use for it and the citations that identify it.
        """
        return actors.get(db.session, actor_id)
