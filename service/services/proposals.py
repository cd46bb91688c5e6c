"""Proposals: store what the extractor read in a source, and decide on each one.

The seam with the extractor (``service/extraction/``) is :func:`propose`: the extractor
reads a source and hands its findings here as :class:`Draft` s, with its name and version.
Proposing for a source again (a re-extraction) supersedes that source's proposals still
pending: a reviewer then decides on the newest reading only. Nothing here publishes: a
proposal is not a record of the register (see ``models/proposal.py``).

A reviewer's decision (:func:`accept`, :func:`reject`) is taken under the proposal's row
lock (``writes.lock``), so of two reviewers deciding at once the second sees the first's
decision and gets a 409. Accepting writes the record through the collection's own write
(``writes.create`` for a create, ``writes.update_`` for an update): the same validation as
its POST or PATCH, the same change-feed row and effects, in one transaction with the
proposal's new status. The feed row credits the reviewer's key and names the proposal.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any, Literal, TypedDict

import marshmallow as ma
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.errors import Conflict, DomainError, InvalidBody, NotFound, ProposalDecided
from service.models import Proposal, Source
from service.models.base import utcnow
from service.models.proposal import ACTIONS, KINDS
from service.records import REGISTRY
from service.schemas.common import Document, RecordData
from service.schemas.proposals import ProposalQuery
from service.services import unit_of_work, writes
from service.services.documents import Written
from service.services.paging import Page, SortKey, paginate
from service.services.rebase import rebased

SORT_KEYS = {"created_at": SortKey(Proposal.created_at, "datetime")}


class Span(TypedDict):
    """A verbatim span of the source's text: ``text[start:end] == quote``."""

    quote: str
    start: int
    end: int


class Candidate(TypedDict):
    """An existing record the extractor weighed, and how well it matched (0–1)."""

    id: str
    score: float


class Draft(TypedDict):
    """One finding of the extractor, as it hands it to :func:`propose`."""

    kind: Literal["measure", "trigger", "statement", "actor"]
    action: Literal["create", "update"]
    target: str | None  # the record an update changes; None for a create
    record: Document  # the body POST /v1/<kind>s takes; for an update, the PATCH fields
    citations: list[Span]
    confidence: float
    reasons: list[str]
    candidates: list[Candidate]


def collection(proposal: Proposal) -> str:
    """The collection a proposal's record belongs to: ``measures`` for a measure."""
    return f"{proposal.kind}s"


def _checked(source: Source, draft: Draft) -> None:
    """Refuse a draft that breaks the contract: the extractor's bug, not a reviewer's."""
    if draft["kind"] not in KINDS or draft["action"] not in ACTIONS:
        raise ValueError(f"a draft of kind {draft['kind']!r}, action {draft['action']!r}")
    if (draft["action"] == "update") != (draft.get("target") is not None):
        raise ValueError("an update names its target, and only an update does")
    if not 0.0 <= draft["confidence"] <= 1.0:
        raise ValueError(f"confidence {draft['confidence']} is not within 0–1")
    for span in draft["citations"]:
        if source.text[span["start"] : span["end"]] != span["quote"]:
            raise ValueError(
                f"the quote {span['quote']!r} is not at {span['start']}–{span['end']} of the"
                f" text of source {source.id!r}"
            )


def propose(
    session: Session,
    source_id: str,
    drafts: Iterable[Draft],
    extractor: str,
    *,
    commit: bool = True,
) -> list[Proposal]:
    """Store the extractor's ``drafts`` for a source, superseding its pending proposals.

    ``extractor`` is its name and version. Commits, unless ``commit`` is false (to commit
    with a write of the caller's, such as the source the extractor read). A draft that
    breaks the contract (an unknown kind, a quote not at its offsets) is a ``ValueError``.
    """
    writes.lock(session, Source, source_id)  # one extraction of a source at a time
    source = session.get(Source, source_id)
    if source is None:
        raise NotFound("source", source_id)
    drafts = list(drafts)
    for draft in drafts:
        _checked(source, draft)
    now = utcnow()
    # One UPDATE, not a loop over loaded rows: on PostgreSQL it waits for a reviewer deciding
    # one of them, then skips it if it was decided meanwhile (the row is no longer pending).
    session.execute(
        update(Proposal)
        .where(Proposal.source_id == source_id, Proposal.status == "pending")
        .values(status="superseded", updated_at=now)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()  # the superseded rows, were any loaded, as now stored
    proposals = [
        Proposal(
            id=secrets.token_hex(8),
            source_id=source_id,
            kind=draft["kind"],
            action=draft["action"],
            target=draft.get("target"),
            record=dict(draft["record"]),
            citations=[dict(span) for span in draft["citations"]],
            confidence=float(draft["confidence"]),
            reasons=list(draft["reasons"]),
            candidates=[dict(c) for c in draft["candidates"]],
            status="pending",
            extractor=extractor,
            created_at=now,
            updated_at=now,
        )
        for draft in drafts
    ]
    session.add_all(proposals)
    session.flush()
    if commit:
        unit_of_work.commit(session)
    return proposals


def get(session: Session, proposal_id: str) -> Proposal:
    """A proposal, whatever its status; 404 if there is none with that id."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound("proposal", proposal_id)
    return proposal


def list_(session: Session, args: ProposalQuery) -> Page[Proposal]:
    """One page of proposals, filtered by source, status and kind as ``args`` ask."""
    stmt = select(Proposal)
    if "source" in args:
        stmt = stmt.where(Proposal.source_id == args["source"])
    if "status" in args:
        stmt = stmt.where(Proposal.status == args["status"])
    if "kind" in args:
        stmt = stmt.where(Proposal.kind == args["kind"])
    return paginate(
        session, stmt, SORT_KEYS, Proposal.id, args["sort"], args["limit"], args.get("cursor")
    )


def _pending(session: Session, proposal_id: str) -> Proposal:
    """The proposal, locked and read as committed; 409 unless it is still pending."""
    writes.lock(session, Proposal, proposal_id)
    proposal = session.get(Proposal, proposal_id, populate_existing=True)
    if proposal is None:
        raise NotFound("proposal", proposal_id)
    if proposal.status != "pending":
        raise ProposalDecided(proposal_id, proposal.status)
    return proposal


def _load(schema: ma.Schema, record: Mapping[str, Any]) -> Any:
    """``record`` as ``schema`` loads it; a 422 naming each field as ``record.<field>``."""
    try:
        return schema.load(record)
    except ma.ValidationError as error:
        raise InvalidBody({"record": error.messages}) from error


def _decided(proposal: Proposal, status: str, key_id: str | None) -> None:
    now = utcnow()
    proposal.status = status
    proposal.decided_by = key_id
    proposal.decided_at = now
    proposal.updated_at = now


def accept(
    session: Session, proposal_id: str, edited: Document | None, key_id: str | None
) -> tuple[Proposal, Written]:
    """Write the proposed record (or ``edited``, the reviewer's whole version of it).

    A create goes through ``writes.create``, an update through ``writes.update_`` as a
    PATCH to the current version of its target, its citations and status changes re-based
    onto that version (``services/rebase.py``): the same validation as the collection's
    POST or PATCH. The proposal's acceptance commits with the write, or neither does.
    """
    proposal = _pending(session, proposal_id)
    try:
        return proposal, _write(session, proposal, edited, key_id)
    except DomainError as error:
        session.rollback()  # the proposal stays pending, and nothing is written
        _in_record(error)
        raise


def _in_record(error: DomainError) -> None:
    """``error`` naming the body's fields as the accept's body holds them: ``record.<field>``."""
    error.errors = [
        {**e, "name": f"record.{e['name']}"}
        if e.get("in") == "body" and not e["name"].startswith("record")
        else e
        for e in error.errors
    ]


def _write(
    session: Session, proposal: Proposal, edited: Document | None, key_id: str | None
) -> Written:
    """Mark ``proposal`` accepted and write its record, committing both."""
    kind = REGISTRY[collection(proposal)]
    assert kind.create_schema is not None and kind.update_schema is not None
    record = proposal.record if edited is None else edited
    author = writes.Author(key_id, proposal_id=proposal.id)
    _decided(proposal, "accepted", key_id)
    proposal.edited = edited
    if proposal.action == "create":
        data: RecordData = _load(kind.create_schema(), record)
        proposal.record_id = data["id"]
        return writes.create(session, kind.collection, data, author)
    target = proposal.target
    assert target is not None
    writes.lock(session, kind.model, target)  # read its lists as the write will replace them
    current = session.get(kind.model, target, populate_existing=True)
    if current is None:
        raise Conflict(f"The {kind.label} '{target}' this proposal updates no longer exists.")
    fields = kind.update_schema(partial=tuple(kind.update_schema().fields))
    loaded = _load(fields, record)
    patch = {name: record[name] for name in loaded if name in record}
    # What others cited or changed since the proposal was made stays (``services/rebase``).
    patch = rebased(session, kind, current, patch, proposal.source_id)
    proposal.record_id = target
    # The reviewer decides on the record as it stands now: any version of it will do.
    anything = writes.Precondition(any=True)
    return writes.update_(session, kind.collection, target, patch, anything, author)


def reject(session: Session, proposal_id: str, reason: str, key_id: str | None) -> Proposal:
    """Refuse a proposal, keeping ``reason`` with it; nothing is published."""
    proposal = _pending(session, proposal_id)
    _decided(proposal, "rejected", key_id)
    proposal.reason = reason
    unit_of_work.commit(session, key_id)
    return proposal
