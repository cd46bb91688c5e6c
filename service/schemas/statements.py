"""Statement schemas."""

from __future__ import annotations

import datetime as dt
from typing import Any, NotRequired, TypedDict

import marshmallow as ma
from marshmallow import validate

from service import vocabularies as vocab
from service.schemas.common import (
    CREATED,
    INT64_MAX,
    UPDATED,
    CitationInData,
    CitationInSchema,
    CitationSchema,
    DatedSchema,
    ListArgs,
    ListQuery,
    dated,
    full_text,
    page_schema,
    ranked_sort_arg,
    record_date,
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
    statement_claims,
)

STATEMENT_CLAIMS = "`actor`, `stance`, `about`, `said_on`, `figure`"

ABOUT_TYPES = ("trigger", "measure")


class AboutData(TypedDict):
    type: str
    id: str


class AboutSchema(ma.Schema):
    """The record a statement is about."""

    type = ma.fields.String(
        required=True, validate=validate.OneOf(ABOUT_TYPES), metadata={"example": "trigger"}
    )
    id = slug(required=True, metadata={"example": "kp-troops-to-russia"})


class FigureData(TypedDict):
    value: int
    unit: str
    qualifier: str | None
    place: str | None
    as_of: dt.date | None
    as_of_precision: str | None


class FigureSchema(DatedSchema):
    """A number the statement gives, e.g. a troop count."""

    # A count or an amount (troops, tanks, dollars): never negative, and what a bigint holds.
    value = ma.fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(min=0, max=INT64_MAX),
        metadata={"description": "The number, not negative.", "example": 10000},
    )
    unit = text(60, required=True, metadata={"example": "troops"})
    qualifier = term(
        vocab.FIGURE_QUALIFIERS, allow_none=True, load_default=None, metadata={"example": "up_to"}
    )
    place = text(200, allow_none=True, load_default=None)
    as_of = record_date("When the number held.", allow_none=True, load_default=None)
    as_of_precision = term(vocab.DATE_PRECISIONS, allow_none=True, load_default=None)
    DATES = ("as_of",)


class StatementSchema(ma.Schema):
    """What an actor said, and when."""

    id = slug(metadata={"example": "nis-kp-troops-up-to-10000"})
    actor = ma.fields.String(
        attribute="actor_id",
        metadata={"description": "The actor's id.", "example": "national-intelligence-service"},
    )
    stance = ma.fields.String(metadata={"example": "report"})
    about = ma.fields.Nested(AboutSchema, allow_none=True)
    said_on = ma.fields.Date(allow_none=True, metadata={"example": "2024-10-21"})
    said_on_precision = ma.fields.String(allow_none=True, metadata={"example": "day"})
    quote = ma.fields.String(
        allow_none=True,
        metadata={"description": "The actor's own words.", "example": "groundless rumors"},
    )
    citation = ma.fields.Nested(CitationSchema)
    figure = ma.fields.Nested(FigureSchema, allow_none=True)
    basis = basis_field()
    provenance = provenance_field(STATEMENT_CLAIMS)
    created_at = timestamp(CREATED)
    updated_at = timestamp(UPDATED)


class StatementData(TypedDict):
    """A statement's body as ``StatementCreateSchema`` loads it: what ``statements.put`` stores."""

    id: str
    actor: str
    stance: str
    about: AboutData | None
    said_on: dt.date | None
    said_on_precision: str | None
    quote: str | None
    citation: CitationInData
    figure: FigureData | None
    provenance: Provenance


class StatementCreateSchema(dated(("said_on", "When it was said."), whole_only=True)):  # type: ignore[misc]
    id = slug(required=True)
    actor = slug(required=True, metadata={"example": "national-intelligence-service"})
    stance = term(vocab.STANCES, required=True)
    about = ma.fields.Nested(AboutSchema, allow_none=True, load_default=None)
    quote = text(5000, allow_none=True, load_default=None)
    citation = ma.fields.Nested(CitationInSchema, required=True)
    figure = ma.fields.Nested(FigureSchema, allow_none=True, load_default=None)
    provenance = provenance_field(STATEMENT_CLAIMS)
    claims = staticmethod(statement_claims)  # what `provenance` may flag

    def rules(self, data: dict[str, Any]) -> None:
        """The rules between a statement's fields, checked after its dates."""
        check(data, self.claims)


StatementUpdateSchema = update_schema(StatementCreateSchema, "StatementUpdateSchema")
StatementPageSchema = page_schema(StatementSchema, "StatementPage")


class StatementQuery(ListQuery):
    actor: NotRequired[str]
    stance: NotRequired[str]
    trigger: NotRequired[str]
    measure: NotRequired[str]
    has_figure: NotRequired[bool]
    basis: NotRequired[str]
    q: NotRequired[str]
    sort: NotRequired[str]


class StatementQueryArgs(ListArgs):
    actor = slug(
        metadata={
            "description": "Statements by this actor.",
            "example": "national-intelligence-service",
        }
    )
    stance = term(vocab.STANCES, metadata={"description": "Only statements of this stance."})
    trigger = slug(
        metadata={
            "description": "Statements about this trigger.",
            "example": "kp-troops-to-russia",
        }
    )
    measure = slug(
        metadata={"description": "Statements about this measure.", "example": "kr-phased-measures"}
    )
    has_figure = ma.fields.Boolean(metadata={"description": "Only statements with a figure."})
    basis = basis_arg("statements")
    q = full_text("the actor's words, the cited passage and the actor's name")
    sort = ranked_sort_arg(["id", "said_on"], "id")
