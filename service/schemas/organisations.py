"""Organisation schemas: international bodies that hold roles as countries do."""

from __future__ import annotations

from typing import NotRequired

import marshmallow as ma

from service.schemas.common import (
    CREATED,
    UPDATED,
    ListArgs,
    ListQuery,
    page_schema,
    search,
    sort_arg,
    timestamp,
)


class OrganisationSchema(ma.Schema):
    """An international organisation (the EU, the UN Security Council, NATO, the G7…).

    It holds roles in measures and triggers under its code, as a country does, and as one
    party: the register never lists or infers its members.
    """

    code = ma.fields.String(
        metadata={
            "description": "The register's code for it, never an ISO 3166-1 alpha-2 code in"
            " use (`EU` and `UN` are ISO's reserved codes for those bodies).",
            "example": "EU",
        }
    )
    name = ma.fields.String(metadata={"example": "European Union"})
    official_name = ma.fields.String(allow_none=True, metadata={"example": None})
    aliases = ma.fields.List(ma.fields.String(), metadata={"example": ["EU", "the EU"]})
    created_at = timestamp(CREATED)
    updated_at = timestamp(UPDATED)


OrganisationPageSchema = page_schema(OrganisationSchema, "OrganisationPage")


class OrganisationQuery(ListQuery):
    q: NotRequired[str]
    sort: str


class OrganisationQueryArgs(ListArgs):
    q = search(metadata={"description": "Matches code, name, official name or an alias."})
    sort = sort_arg(["code", "name"], "code")
