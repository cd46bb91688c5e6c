"""API key schemas: never a hash; the token only in the answer to its creation."""

from __future__ import annotations

from typing import NotRequired, TypedDict

import marshmallow as ma
from marshmallow import validate

from service.models.api_key import SCOPES
from service.schemas.common import cursor_arg, page_schema, page_size, sort_arg, term, text

_ID = {
    "description": "The key's public id (the middle of its token).",
    "example": "3f9a1c0d5e7b2a64",
}


class KeySchema(ma.Schema):
    """An API key, without its secret."""

    id = ma.fields.String(metadata=_ID)
    name = ma.fields.String(metadata={"example": "newsroom sync"})
    scopes = ma.fields.List(term(SCOPES, "scope"))
    created_at = ma.fields.AwareDateTime(metadata={"description": "When it was created (UTC)."})
    revoked_at = ma.fields.AwareDateTime(
        allow_none=True,
        metadata={"description": "When it was revoked (UTC); null while it is live."},
    )


class NewKeySchema(KeySchema):
    """A key just created, with its token: shown this once, stored only as a hash."""

    token = ma.fields.String(
        metadata={
            "description": "Send as `Authorization: Bearer <token>`. It cannot be shown again.",
            "example": "reg_3f9a1c0d5e7b2a64_kZ…",
        }
    )


class KeyData(TypedDict):
    name: str
    scopes: list[str]


class KeyCreateSchema(ma.Schema):
    name = text(200, required=True, metadata={"description": "Who or what the key is for."})
    scopes = ma.fields.List(
        term(SCOPES, "scope"),
        required=True,
        # Each scope at most once: a longer list could only repeat one.
        validate=validate.Length(min=1, max=len(SCOPES)),
        metadata={
            "description": "`write`, `review`, `admin` (which implies the other two), or several."
        },
    )


KeyPageSchema = page_schema(KeySchema, "KeyPage")


class KeyQuery(TypedDict):
    limit: int
    cursor: NotRequired[str]
    sort: str
    revoked: NotRequired[bool]


class KeyQueryArgs(ma.Schema):
    limit = page_size()
    cursor = cursor_arg()
    sort = sort_arg(["created_at", "id"], "created_at")
    revoked = ma.fields.Boolean(
        metadata={"description": "`true`: only revoked keys; `false`: only live ones."}
    )
