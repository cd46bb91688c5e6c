"""Trigger schemas."""

from __future__ import annotations

import datetime as dt
from typing import Any, NotRequired, TypedDict

import marshmallow as ma

from service import vocabularies as vocab
from service.schemas.common import (
    CREATED,
    MAX_CITATIONS,
    MAX_COUNTRIES,
    UPDATED,
    CitationInData,
    CitationInSchema,
    CitationSchema,
    CountryRoleData,
    CountryRoleSchema,
    ListArgs,
    ListQuery,
    country_code,
    dated,
    full_text,
    many,
    page_schema,
    ranked_sort_arg,
    slug,
    term,
    text,
    timestamp,
    update_schema,
)
from service.schemas.provenance import (
    Provenance,
    basis_arg,
    basis_field,
    check,
    provenance_field,
    trigger_claims,
)

TRIGGER_CLAIMS = "`kind`, `occurred_on`, `verification`, `countries.{CODE}.{role}`"


class TriggerSchema(ma.Schema):
    """An event or development that measures respond to."""

    id = slug(metadata={"example": "kp-troops-to-russia"})
    kind = ma.fields.String(metadata={"example": "troop_deployment"})
    title = ma.fields.String(
        metadata={"example": "North Korea sends troops to Russia to support its war in Ukraine"}
    )
    description = ma.fields.String(
        allow_none=True,
        metadata={
            "example": "U.S. and South Korean officials and intelligence, South Korea's National"
            " Intelligence Service and a Ukrainian envoy report that North Korea is deploying"
            " troops, including special forces units, to Russia to support its war in Ukraine."
        },
    )
    countries = ma.fields.List(ma.fields.Nested(CountryRoleSchema))
    occurred_on = ma.fields.Date(allow_none=True, metadata={"example": "2022-02-01"})
    occurred_on_precision = ma.fields.String(allow_none=True, metadata={"example": "month"})
    verification = ma.fields.String(metadata={"example": "contested"})
    citations = ma.fields.List(ma.fields.Nested(CitationSchema))
    basis = basis_field()
    provenance = provenance_field(TRIGGER_CLAIMS)
    created_at = timestamp(CREATED)
    updated_at = timestamp(UPDATED)


class TriggerCountryInSchema(ma.Schema):
    country = country_code(required=True)
    role = term(vocab.TRIGGER_COUNTRY_ROLES, required=True)


class TriggerData(TypedDict):
    """A trigger's body as ``TriggerCreateSchema`` loads it: what ``triggers.put`` stores."""

    id: str
    kind: str
    title: str
    description: str | None
    countries: list[CountryRoleData]
    occurred_on: dt.date | None
    occurred_on_precision: str | None
    verification: str
    citations: list[CitationInData]
    provenance: Provenance


class TriggerCreateSchema(dated(("occurred_on", "When it happened."), whole_only=True)):  # type: ignore[misc]
    id = slug(required=True)
    kind = term(vocab.TRIGGER_KINDS, required=True)
    title = text(500, required=True)
    description = text(20_000, allow_none=True, load_default=None)
    countries = many(ma.fields.Nested(TriggerCountryInSchema), MAX_COUNTRIES, load_default=list)
    verification = term(vocab.VERIFICATIONS, required=True)
    citations = many(ma.fields.Nested(CitationInSchema), MAX_CITATIONS, required=True)
    provenance = provenance_field(TRIGGER_CLAIMS)
    claims = staticmethod(trigger_claims)  # what `provenance` may flag

    def rules(self, data: dict[str, Any]) -> None:
        """The rules between a trigger's fields, checked after its dates."""
        check(data, self.claims)


TriggerUpdateSchema = update_schema(TriggerCreateSchema, "TriggerUpdateSchema")
TriggerPageSchema = page_schema(TriggerSchema, "TriggerPage")


class TriggerQuery(ListQuery):
    kind: NotRequired[str]
    verification: NotRequired[str]
    country: NotRequired[str]
    basis: NotRequired[str]
    q: NotRequired[str]
    sort: NotRequired[str]


class TriggerQueryArgs(ListArgs):
    kind = term(vocab.TRIGGER_KINDS, metadata={"description": "Only triggers of this kind."})
    verification = term(
        vocab.VERIFICATIONS, metadata={"description": "Only triggers verified this far."}
    )
    country = country_code(metadata={"description": "Only triggers involving this country."})
    basis = basis_arg("triggers")
    q = full_text("titles, descriptions and cited quotes")
    sort = ranked_sort_arg(["id", "occurred_on", "title"], "id")
