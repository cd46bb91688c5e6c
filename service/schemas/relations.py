"""Relation schemas."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from service import vocabularies as vocab
from service.schemas.common import ManyValues, country_code, terms
from service.schemas.measures import AS_OF_RULES

OTHER_ROLES = [role for role in vocab.MEASURE_COUNTRY_ROLES if role != "imposer"]


class RelationSchema(ma.Schema):
    """Measures one country takes with regard to another, of one type, in one role."""

    from_country = ma.fields.String(
        data_key="from", metadata={"description": "The imposer.", "example": "KR"}
    )
    to_country = ma.fields.String(
        data_key="to", metadata={"description": "The other country.", "example": "PL"}
    )
    role = ma.fields.String(
        metadata={"description": "The role of `to` in the measures.", "example": "beneficiary"}
    )
    type = ma.fields.String(metadata={"example": "arms_transfer"})
    count = ma.fields.Integer(
        metadata={"description": "How many measures: `measure_ids`.", "example": 3}
    )
    measure_ids = ma.fields.List(
        ma.fields.String(),
        metadata={
            "description": "The measures, sorted by id.",
            "example": ["kr-k2-tanks-poland", "kr-pl-arms-deals", "kr-pl-further-arms-deliveries"],
        },
    )


class RelationListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(RelationSchema), required=True)


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
    type = terms(vocab.MEASURE_TYPES, "Measure types")
    role = ManyValues(
        ma.fields.String(validate=validate.OneOf(OTHER_ROLES)), "Roles of the other country"
    )
    status = terms(vocab.MEASURE_STATUSES, "Only measures with these statuses")
    as_of = ma.fields.Date(metadata={"description": AS_OF_RULES})
