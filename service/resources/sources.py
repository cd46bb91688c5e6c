"""Sources and their citations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask.views import MethodView

from service.auth import requires
from service.extensions import db
from service.extraction import EXTRACTOR
from service.resources import writes
from service.resources.common import LINK_HEADER, Blueprint, paged, rendered
from service.resources.writes import documented
from service.schemas.common import CitationSchema
from service.schemas.proposals import ExtractionSchema
from service.schemas.sources import (
    CitationPageSchema,
    CitationQuery,
    CitationQueryArgs,
    SourceData,
    SourcePageSchema,
    SourceQuery,
    SourceQueryArgs,
    SourceSchema,
)
from service.services import ingest, sources
from service.services.documents import document

blp = Blueprint(
    "sources", __name__, url_prefix="/v1/sources", description="Articles the register cites."
)


@blp.list_route("")
class Sources(MethodView):
    @blp.etag
    @blp.query(SourceQueryArgs)
    @blp.response(200, SourcePageSchema, headers=LINK_HEADER)
    def get(self, args: SourceQuery) -> Any:
        """List sources, each with its full text.

        Title, publisher, byline, dates and URL are null where the article does not state
        them: the register never invents them.
        """
        return paged(lambda a: sources.list_(db.session, a), args, SourceSchema)

    @writes.creates(blp, sources.RECORD)
    def post(self, data: SourceData) -> Any:
        """Store an article with its text, and propose the records it supports.

        The text is stored byte for byte; the same text again is a 409 naming the source
        that holds it. The extractor then reads the article and stores its proposals for
        review (`GET /v1/proposals?source=<id>`, with a `review` key): nothing it reads is
        public until a reviewer accepts it.
        """
        response = writes.create(sources.RECORD, data)
        if response.status_code == 201 and "Idempotent-Replayed" not in response.headers:
            ingest.extract_quietly(db.session, data["id"], db.begin_write)
        return response


@blp.route("/<string:source_id>")
class SourceItem(MethodView):
    @blp.etag
    @blp.not_found
    @blp.response(200, SourceSchema)
    def get(self, source_id: str) -> Any:
        """Get a source.

        Its full text is the one every citation's `start`/`end` offsets point into.
        """
        return rendered(document(db.session, sources.get(db.session, source_id)))

    @writes.updates(blp, sources.RECORD)
    def patch(self, data: Mapping[str, object], source_id: str) -> Any:
        """Change some fields of a source; the fields you leave out are kept."""
        return writes.patch(sources.RECORD, source_id, data)

    @writes.deletes(blp)
    def delete(self, source_id: str) -> Any:
        """Delete a source; its revisions keep every version."""
        return writes.delete(sources.RECORD, source_id)


writes.revisions_view(blp, sources.RECORD)


@blp.list_route("/<string:source_id>/citations")
class SourceCitations(MethodView):
    @blp.etag
    @blp.not_found
    @blp.query(CitationQueryArgs)
    @blp.response(200, CitationPageSchema, headers=LINK_HEADER)
    def get(self, args: CitationQuery, source_id: str) -> Any:
        """List the passages of a source that the register cites.

        Each is `text[start:end]` of the source, verbatim.
        """
        return paged(lambda a: sources.citations(db.session, source_id, a), args, CitationSchema)


@blp.route("/<string:source_id>/extract")
class SourceExtraction(MethodView):
    @requires("review")
    @documented(blp, "SERVICE_UNAVAILABLE")
    @blp.not_found
    @blp.response(200, ExtractionSchema)
    def post(self, source_id: str) -> Any:
        """Run the extractor over a source again; its pending proposals are superseded.

        The proposals of this run are listed; those decided before (accepted or rejected)
        stay as they were. Needs a key with the `review` scope.
        """
        made = ingest.extract(db.session, source_id, db.begin_write)
        return {"source": source_id, "extractor": EXTRACTOR, "proposals": made}
