"""Relation schemas."""

from __future__ import annotations

import datetime as dt
from typing import NotRequired, TypedDict

import marshmallow as ma
from marshmallow import validate

from service import vocabularies as vocab
from service.schemas.common import country_code, terms
from service.schemas.measures import AS_OF_RULES

# The role of the other country: in a measure (not its imposer) or a trigger (not its origin).
OTHER_ROLES = {
    **{k: v for k, v in vocab.MEASURE_COUNTRY_ROLES.items() if k != "imposer"},
    **{k: v for k, v in vocab.TRIGGER_COUNTRY_ROLES.items() if k != "originator"},
}
EDGES = {
    "measure": "From a measure's imposer to each other country it names.",
    "trigger": "From a trigger's originator to each other country it names.",
}


class RelationSchema(ma.Schema):
    """What one country does with regard to another: measures of one type, or triggers of one
    kind, in which the other country has one role."""

    edge = ma.fields.String(
        validate=validate.OneOf(list(EDGES)),
        metadata={
            "description": "`measure`: drawn from measures; `trigger`: drawn from triggers.",
            "example": "measure",
        },
    )
    from_country = ma.fields.String(
        data_key="from",
        metadata={"description": "The imposer, or the trigger's originator.", "example": "KR"},
    )
    to_country = ma.fields.String(
        data_key="to", metadata={"description": "The other country.", "example": "PL"}
    )
    role = ma.fields.String(
        metadata={
            "description": "The role of `to` in the measures (target, beneficiary, partner) or"
            " in the triggers (host, affected).",
            "example": "beneficiary",
        }
    )
    type = ma.fields.String(
        metadata={
            "description": "The measures' type, or the triggers' kind (see /v1/vocabularies).",
            "example": "arms_transfer",
        }
    )
    count = ma.fields.Integer(
        metadata={"description": "How many records: `measure_ids` or `trigger_ids`.", "example": 3}
    )
    measure_ids = ma.fields.List(
        ma.fields.String(),
        metadata={
            "description": "The measures, sorted by id.",
            "example": ["kr-k2-tanks-poland", "kr-pl-arms-deals", "kr-pl-further-arms-deliveries"],
        },
    )
    trigger_ids = ma.fields.List(
        ma.fields.String(),
        metadata={
            "description": "The triggers, sorted by id (empty on a measure edge).",
            "example": [],
        },
    )


class RelationListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(RelationSchema), required=True)


class RelationQuery(TypedDict):
    country: NotRequired[str]
    direction: str
    edge: NotRequired[list[str]]
    type: NotRequired[list[str]]
    trigger_kind: NotRequired[list[str]]
    role: NotRequired[list[str]]
    status: NotRequired[list[str]]
    as_of: NotRequired[dt.date]


class RelationQueryArgs(ma.Schema):
    country = country_code(metadata={"description": "Only edges that touch this country."})
    direction = ma.fields.String(
        load_default="any",
        validate=validate.OneOf(["out", "in", "any"]),
        metadata={
            "description": "With `country`: `out` where it imposes, `in` where it is the"
            " other country, `any` both. Without `country` it changes nothing."
        },
    )
    edge = terms(EDGES, "Only edges drawn from these records", "relation_edge")
    type = terms(vocab.MEASURE_TYPES, "Measure types; only measure edges are then listed")
    trigger_kind = terms(vocab.TRIGGER_KINDS, "Trigger kinds; only trigger edges are then listed")
    role = terms(OTHER_ROLES, "Roles of the other country", "relation_role")
    status = terms(
        vocab.MEASURE_STATUSES, "Only measures with these statuses; only measure edges are listed"
    )
    as_of = ma.fields.Date(
        metadata={
            "description": AS_OF_RULES + " A trigger counts if it certainly happened by `as_of`"
            " (by the same rule for its date's precision) or, undated, once an article citing"
            " it had been published."
        }
    )
