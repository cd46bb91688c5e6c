"""Timeline schemas."""

from __future__ import annotations

import datetime as dt
from typing import Any, NotRequired

import marshmallow as ma
from marshmallow import validate

from service.schemas.common import (
    CitationSchema,
    ListArgs,
    ListQuery,
    ManyValues,
    Term,
    page_schema,
)
from service.schemas.statements import AboutSchema
from service.vocabularies import TIMELINE_KINDS

ONLY_FOR = "Only for `kind={}`; null otherwise."


def _kind(**kwargs: Any) -> Term:
    about = "A kind of timeline entry: a trigger, a statement or a measure's status change."
    return Term("TimelineKind", TIMELINE_KINDS, about, **kwargs)


class TimelineEntrySchema(ma.Schema):
    """A dated trigger, statement or status change of a measure."""

    date = ma.fields.Date(
        metadata={"description": "When; a month or year date is the first day of its period."}
    )
    date_precision = ma.fields.String(metadata={"example": "day"})
    kind = _kind(metadata={"example": "trigger"})
    id = ma.fields.String(
        metadata={
            "description": "The trigger's or the statement's id; for a status change, the"
            " measure's.",
            "example": "kp-ru-june-summit",
        }
    )
    position = ma.fields.Integer(
        allow_none=True,
        metadata={
            "description": "Which change of the measure's `status_history` (1 = first)."
            f" {ONLY_FOR.format('status_change')}"
        },
    )
    text = ma.fields.String(
        metadata={
            "description": "A trigger's title; a statement's quote of the actor (the cited"
            " passage when there is none); the title of the measure whose status changed."
        }
    )
    trigger_kind = ma.fields.String(
        allow_none=True, metadata={"description": ONLY_FOR.format("trigger")}
    )
    verification = ma.fields.String(
        allow_none=True, metadata={"description": ONLY_FOR.format("trigger")}
    )
    stance = ma.fields.String(
        allow_none=True, metadata={"description": ONLY_FOR.format("statement")}
    )
    actor = ma.fields.String(
        allow_none=True,
        metadata={"description": f"The actor's id. {ONLY_FOR.format('statement')}"},
    )
    actor_name = ma.fields.String(
        allow_none=True, metadata={"description": ONLY_FOR.format("statement")}
    )
    about = ma.fields.Nested(
        AboutSchema,
        allow_none=True,
        metadata={"description": f"What the statement is about. {ONLY_FOR.format('statement')}"},
    )
    status = ma.fields.String(
        allow_none=True,
        metadata={"description": f"The status it changed to. {ONLY_FOR.format('status_change')}"},
    )
    citations = ma.fields.List(
        ma.fields.Nested(CitationSchema),
        metadata={
            "description": "The evidence: every citation of a trigger (by source, then"
            " offset); the one citation of a statement or status change."
        },
    )


TimelinePageSchema = page_schema(TimelineEntrySchema, "TimelinePage")

OVERLAP = (
    " A record dated to a month or a year is included when its period overlaps the range:"
    " `from=2024-10-15` includes a statement of October 2024."
)


class TimelineQuery(ListQuery):
    from_: NotRequired[dt.date]  # ``from`` in the query string
    to: NotRequired[dt.date]
    kind: NotRequired[list[str]]
    sort: str


class TimelineQueryArgs(ListArgs):
    from_ = ma.fields.Date(
        data_key="from",
        metadata={"description": "Only entries dated on or after this day." + OVERLAP},
    )
    to = ma.fields.Date(
        metadata={
            "description": "Only entries dated on or before this day (before `from`: none)."
            + OVERLAP
        }
    )
    kind = ManyValues(_kind(), "Kinds of entry")
    sort = ma.fields.String(
        load_default="date",
        validate=validate.OneOf(["date", "-date"]),
        metadata={
            "description": "`date` (oldest first) or `-date`; ties go by kind, then id (and"
            " position for status changes)."
        },
    )
