"""Revisions: every committed change of a record, who made it and what it changed."""

from __future__ import annotations

from typing import NotRequired, TypedDict

import marshmallow as ma

from service.schemas.changes import change_op
from service.schemas.common import cursor_arg, page_schema, page_size, term


class FieldChangeSchema(ma.Schema):
    before = ma.fields.Raw(allow_none=True, metadata={"description": "Null: the field was new."})
    after = ma.fields.Raw(allow_none=True, metadata={"description": "Null: the field went."})


class RevisionSchema(ma.Schema):
    """One committed change of a record."""

    revision = ma.fields.Integer(metadata={"description": "1 for the first, then 2, 3, …"})
    op = change_op(metadata={"example": "update"})
    changed_at = ma.fields.AwareDateTime(metadata={"description": "When it was committed (UTC)."})
    by = term(
        {
            "api": "Made through the API with a key.",
            "local": "Made by the seed loader or another command on the server.",
        },
        "revision_author",
        metadata={"example": "api"},
    )
    key_id = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "The id of the API key that made it (null for `local`). Shown only"
            " to a caller with an `admin` key: who wrote what is not public."
        },
    )
    proposal_id = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "The proposal (`/v1/proposals/{id}`) whose acceptance made the change;"
            " null for a direct write. Shown only to a caller with a `review` or `admin` key."
        },
    )
    changes = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Nested(FieldChangeSchema),
        metadata={
            "description": "Each field the change touched, before and after, as the API serves"
            " it (`updated_at` is left out: `changed_at` says when)."
        },
    )


RevisionPageSchema = page_schema(RevisionSchema, "RevisionPage")


class RevisionQuery(TypedDict):
    limit: int
    cursor: NotRequired[str]


class RevisionQueryArgs(ma.Schema):
    limit = page_size()
    cursor = cursor_arg()
