"""Country schemas."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from service import vocabularies as vocab
from service.schemas.common import ListArgs, TimestampsMixin, page_schema, sort_arg, term


class CountrySchema(TimestampsMixin, ma.Schema):
    """An ISO 3166-1 country."""

    code = ma.fields.String(metadata={"description": "ISO 3166-1 alpha-2.", "example": "KR"})
    alpha3 = ma.fields.String(metadata={"example": "KOR"})
    name = ma.fields.String(metadata={"example": "Korea, Republic of"})
    official_name = ma.fields.String(allow_none=True)
    aliases = ma.fields.List(ma.fields.String(), metadata={"example": ["South Korea", "Seoul"]})


CountryPageSchema = page_schema(CountrySchema, "CountryPage")


class CountryQueryArgs(ListArgs):
    q = ma.fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Matches code, name, official name or an alias."},
    )
    sort = sort_arg(["code", "name", "alpha3"], "code")


class CountryMeasuresQueryArgs(ListArgs):
    role = term(vocab.MEASURE_COUNTRY_ROLES, metadata={"description": "The country's role."})
    sort = sort_arg(["id", "announced_on", "title"], "-announced_on")
