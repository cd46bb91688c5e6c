"""The change feed."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from service.extensions import db
from service.resources.common import Blueprint, link_header
from service.schemas.changes import ChangePageSchema, ChangeQuery, ChangeQueryArgs
from service.services import changes

blp = Blueprint(
    "changes",
    __name__,
    url_prefix="/v1/changes",
    description="Every committed write, in commit order: keep a copy of the register in sync.",
)

FEED_LINK_HEADER = {
    "Link": {
        "description": 'RFC 8288 links: `rel="first"` to the start of the feed, `rel="next"`'
        " to the following page while more changes are waiting (absent once caught up).",
        "schema": {"type": "string"},
    }
}


@blp.route("")
class Changes(MethodView):
    @blp.etag
    @blp.query(ChangeQueryArgs)
    @blp.response(200, ChangePageSchema, headers=FEED_LINK_HEADER)
    def get(self, args: ChangeQuery) -> Any:
        """List the changes after a cursor: creates, updates and deletes (tombstones).

        Start without `since` to read the whole register, then poll with the last page's
        `next_cursor`: each change carries the record as its item endpoint serves it, or
        null for a delete.
        """
        page = changes.feed(db.session, args.get("since"), args["limit"], args.get("collection"))
        body = {"items": page.items, "next_cursor": page.next_cursor}
        link = link_header(page.next_cursor if page.more else None, cursor="since")
        return body, 200, {"Link": link}
