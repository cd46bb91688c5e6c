"""Measure schemas."""

from __future__ import annotations

import datetime as dt
from typing import Any, NotRequired, TypedDict

import marshmallow as ma
from marshmallow import validate

from service import vocabularies as vocab
from service.schemas.common import (
    CREATED,
    INT32_MAX,
    MAX_CITATIONS,
    MAX_COUNTRIES,
    MAX_ITEMS,
    MAX_STATUS_CHANGES,
    MAX_TRIGGERS,
    UPDATED,
    CitationInData,
    CitationInSchema,
    CitationSchema,
    CountryRoleData,
    CountryRoleSchema,
    ListArgs,
    ListQuery,
    StrictBoolean,
    country_code,
    dated,
    full_text,
    many,
    page_schema,
    ranked_sort_arg,
    slug,
    term,
    terms,
    text,
    timestamp,
    update_schema,
)
from service.schemas.provenance import (
    Provenance,
    basis_arg,
    basis_field,
    check,
    measure_claims,
    provenance_field,
)

MEASURE_CLAIMS = (
    "`type`, `status`, `announced_by`, `announced_on`, `effective_on`, `expected_by`,"
    " `conditional`, `parent`, `items`, `countries.{CODE}.{role}`,"
    " `triggers.{trigger}.{relation}`, `status_history.{index from 0}`"
)

MEASURE_DATES = ("announced_on", "effective_on", "expected_by")


class ItemData(TypedDict):
    name: str
    category: str
    quantity: int | None


class ItemSchema(ma.Schema):
    """Equipment a measure supplies."""

    name = text(300, required=True, metadata={"example": "K-2 tank"})
    category = term(vocab.ITEM_CATEGORIES, required=True, metadata={"example": "tank"})
    # A count of equipment: never negative; a billion is past any arms deal.
    quantity = ma.fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=0, max=10**9),
        metadata={"description": "How many, when the source says."},
    )


class MeasureTriggerSchema(ma.Schema):
    trigger = ma.fields.String(
        attribute="trigger_id", metadata={"example": "ru-invasion-of-ukraine"}
    )
    relation = ma.fields.String(metadata={"example": "responds_to"})


class StatusChangeSchema(ma.Schema):
    """A dated, cited change of a measure's status."""

    status = ma.fields.String(metadata={"example": "threatened"})
    changed_on = ma.fields.Date(allow_none=True, metadata={"example": "2024-10-22"})
    changed_on_precision = ma.fields.String(allow_none=True, metadata={"example": "day"})
    citation = ma.fields.Nested(CitationSchema)


class _IdSchema(ma.Schema):
    id = ma.fields.String()


MeasureDates = dated(
    *zip(
        MEASURE_DATES,
        ("When it was announced.", "When it took effect.", "When it is expected."),
        strict=True,
    ),
    whole_only=True,
)


class MeasureSchema(ma.Schema):
    """A measure a country announced, threatened, agreed or put in force."""

    id = slug()
    type = ma.fields.String(metadata={"example": "arms_transfer"})
    status = ma.fields.String(metadata={"example": "announced"})
    title = ma.fields.String(metadata={"example": "K-2 tank deal between South Korea and Poland"})
    summary = ma.fields.String(
        allow_none=True,
        metadata={
            "example": "South Korea and Poland are working to finalize a new agreement involving"
            " South Korean K-2 tanks, expected to be finalized within the year."
        },
    )
    countries = ma.fields.List(ma.fields.Nested(CountryRoleSchema))
    announced_by = ma.fields.String(
        attribute="announced_by_id",
        allow_none=True,
        metadata={"description": "The actor's id.", "example": "senior-kr-presidential-official"},
    )
    announced_on = ma.fields.Date(allow_none=True, metadata={"example": "2024-10-22"})
    announced_on_precision = ma.fields.String(allow_none=True, metadata={"example": "day"})
    effective_on = ma.fields.Date(allow_none=True)
    effective_on_precision = ma.fields.String(allow_none=True)
    expected_by = ma.fields.Date(allow_none=True)
    expected_by_precision = ma.fields.String(allow_none=True)
    conditional = ma.fields.Boolean()
    condition = ma.fields.String(
        allow_none=True,
        metadata={
            "example": "To be enacted based on the level of cooperation between North Korea"
            " and Russia"
        },
    )
    parent = ma.fields.String(
        attribute="parent_id",
        allow_none=True,
        metadata={
            "description": "The package this measure is a stage or component of.",
            "example": "kr-pl-further-arms-deliveries",
        },
    )
    phase = ma.fields.Integer(allow_none=True)
    children = ma.fields.Pluck(
        "service.schemas.measures._IdSchema",
        "id",
        many=True,
        dump_only=True,
        metadata={
            "description": "Ids of the stages or components of this measure.",
            "example": ["kr-phased-diplomatic-actions", "kr-phased-economic-sanctions"],
        },
    )
    items = ma.fields.List(ma.fields.Nested(ItemSchema))
    triggers = ma.fields.List(ma.fields.Nested(MeasureTriggerSchema))
    citations = ma.fields.List(ma.fields.Nested(CitationSchema))
    status_history = ma.fields.List(ma.fields.Nested(StatusChangeSchema))
    basis = basis_field()
    provenance = provenance_field(MEASURE_CLAIMS)
    as_of = ma.fields.Date(
        allow_none=True,
        dump_default=None,
        metadata={
            "description": "The `as_of` date asked for: `status` is the status on that date and"
            " `status_history` holds only the changes that count by then. Null without `as_of`."
        },
    )
    created_at = timestamp(CREATED)
    updated_at = timestamp(UPDATED)


class MeasureCountryInSchema(ma.Schema):
    country = country_code(required=True)
    role = term(vocab.MEASURE_COUNTRY_ROLES, required=True)


class MeasureTriggerData(TypedDict):
    trigger: str
    relation: str


class MeasureTriggerInSchema(ma.Schema):
    trigger = slug(required=True, metadata={"example": "kp-troops-to-russia"})
    relation = term(vocab.TRIGGER_RELATIONS, required=True)


class StatusChangeData(TypedDict):
    changed_on: dt.date | None
    changed_on_precision: str | None
    status: str
    citation: CitationInData


class StatusChangeInSchema(dated(("changed_on", "When the status changed."))):  # type: ignore[misc]
    status = term(vocab.MEASURE_STATUSES, required=True)
    citation = ma.fields.Nested(CitationInSchema, required=True)


class MeasureData(TypedDict):
    """A measure's body as ``MeasureCreateSchema`` loads it: what ``measures.put`` stores."""

    id: str
    type: str
    status: str
    title: str
    summary: str | None
    countries: list[CountryRoleData]
    announced_by: str | None
    announced_on: dt.date | None
    announced_on_precision: str | None
    effective_on: dt.date | None
    effective_on_precision: str | None
    expected_by: dt.date | None
    expected_by_precision: str | None
    conditional: bool
    condition: str | None
    parent: str | None
    phase: int | None
    items: list[ItemData]
    triggers: list[MeasureTriggerData]
    citations: list[CitationInData]
    status_history: list[StatusChangeData]
    provenance: Provenance


class MeasureCreateSchema(MeasureDates):  # type: ignore[misc,valid-type]
    id = slug(required=True)
    type = term(vocab.MEASURE_TYPES, required=True)
    status = term(vocab.MEASURE_STATUSES, required=True)
    title = text(500, required=True)
    summary = text(20_000, allow_none=True, load_default=None)
    countries = many(ma.fields.Nested(MeasureCountryInSchema), MAX_COUNTRIES, load_default=list)
    announced_by = slug(allow_none=True, load_default=None, metadata={"example": "yoon-suk-yeol"})
    conditional = StrictBoolean(load_default=False)
    condition = text(5000, allow_none=True, load_default=None)
    parent = slug(allow_none=True, load_default=None)
    phase = ma.fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=1, max=INT32_MAX),
        metadata={"description": "Which stage of `parent` this is, from 1."},
    )
    items = many(ma.fields.Nested(ItemSchema), MAX_ITEMS, load_default=list)
    triggers = many(ma.fields.Nested(MeasureTriggerInSchema), MAX_TRIGGERS, load_default=list)
    citations = many(ma.fields.Nested(CitationInSchema), MAX_CITATIONS, required=True)
    status_history = many(
        ma.fields.Nested(StatusChangeInSchema), MAX_STATUS_CHANGES, load_default=list
    )
    provenance = provenance_field(MEASURE_CLAIMS)
    claims = staticmethod(measure_claims)  # what `provenance` may flag

    def rules(self, data: dict[str, Any]) -> None:
        """The rules between a measure's fields, checked after its dates."""
        check(data, self.claims)
        if data.get("condition") and not data.get("conditional"):
            raise ma.ValidationError("A condition needs `conditional: true`.", "condition")
        if data.get("conditional") and not data.get("condition"):
            raise ma.ValidationError("Say the condition in words.", "condition")
        if data.get("phase") is not None and not data.get("parent"):
            raise ma.ValidationError("A phase belongs to a parent measure.", "phase")
        if data.get("parent") and data.get("parent") == data.get("id"):
            raise ma.ValidationError("A measure cannot be its own parent.", "parent")
        history = data.get("status_history") or []
        if history and history[-1]["status"] != data.get("status"):
            raise ma.ValidationError(
                "The last status change must equal `status`.", "status_history"
            )
        announced, expected = data.get("announced_on"), data.get("expected_by")
        if announced and expected and expected < announced:
            raise ma.ValidationError("Cannot be before `announced_on`.", "expected_by")


MeasureUpdateSchema = update_schema(MeasureCreateSchema, "MeasureUpdateSchema")
MeasurePageSchema = page_schema(MeasureSchema, "MeasurePage")

AS_OF_RULES = (
    "Answer as of this date (YYYY-MM-DD): each measure with the status it had then. A dated"
    " status change counts only if it certainly happened by `as_of`: one dated to a day counts"
    " from that day; one dated to a month or a year only once that whole month or year has"
    " ended (a change in October 2024 counts from 2024-10-31). Undated changes never count."
    " The status is that of the last change that counts; a measure with none (not yet"
    " announced, or only undated evidence) is left out of lists and is a 404 as an item."
    " `status` filters and sorts by this status."
)


class MeasureAsOf(TypedDict):
    as_of: NotRequired[dt.date]


class MeasureAsOfArgs(ma.Schema):
    """The query of one measure, and the `as_of` every measure list takes."""

    as_of = ma.fields.Date(metadata={"description": AS_OF_RULES})


class MeasureQuery(ListQuery):
    """A list of measures' query; the lists under a country or a trigger fill in their own."""

    country: NotRequired[str]
    role: NotRequired[str]
    type: NotRequired[list[str]]
    status: NotRequired[list[str]]
    trigger: NotRequired[str]
    actor: NotRequired[str]
    announced_from: NotRequired[dt.date]
    announced_to: NotRequired[dt.date]
    conditional: NotRequired[bool]
    parent: NotRequired[str]
    basis: NotRequired[str]
    q: NotRequired[str]
    as_of: NotRequired[dt.date]
    sort: NotRequired[str]


class MeasureQueryArgs(ListArgs):
    country = country_code(metadata={"description": "Measures involving this country."})
    role = term(
        vocab.MEASURE_COUNTRY_ROLES,
        metadata={
            "description": "The role `country` plays; alone, measures where any country plays it."
        },
    )
    type = terms(vocab.MEASURE_TYPES, "Measure types")
    status = terms(vocab.MEASURE_STATUSES, "Statuses")
    trigger = slug(
        metadata={
            "description": "Measures linked to this trigger.",
            "example": "kp-troops-to-russia",
        }
    )
    actor = slug(
        metadata={"description": "Measures announced by this actor.", "example": "yoon-suk-yeol"}
    )
    announced_from = ma.fields.Date(metadata={"description": "Announced on or after."})
    announced_to = ma.fields.Date(
        metadata={"description": "Announced on or before (before `announced_from`: no match)."}
    )
    conditional = ma.fields.Boolean(
        metadata={"description": "Only measures taken on a condition (true) or without (false)."}
    )
    parent = slug(
        metadata={"description": "Stages of this package.", "example": "kr-phased-measures"}
    )
    basis = basis_arg("measures")
    q = full_text("titles, summaries, conditions, item names and cited quotes")
    as_of = ma.fields.Date(metadata={"description": AS_OF_RULES})
    sort = ranked_sort_arg(
        ["id", "announced_on", "title", "status", "type", "updated_at"], "-announced_on"
    )
