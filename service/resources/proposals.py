"""Proposals: list, read, accept and reject what the extractor proposed (`review` scope)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import request
from flask.views import MethodView

from service import bodies
from service.auth import current_key_id, requires
from service.errors import UnsupportedMediaType
from service.extensions import db
from service.resources.common import LINK_HEADER, Blueprint, link_header
from service.resources.writes import documented, json_body
from service.schemas.proposals import (
    AcceptData,
    AcceptSchema,
    ProposalPageSchema,
    ProposalQuery,
    ProposalQueryArgs,
    ProposalSchema,
    RejectData,
    RejectSchema,
)
from service.services import proposals, retries

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

blp = Blueprint(
    "proposals",
    __name__,
    url_prefix="/v1/proposals",
    description="Records the extractor read in new sources, waiting for an editor: accept"
    " (as proposed or edited) or reject each one. Nothing proposed is public until accepted."
    " Every operation needs a key with the `review` scope.",
)

ACCEPT_HEADERS = {
    "Location": {
        "description": "Where to GET the record the acceptance wrote: `/v1/{kind}s/{record_id}`.",
        "schema": {"type": "string"},
    }
}


def retried(write: Callable[[], T]) -> T:
    """``write``'s outcome, run again if a concurrent write made the database abort it."""
    return retries.retried(db.session, db.begin_write, write)


def optional_json_body(func: F) -> F:
    """A view whose JSON body may be left out (or sent empty): 415 for a body of another type."""

    @functools.wraps(func)
    def view(*args: Any, **kwargs: Any) -> Any:
        bodies.optional(request)
        if bodies.given(request) and not request.is_json:
            raise UnsupportedMediaType(request.mimetype)
        return func(*args, **kwargs)

    statuses = ("BAD_REQUEST", "REQUEST_ENTITY_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE")
    return documented(blp, *statuses)(cast(F, view))


@blp.route("")
class Proposals(MethodView):
    @requires("review")
    @blp.etag
    @blp.query(ProposalQueryArgs)
    @blp.response(200, ProposalPageSchema, headers=LINK_HEADER)
    def get(self, args: ProposalQuery) -> Any:
        """List proposals, oldest first; filter by `source`, `status` and `kind`.

        Each with the record as proposed, the quotes it rests on, the extractor's confidence,
        reasons and version, and the decision once there is one. `status=pending` is the
        review desk. Needs a key with the `review` scope.
        """
        page = proposals.list_(db.session, args)
        body = {"items": page.items, "next_cursor": page.next_cursor}
        return body, 200, {"Link": link_header(page.next_cursor)}


@blp.route("/<string:proposal_id>")
class ProposalItem(MethodView):
    @requires("review")
    @blp.etag
    @blp.not_found
    @blp.response(200, ProposalSchema)
    def get(self, proposal_id: str) -> Any:
        """Get a proposal: the record proposed, its quotes and the decision on it.

        Needs a key with the `review` scope.
        """
        return proposals.get(db.session, proposal_id)


@blp.route("/<string:proposal_id>/accept")
class Accept(MethodView):
    @requires("review")
    @optional_json_body
    @documented(blp, "CONFLICT", "SERVICE_UNAVAILABLE")
    @blp.not_found
    @blp.arguments(AcceptSchema, required=False)
    @blp.response(201, ProposalSchema, headers=ACCEPT_HEADERS)
    @blp.alt_response(
        200,
        schema=ProposalSchema,
        headers=ACCEPT_HEADERS,
        description="An update accepted: the record it changed is at `Location`.",
        success=True,
    )
    def post(self, data: AcceptData, proposal_id: str) -> Any:
        """Accept a proposal: write its record, as proposed or as you edited it.

        The record (`record` in the body to write your version of it instead, whole) goes
        through the same validation and write as `POST /v1/{kind}s` (a create, `201`) or
        `PATCH /v1/{kind}s/{target}` (an update of the target as it stands, `200`); a `422`
        names the field at fault as `record.<field>`, and leaves the proposal pending. The
        write and the acceptance commit together. The record's revision credits your key and
        names the proposal. Only a pending proposal can be accepted: otherwise, or when
        another reviewer decided it first, a `409` says its status. Needs a key with the
        `review` scope.
        """
        key_id, edited = current_key_id(), data.get("record")
        proposal, written = retried(
            lambda: proposals.accept(db.session, proposal_id, edited, key_id)
        )
        location = f"/v1/{written.collection}/{written.key}"
        return proposal, 201 if proposal.action == "create" else 200, {"Location": location}


@blp.route("/<string:proposal_id>/reject")
class Reject(MethodView):
    @requires("review")
    @json_body(blp)
    @documented(blp, "CONFLICT", "SERVICE_UNAVAILABLE")
    @blp.not_found
    @blp.arguments(RejectSchema)
    @blp.response(200, ProposalSchema)
    def post(self, data: RejectData, proposal_id: str) -> Any:
        """Reject a proposal, saying why; nothing of it is ever published.

        The `reason` stays with the proposal, beside who decided and when. Only a pending
        proposal can be rejected: otherwise a `409` says its status. Needs a key with the
        `review` scope.
        """
        key_id = current_key_id()
        return retried(lambda: proposals.reject(db.session, proposal_id, data["reason"], key_id))
