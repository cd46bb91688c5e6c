"""Statements."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask.views import MethodView

from service.extensions import db
from service.resources import writes
from service.resources.common import LINK_HEADER, Blueprint, paged, rendered
from service.schemas.statements import (
    StatementData,
    StatementPageSchema,
    StatementQuery,
    StatementQueryArgs,
    StatementSchema,
)
from service.services import statements
from service.services.documents import document

blp = Blueprint(
    "statements", __name__, url_prefix="/v1/statements", description="Who said what, and when."
)


@blp.list_route("")
class Statements(MethodView):
    @blp.etag
    @blp.query(StatementQueryArgs)
    @blp.response(200, StatementPageSchema, headers=LINK_HEADER)
    def get(self, args: StatementQuery) -> Any:
        """List statements: reports, denials, warnings, demands, pledges.

        Contested figures are kept side by side, each with who gave it: filter with
        `trigger=kp-troops-to-russia&has_figure=true` to compare the troop estimates.
        """
        return paged(lambda a: statements.list_(db.session, a), args, StatementSchema)

    @writes.creates(blp, statements.RECORD)
    def post(self, data: StatementData) -> Any:
        """Create a statement, citing its sources' exact words."""
        return writes.create(statements.RECORD, data)


@blp.route("/<string:statement_id>")
class StatementItem(MethodView):
    @blp.etag
    @blp.not_found
    @blp.response(200, StatementSchema)
    def get(self, statement_id: str) -> Any:
        """Get a statement.

        Who said it, its stance, what it is about, the cited passage and any figure.
        """
        return rendered(document(db.session, statements.get(db.session, statement_id)))

    @writes.updates(blp, statements.RECORD)
    def patch(self, data: Mapping[str, object], statement_id: str) -> Any:
        """Change some fields of a statement; the fields you leave out are kept."""
        return writes.patch(statements.RECORD, statement_id, data)

    @writes.deletes(blp)
    def delete(self, statement_id: str) -> Any:
        """Delete a statement; its revisions keep every version."""
        return writes.delete(statements.RECORD, statement_id)


writes.revisions_view(blp, statements.RECORD)
