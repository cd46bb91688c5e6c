"""Change feed schemas."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

import marshmallow as ma
from marshmallow import validate

from service.schemas.common import OPAQUE, Term

# The registry's collections (service/records.py), in its order: schemas sit below the
# services that declare them, so a test holds this literal to the registry.
COLLECTIONS = (
    "measures",
    "triggers",
    "statements",
    "actors",
    "sources",
    "organisations",
    "countries",
)
OPS = ("create", "update", "delete")


def _collection(**kwargs: Any) -> Term:
    """A collection of records, as its path under `/v1/` names it."""
    return Term(
        "Collection", COLLECTIONS, "A collection of records: its path under `/v1/`.", **kwargs
    )


def change_op(**kwargs: Any) -> Term:
    """What a committed change did to a record."""
    about = "What a committed change did to the record: `create`, `update` or `delete`."
    return Term("ChangeOp", OPS, about, **kwargs)


class ChangeSchema(ma.Schema):
    """One committed create, update or delete of a record."""

    seq = ma.fields.Integer(
        metadata={"description": "Position in the feed; increases in commit order."}
    )
    collection = _collection(metadata={"example": "measures"})
    id = ma.fields.String(
        attribute="record_id",
        metadata={
            "description": "The record's id (a country's code).",
            "example": "kr-k2-tanks-poland",
        },
    )
    op = change_op(metadata={"example": "update"})
    changed_at = ma.fields.AwareDateTime(metadata={"description": "When it was committed (UTC)."})
    data = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": "The record as `GET /v1/{collection}/{id}` served it after the change;"
            " null for a delete (a tombstone)."
        },
    )


class ChangePageSchema(ma.Schema):
    """Changes in commit order, and where to resume."""

    items = ma.fields.List(ma.fields.Nested(ChangeSchema), required=True)
    next_cursor = ma.fields.String(
        required=True,
        metadata={
            "description": "Pass as `since` to resume after these changes; present even when"
            " there are none, so a client can keep polling from it."
        },
    )


class ChangeQuery(TypedDict):
    since: NotRequired[str]
    limit: int
    collection: NotRequired[str]


class ChangeQueryArgs(ma.Schema):
    since = ma.fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={
            "description": "Where to resume: a previous page's `next_cursor`; without it, the"
            " feed starts at the beginning (the whole register). " + OPAQUE.format(name="since")
        },
    )
    limit = ma.fields.Integer(
        load_default=100,
        validate=validate.Range(min=1, max=1000),
        metadata={"description": "Changes per page (1–1000)."},
    )
    collection = _collection(metadata={"description": "Only changes of this collection."})
