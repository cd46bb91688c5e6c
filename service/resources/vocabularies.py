"""Vocabularies."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from service import vocabularies
from service.resources.common import Blueprint
from service.schemas.vocabularies import VocabularyListSchema

blp = Blueprint(
    "vocabularies",
    __name__,
    url_prefix="/v1/vocabularies",
    description="The controlled terms every write is checked against.",
)


@blp.route("")
class Vocabularies(MethodView):
    @blp.etag
    @blp.response(200, VocabularyListSchema)
    def get(self) -> Any:
        """List every vocabulary with the definition of each term.

        Measure types and statuses, stances, roles, kinds and the other controlled terms:
        the values every filter and every write accepts.
        """
        return {
            "items": [
                {"name": name, "terms": [{"term": t, "definition": d} for t, d in terms.items()]}
                for name, terms in vocabularies.ALL.items()
            ]
        }
