"""Sources: articles, stored once per text, and their citations."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, delete, literal, or_, select, union
from sqlalchemy.orm import Session

from service.errors import Conflict, InvalidReference
from service.exports import csv
from service.exports.ftm import Mapper
from service.models import (
    Actor,
    Citation,
    Measure,
    MeasureStatusChange,
    Source,
    Statement,
    Trigger,
    actor_citations,
    measure_citations,
    trigger_citations,
)
from service.schemas.sources import (
    CitationQuery,
    SourceCreateSchema,
    SourceData,
    SourceQuery,
    SourceSchema,
    SourceUpdateSchema,
)
from service.services.paging import Page, SortKey, changed_since, paginate
from service.services.records import Outcome, contains, get_or_404, upsert
from service.services.registry import RecordType, Seed

SORT_KEYS = {
    "id": SortKey(Source.id),
    "published_on": SortKey(Source.published_on, "date", nullable=True),
    "title": SortKey(Source.title, nullable=True),
}
CITATION_SORT_KEYS = {"id": SortKey(Citation.id), "start": SortKey(Citation.start, "int")}


def sha256(text: str) -> str:
    """The hex SHA-256 of ``text`` as UTF-8: how a source is known by its content."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def get(session: Session, source_id: str) -> Source:
    """The source ``source_id``, or a 404."""
    return get_or_404(session, Source, source_id, "source")


def list_(session: Session, args: SourceQuery) -> Page[Source]:
    """One page of sources, filtered and sorted as ``args`` ask."""
    stmt = select(Source)
    if q := args.get("q"):
        stmt = stmt.where(or_(contains(Source.title, q), contains(Source.text, q)))
    stmt = changed_since(stmt, Source, args.get("changed_since"))
    return paginate(
        session, stmt, SORT_KEYS, Source.id, args["sort"], args["limit"], args.get("cursor")
    )


def citations(session: Session, source_id: str, args: CitationQuery) -> Page[Citation]:
    """One page of the passages cited from the source ``source_id``."""
    get(session, source_id)
    stmt = select(Citation).where(Citation.source_id == source_id)
    return paginate(
        session,
        stmt,
        CITATION_SORT_KEYS,
        Citation.id,
        args["sort"],
        args["limit"],
        args.get("cursor"),
    )


@dataclass(frozen=True)
class Citing:
    """A record citing a passage: its collection, id and what a reader knows it by."""

    citation_id: str
    start: int
    end: int
    collection: str
    record_id: str
    label: str


def cited_by(session: Session, source_id: str) -> list[Citing]:
    """Every record citing a passage of the source ``source_id``: one query.

    A measure citing a passage both as evidence and for a status change is listed once.
    Ordered by where the passage starts, then by collection and record.
    """
    get(session, source_id)

    def citing(collection: str, link: Any, cited: Any, key: Any, label: Any) -> Select[Any]:
        """``collection``'s records citing the source through ``link``'s ``cited`` column."""
        return (
            select(
                Citation.id.label("citation_id"),
                Citation.start.label("start"),
                Citation.end.label("end"),
                literal(collection).label("collection"),
                key.label("record_id"),
                label.label("label"),
            )
            .select_from(link)
            .join(Citation, Citation.id == cited)
            .where(Citation.source_id == source_id)
        )

    evidence, status = measure_citations.c, MeasureStatusChange
    triggers, actors = trigger_citations.c, actor_citations.c
    said = Actor.name + literal(": ") + Statement.stance
    parts = union(
        citing("measures", measure_citations, evidence.citation_id, Measure.id, Measure.title).join(
            Measure, Measure.id == evidence.measure_id
        ),
        citing("measures", status, status.citation_id, Measure.id, Measure.title).join(
            Measure, Measure.id == status.measure_id
        ),
        citing("triggers", trigger_citations, triggers.citation_id, Trigger.id, Trigger.title).join(
            Trigger, Trigger.id == triggers.trigger_id
        ),
        citing("actors", actor_citations, actors.citation_id, Actor.id, Actor.name).join(
            Actor, Actor.id == actors.actor_id
        ),
        citing("statements", Statement, Statement.citation_id, Statement.id, said).join(
            Actor, Actor.id == Statement.actor_id
        ),
    ).subquery()
    order = (parts.c.start, parts.c.citation_id, parts.c.collection, parts.c.record_id)
    rows = session.execute(select(parts).order_by(*order))
    return [Citing(r.citation_id, r.start, r.end, r.collection, r.record_id, r.label) for r in rows]


def put(session: Session, data: SourceData) -> tuple[Source, Outcome]:
    """Store a source under its id; the same text may not be stored under two ids."""
    digest = sha256(data["text"])
    twin = session.scalar(select(Source).where(Source.content_sha256 == digest))
    if twin is not None and twin.id != data["id"]:
        # A 409 as ``writes.create``'s own check of the text gives: a POST of the same
        # article at once as another passes that check, and meets the other's text here.
        raise Conflict(
            f"The same text is already stored as source '{twin.id}': GET /v1/sources/{twin.id}.",
            "text",
        )
    existing = session.get(Source, data["id"])
    if existing is not None and existing.content_sha256 != digest:
        # Citations point into the text by offset: changing it would silently break them.
        raise InvalidReference("text", f"source '{data['id']}' already has a different text")
    candidate = Source(content_sha256=digest, **data)
    return upsert(session, candidate, data["id"])


def holding(session: Session, data: SourceData) -> Source | None:
    """The source already holding ``data['text']``: a POST of the same article answers with it."""
    return session.scalar(select(Source).where(Source.content_sha256 == sha256(data["text"])))


def drop_citations(session: Session, source: Source) -> None:
    """Citations of a deleted source go with it (no record may still use one)."""
    session.execute(delete(Citation).where(Citation.source_id == source.id))


def _referrers(key: str) -> list[tuple[str, Select[Any]]]:
    cited = select(Citation.id).where(Citation.source_id == key)
    return [
        (
            "measures",
            select(measure_citations.c.measure_id).where(
                measure_citations.c.citation_id.in_(cited)
            ),
        ),
        (
            "measures",
            select(MeasureStatusChange.measure_id).where(
                MeasureStatusChange.citation_id.in_(cited)
            ),
        ),
        (
            "triggers",
            select(trigger_citations.c.trigger_id).where(
                trigger_citations.c.citation_id.in_(cited)
            ),
        ),
        (
            "actors",
            select(actor_citations.c.actor_id).where(actor_citations.c.citation_id.in_(cited)),
        ),
        ("statements", select(Statement.id).where(Statement.citation_id.in_(cited))),
    ]


RECORD = RecordType(
    collection="sources",
    label="source",
    model=Source,
    schema=SourceSchema,
    routes="service.resources.sources",
    list_=list_,
    create_schema=SourceCreateSchema,
    update_schema=SourceUpdateSchema,
    put=put,
    twin=holding,
    on_delete=drop_citations,
    referrers=_referrers,
    columns=csv.SOURCE,
    ftm=Mapper.sources,
    seed=Seed("sources.yaml", texts=True),
)
