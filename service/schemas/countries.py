"""Country schemas."""

from __future__ import annotations

from typing import NotRequired

import marshmallow as ma

from service import vocabularies as vocab
from service.schemas.common import (
    CREATED,
    UPDATED,
    ListArgs,
    ListQuery,
    page_schema,
    search,
    sort_arg,
    term,
    timestamp,
)


class CountrySchema(ma.Schema):
    """An ISO 3166-1 country."""

    code = ma.fields.String(metadata={"description": "ISO 3166-1 alpha-2.", "example": "KR"})
    alpha3 = ma.fields.String(metadata={"example": "KOR"})
    name = ma.fields.String(metadata={"example": "Korea, Republic of"})
    official_name = ma.fields.String(
        allow_none=True, metadata={"example": "Democratic People's Republic of Korea"}
    )
    aliases = ma.fields.List(ma.fields.String(), metadata={"example": ["South Korea", "Seoul"]})
    created_at = timestamp(CREATED)
    updated_at = timestamp(UPDATED)


CountryPageSchema = page_schema(CountrySchema, "CountryPage")


class CountryQuery(ListQuery):
    q: NotRequired[str]
    sort: str


class CountryQueryArgs(ListArgs):
    q = search(metadata={"description": "Matches code, name, official name or an alias."})
    sort = sort_arg(["code", "name", "alpha3"], "code")


class CountryMeasuresQuery(ListQuery):
    role: NotRequired[str]
    sort: str


class CountryMeasuresQueryArgs(ListArgs):
    role = term(vocab.MEASURE_COUNTRY_ROLES, metadata={"description": "The country's role."})
    sort = sort_arg(["id", "announced_on", "title"], "-announced_on")
