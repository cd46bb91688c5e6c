"""Actors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask.views import MethodView

from service.extensions import db
from service.resources import writes
from service.resources.common import LINK_HEADER, Blueprint, paged, rendered
from service.schemas.actors import (
    ActorData,
    ActorPageSchema,
    ActorQuery,
    ActorQueryArgs,
    ActorSchema,
)
from service.services import actors
from service.services.documents import document

blp = Blueprint(
    "actors", __name__, url_prefix="/v1/actors", description="People and bodies that speak or act."
)


@blp.list_route("")
class Actors(MethodView):
    @blp.etag
    @blp.query(ActorQueryArgs)
    @blp.response(200, ActorPageSchema, headers=LINK_HEADER)
    def get(self, args: ActorQuery) -> Any:
        """List actors.

        People and bodies that announce, report, demand or deny: heads of state, government
        bodies, intelligence agencies, international organisations, experts. Filter by `kind`
        or `country`; `q` looks in names, roles and aliases.
        """
        return paged(lambda a: actors.list_(db.session, a), args, ActorSchema)

    @writes.creates(blp, actors.RECORD)
    def post(self, data: ActorData) -> Any:
        """Create an actor, citing its sources' exact words."""
        return writes.create(actors.RECORD, data)


@blp.route("/<string:actor_id>")
class ActorItem(MethodView):
    @blp.etag
    @blp.not_found
    @blp.response(200, ActorSchema)
    def get(self, actor_id: str) -> Any:
        """Get an actor.

        With the aliases the articles use for it and the citations that identify it.
        """
        return rendered(document(db.session, actors.get(db.session, actor_id)))

    @writes.updates(blp, actors.RECORD)
    def patch(self, data: Mapping[str, object], actor_id: str) -> Any:
        """Change some fields of an actor; the fields you leave out are kept."""
        return writes.patch(actors.RECORD, actor_id, data)

    @writes.deletes(blp)
    def delete(self, actor_id: str) -> Any:
        """Delete an actor; its revisions keep every version."""
        return writes.delete(actors.RECORD, actor_id)


writes.revisions_view(blp, actors.RECORD)
