"""Bulk exports: the whole register, and the register as FollowTheMoney entities."""

from __future__ import annotations

from typing import Any, TypedDict

import marshmallow as ma
from flask import Response
from flask.views import MethodView

from service.exports import bulk
from service.exports.negotiation import NDJSON, negotiate
from service.exports.stream import batch_size, download, fingerprint
from service.extensions import db
from service.resources.common import EXPORT_HEADERS, Blueprint

blp = Blueprint(
    "export",
    __name__,
    url_prefix="/v1/export",
    description="The whole register in one download, for tools that mirror or load it.",
)


class NoQuery(TypedDict):
    """What ``NoArgs`` loads: nothing."""


class NoArgs(ma.Schema):
    """No query parameters: an unknown one is a 400, as everywhere."""


def _document(description: str) -> dict[str, Any]:
    return {
        "content_type": NDJSON,
        "schema": {"type": "string", "description": description},
        "headers": EXPORT_HEADERS,
    }


def _export(kind: str, lines: Any, filename: str) -> Response:
    negotiate(None, ("ndjson",))
    # One snapshot for the whole export (see ``Database.snapshot``), which the download
    # closes. The ETag is the register's fingerprint in it: a 304 costs one indexed query.
    session = db.snapshot()
    blp.set_etag([*fingerprint(session), kind])
    return download(lines(session, batch_size()), "ndjson", filename, session)


@blp.route("")
class Export(MethodView):
    @blp.etag
    @blp.query(NoArgs)
    @blp.alt_response(406, response="NOT_ACCEPTABLE")
    @blp.response(
        200,
        **_document(
            'One line per record, `{"collection": …, "record": …}`, countries, sources, '
            "actors, triggers, measures (parents before their stages) and statements, each "
            'by id; then a last line `{"meta": {"counts": …, "last_updated_at": …}}`.'
        ),
    )
    def get(self, _args: NoQuery) -> Any:
        """Download the whole register as NDJSON, in an order a loader can follow.

        Each record is exactly what its item endpoint serves. The last line carries the
        count of each collection; a download without it was cut short. The same register
        always exports to the same bytes, and the `ETag` answers `If-None-Match` with 304.
        """
        return _export("register", bulk.lines, "register.ndjson")


@blp.route("/ftm")
class FtmExport(MethodView):
    @blp.etag
    @blp.query(NoArgs)
    @blp.alt_response(406, response="NOT_ACCEPTABLE")
    @blp.response(
        200, **_document("One FollowTheMoney entity (`id`, `schema`, `properties`) a line.")
    )
    def get(self, _args: NoQuery) -> Any:
        """Download the register as FollowTheMoney entities (NDJSON).

        Articles, people and bodies, events (triggers and measures), sanctions, and
        `Documentation` entities carrying every quote; each country involved is a
        `PublicBody`. Ids are stable across exports.
        """
        return _export("ftm", bulk.ftm_lines, "register.ftm.ndjson")
