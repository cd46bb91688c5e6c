"""Source and citation schemas."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NotRequired, TypedDict

import marshmallow as ma
from marshmallow import validate

from service import vocabularies as vocab
from service.schemas.common import (
    CREATED,
    MAX_SOURCE_TEXT,
    UPDATED,
    CitationSchema,
    ListArgs,
    ListQuery,
    check_partial_dates,
    page_schema,
    record_date,
    search,
    slug,
    sort_arg,
    term,
    text,
    timestamp,
    update_schema,
)


class SourceSchema(ma.Schema):
    """One article: metadata only where the article states it, and its full text."""

    id = slug(metadata={"example": "kr-phased-measures-article"})
    title = ma.fields.String(
        allow_none=True,
        metadata={
            "example": "South Korea Vows to Respond as North Korea Allegedly Sends Troops to Aid"
            " Russia in Ukraine Conflict"
        },
    )
    publisher = ma.fields.String(allow_none=True, metadata={"example": "Stars and Stripes"})
    byline = ma.fields.String(allow_none=True)
    published_on = ma.fields.Date(allow_none=True)
    published_on_precision = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "How precisely `published_on` is known: day, month or year.",
            "example": "day",
        },
    )
    revised_on = ma.fields.Date(
        allow_none=True,
        metadata={"description": "The article's own 'Updated on' date.", "example": "2024-10-22"},
    )
    url = ma.fields.String(allow_none=True)
    language = ma.fields.String(metadata={"example": "en"})
    text = ma.fields.String(
        metadata={
            "description": "The article's full text, which citations' offsets point into.",
            "example": "CAMP HUMPHREYS, South Korea — South Korea will take “phased measures”"
            " in response to reports suggesting the North is deploying troops to aid Russia in"
            " its invasion of Ukraine, according to a news release Tuesday from the office of"
            " President Yoon Suk Yeol.",
        }
    )
    content_sha256 = ma.fields.String(
        metadata={
            "description": "SHA-256 of the text, hex.",
            "example": "adab88e0608719ead1e007eba5d971c7b08b918f954b60a8399ac8e8cee39234",
        }
    )
    created_at = timestamp(CREATED)
    updated_at = timestamp(UPDATED)


class SourceData(TypedDict):
    """A source's body as ``SourceCreateSchema`` loads it: what ``sources.put`` stores."""

    id: str
    title: str | None
    publisher: str | None
    byline: str | None
    published_on: dt.date | None
    published_on_precision: str | None
    revised_on: dt.date | None
    url: str | None
    language: str
    text: str


# C0 control characters but tab, line feed, form feed and carriage return, and DEL: what
# binary data decoded as text is full of, and no article holds (NUL is ``text``'s own rule).
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f]")


def _article(value: str) -> None:
    """An article's text: something to read, not white space nor binary data."""
    if not value.strip():
        raise ma.ValidationError("Must not be blank: send the article's text.")
    if control := _CONTROL.search(value):
        raise ma.ValidationError(
            f"Must be text, not binary data: control character U+{ord(control.group()):04X}"
            f" at offset {control.start()}."
        )


class SourceCreateSchema(ma.Schema):
    id = slug(required=True)
    title = text(500, allow_none=True, load_default=None)
    publisher = text(200, allow_none=True, load_default=None)
    byline = text(300, allow_none=True, load_default=None)
    published_on = record_date("When it was published.", allow_none=True, load_default=None)
    published_on_precision = term(
        vocab.DATE_PRECISIONS,
        allow_none=True,
        load_default=None,
        metadata={
            "description": "How precisely `published_on` is known (default `day`): a month or"
            " year date is the first day of its month or year."
        },
    )
    revised_on = record_date("Its own 'Updated on' date.", allow_none=True, load_default=None)
    url = ma.fields.Url(allow_none=True, load_default=None, validate=validate.Length(max=2000))
    language = ma.fields.String(
        required=True,
        validate=[validate.Length(max=6), validate.Regexp(r"^[a-z]{2,3}(-[A-Z]{2})?$")],
        metadata={"description": "BCP 47: a language and an optional region.", "example": "en"},
    )
    text = text(
        MAX_SOURCE_TEXT,
        _article,
        required=True,
        metadata={
            "description": "The article's full text, stored byte for byte: not blank, and no"
            " control characters but tab, line feed, form feed and carriage return."
        },
    )

    @ma.post_load
    def _day_by_default(self, data: dict[str, Any], **_: object) -> dict[str, Any]:
        """A date sent without its precision is a day, as dates were before precisions."""
        if data.get("published_on") is not None and data.get("published_on_precision") is None:
            data["published_on_precision"] = "day"
        return data

    @ma.validates_schema
    def _published(self, data: dict[str, Any], partial: object = False, **_: object) -> None:
        if partial:
            return  # a PATCH: the service checks the whole source it makes
        if data.get("published_on") is not None and data.get("published_on_precision") is None:
            return  # a day, by default (see _day_by_default)
        check_partial_dates(data, ("published_on",))


SourceUpdateSchema = update_schema(SourceCreateSchema, "SourceUpdateSchema")
SourcePageSchema = page_schema(SourceSchema, "SourcePage")
CitationPageSchema = page_schema(CitationSchema, "CitationPage")


class SourceQuery(ListQuery):
    q: NotRequired[str]
    sort: str


class SourceQueryArgs(ListArgs):
    q = search()
    sort = sort_arg(["id", "published_on", "title"], "id")


class CitationQuery(TypedDict):
    limit: int
    cursor: NotRequired[str]
    format: NotRequired[str]
    sort: str


class CitationQueryArgs(ListArgs):
    class Meta:
        # Citations never change and carry no `updated_at`.
        exclude = ("changed_since",)

    sort = sort_arg(["id", "start"], "start")
