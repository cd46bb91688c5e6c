"""Proposal schemas: what the extractor proposes, and a reviewer's accept and reject."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

import marshmallow as ma
from marshmallow import validate

from service.models.proposal import ACTIONS, KINDS, STATUSES
from service.schemas.common import (
    CREATED,
    UPDATED,
    Term,
    cursor_arg,
    page_schema,
    page_size,
    slug,
    sort_arg,
    timestamp,
)

# No example id: proposals are made by the extractor, not seeded.
_ID = {"description": "The proposal's id: 16 hex digits."}
K2 = "kr-k2-tanks-poland"
MAX_REASON = 2000


def proposal_kind(**kwargs: Any) -> Term:
    """What kind of record a proposal proposes."""
    about = "The kind of record proposed: `measure`, `trigger`, `statement` or `actor`."
    return Term("ProposalKind", KINDS, about, **kwargs)


def proposal_status(**kwargs: Any) -> Term:
    """Where a proposal stands."""
    about = (
        "`pending`: waiting for a reviewer; `accepted`: written to the register (`record_id`);"
        " `rejected`: refused, with a `reason`, never published; `superseded`: replaced by a"
        " later extraction of its source before anyone decided."
    )
    return Term("ProposalStatus", STATUSES, about, **kwargs)


class SpanSchema(ma.Schema):
    """A verbatim span of the source's text."""

    quote = ma.fields.String(metadata={"description": "Exactly `source.text[start:end]`."})
    start = ma.fields.Integer(metadata={"description": "Offset of the first character."})
    end = ma.fields.Integer(metadata={"description": "Offset after the last character."})


class CandidateSchema(ma.Schema):
    """An existing record the extractor weighed as the one the proposal is about."""

    id = ma.fields.String(
        metadata={"description": "The record's id, of the proposal's kind.", "example": K2}
    )
    score = ma.fields.Float(
        metadata={
            "description": "How well it matched, 0–1: a weighted sum of signals (for a measure:"
            " parties in their roles 0.40, shared words or the very passage 0.35, dates 0.15,"
            " triggers the article reports 0.10; a signal without evidence counts half). Over"
            " 0.7 the finding is taken for the record's fact: the proposal updates it.",
            "example": 0.79,
        }
    )


class ProposalSchema(ma.Schema):
    """A record the extractor read in a source, as proposed, and the reviewer's decision."""

    id = ma.fields.String(metadata=_ID)
    source = ma.fields.String(
        attribute="source_id",
        metadata={
            "description": "The source it was read in.",
            "example": "kr-considers-weapons-for-ukraine-article",
        },
    )
    kind = proposal_kind(metadata={"example": "measure"})
    action = Term(
        "ProposalAction",
        ACTIONS,
        "`create`: a new record (`record` is the body of `POST /v1/{kind}s`); `update`: the"
        " record `target` told again (`record` holds the fields to `PATCH`: the passages of"
        " this source it does not cite yet and, for a measure reported further along, the"
        " status change with its date and quote). A finding the register already holds whole"
        " is not proposed.",
        metadata={"example": "create"},
    )
    target = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "The record an update changes (its best candidate); null for a create."
        },
    )
    record = ma.fields.Dict(
        metadata={
            "description": "The record as proposed: the body `POST /v1/{kind}s` takes, or for an"
            " update the fields `PATCH` takes, citations included. An update's `citations`"
            " (and a measure's `status_history`) are whole lists as the record had them when"
            " proposed, plus what this source adds; accepting re-bases them onto the record as"
            " it stands then, so that what was cited or changed meanwhile stays: the entries"
            " that quote this source and that the record lacks are added, a status change in"
            " date order, and `status` follows the last change."
        }
    )
    citations = ma.fields.List(
        ma.fields.Nested(SpanSchema),
        metadata={"description": "The words of the source the proposal rests on."},
    )
    confidence = ma.fields.Float(metadata={"description": "The extractor's confidence, 0–1."})
    reasons = ma.fields.List(
        ma.fields.String(),
        metadata={
            "description": "Why the extractor proposes it: the cues that fired, then how it"
            " matched the register (the closest record and why, or for an update what it adds).",
            "example": [
                "cue 'deal for K-2' → arms_transfer",
                "cue 'signed' → agreed",
                "the same measure as kr-k2-tanks-poland (score 0.79: same imposer KR; PL as"
                " beneficiary too; 75% of the words (agreement, country, deal, k2, tank,"
                " working))",
                "adds 1 passage(s) of this article to its citations",
                "status announced → agreed, on 2024-12-27",
            ],
        },
    )
    candidates = ma.fields.List(
        ma.fields.Nested(CandidateSchema),
        metadata={
            "description": "Existing records of its kind it weighed, best first (at most five);"
            " on a create as on an update. The reasons name the best and why it scored so."
        },
    )
    status = proposal_status(metadata={"example": "pending"})
    extractor = ma.fields.String(
        metadata={"description": "The extractor's name and version.", "example": "cues 1.0.0"}
    )
    edited = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": "The record as the reviewer accepted it, when they edited it (the"
            " proposed `record` is kept beside it); null otherwise."
        },
    )
    decided_by = ma.fields.String(
        allow_none=True,
        metadata={"description": "The id of the API key that accepted or rejected it."},
    )
    decided_at = ma.fields.AwareDateTime(
        allow_none=True, metadata={"description": "When it was accepted or rejected (UTC)."}
    )
    record_id = ma.fields.String(
        allow_none=True,
        metadata={"description": "The record accepting it wrote (`/v1/{kind}s/{record_id}`)."},
    )
    reason = ma.fields.String(
        allow_none=True, metadata={"description": "Why it was rejected; never published."}
    )
    created_at = timestamp(CREATED)
    updated_at = timestamp(UPDATED)


ProposalPageSchema = page_schema(ProposalSchema, "ProposalPage")


class ProposalQuery(TypedDict):
    limit: int
    cursor: NotRequired[str]
    sort: str
    source: NotRequired[str]
    status: NotRequired[str]
    kind: NotRequired[str]


class ProposalQueryArgs(ma.Schema):
    limit = page_size()
    cursor = cursor_arg()
    sort = sort_arg(["created_at"], "created_at")
    source = slug(
        metadata={
            "description": "Only proposals read in this source.",
            "example": "kr-phased-measures-article",
        }
    )
    status = proposal_status(metadata={"description": "Only proposals with this status."})
    kind = proposal_kind(metadata={"description": "Only proposals of this kind of record."})


class AcceptData(TypedDict):
    record: NotRequired[dict[str, Any]]


class AcceptSchema(ma.Schema):
    record = ma.fields.Dict(
        metadata={
            "description": "The record to write instead of the proposed one, whole: the body"
            " `POST /v1/{kind}s` takes, or for an update the fields to `PATCH` (its citations and"
            " status changes re-based as the proposal's are). Leave it out to accept the"
            " proposal as it is."
        }
    )


class RejectData(TypedDict):
    reason: str


class RejectSchema(ma.Schema):
    reason = ma.fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=MAX_REASON),
            validate.Regexp(
                r"^[^\x00]*[^\s\x00][^\x00]*$",
                error="Must not be blank, nor contain NUL characters.",
            ),
        ],
        metadata={"description": "Why the proposal is wrong; kept with it, never published."},
    )


class ExtractionSchema(ma.Schema):
    """What one run of the extractor over a source proposed."""

    source = ma.fields.String(
        metadata={"description": "The source read.", "example": "seoul-could-send-weapons-article"}
    )
    extractor = ma.fields.String(
        metadata={
            "description": "The extractor's name and version.",
            "example": "register-extractor 0.2",
        }
    )
    proposals = ma.fields.List(
        ma.fields.Nested(ProposalSchema),
        metadata={
            "description": "The proposals of this run; the pending ones before it are superseded."
        },
    )
