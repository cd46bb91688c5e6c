"""Measures: the heart of the register."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from service import vocabularies as vocab
from service.errors import InvalidReference, NoStatusOn, NotFound
from service.exports import csv
from service.exports.ftm import Mapper
from service.models import (
    Actor,
    Measure,
    MeasureCountry,
    MeasureDocument,
    MeasureItem,
    MeasureStatusChange,
    MeasureTrigger,
    Statement,
    Trigger,
)
from service.schemas.measures import (
    MeasureCreateSchema,
    MeasureData,
    MeasureQuery,
    MeasureSchema,
    MeasureUpdateSchema,
)
from service.services import as_of as as_of_
from service.services import country_filter, measure_documents, search
from service.services.paging import Page, SortKey, changed_since, paginate
from service.services.records import (
    Outcome,
    cite,
    cite_all,
    country_roles,
    provenance,
    require,
    upsert,
)
from service.services.registry import Owned, RecordType, Seed

DEFAULT_SORT = "-announced_on"
SORT_KEYS = {
    "id": SortKey(Measure.id),
    "announced_on": SortKey(Measure.announced_on, "date", nullable=True),
    "title": SortKey(Measure.title),
    "status": SortKey(Measure.status),
    "type": SortKey(Measure.type),
    "updated_at": SortKey(Measure.updated_at, "datetime"),
}


def with_body(stmt: Select[Any]) -> Select[Any]:
    """``stmt`` with each measure's stored document beside it (null if it has none)."""
    return stmt.add_columns(MeasureDocument.body).outerjoin(
        MeasureDocument, MeasureDocument.measure_id == Measure.id
    )


def filtered(args: MeasureQuery) -> Select[Measure]:
    """Measures matching the filters of ``MeasureQueryArgs`` (all of them: AND)."""
    stmt = select(Measure)
    # With `as_of`, the status that counts (and filters) is the one the measure had then.
    status: ColumnElement[str] = Measure.status.expression
    if (as_of := args.get("as_of")) is not None:
        status = as_of_.status_on(as_of)
        stmt = stmt.where(status.is_not(None))
    country, role = args.get("country"), args.get("role")
    if country or role:
        stmt = stmt.where(country_filter.has(country, role))
    if types := args.get("type"):
        stmt = stmt.where(Measure.type.in_(types))
    if statuses := args.get("status"):
        stmt = stmt.where(status.in_(statuses))
    if trigger := args.get("trigger"):
        stmt = stmt.where(Measure.triggers.any(MeasureTrigger.trigger_id == trigger))
    if actor := args.get("actor"):
        stmt = stmt.where(Measure.announced_by_id == actor)
    if (start := args.get("announced_from")) is not None:
        stmt = stmt.where(Measure.announced_on >= start)
    if (end := args.get("announced_to")) is not None:
        stmt = stmt.where(Measure.announced_on <= end)
    if (conditional := args.get("conditional")) is not None:
        stmt = stmt.where(Measure.conditional.is_(conditional))
    if parent := args.get("parent"):
        stmt = stmt.where(Measure.parent_id == parent)
    if (basis := args.get("basis")) in ("stated", "derived"):
        stmt = stmt.where(Measure.basis.in_(vocab.AT_LEAST[basis]))
    if q := args.get("q"):
        stmt = stmt.where(search.matches("measures", Measure.id, q))
    return changed_since(stmt, Measure, args.get("changed_since"))


def _sort(args: MeasureQuery) -> str:
    """The sort of a page; by the status on ``as_of``, it has no search rank: no relevance."""
    sort = search.sort_of(args, DEFAULT_SORT)
    return DEFAULT_SORT if sort == search.RELEVANCE and args.get("as_of") is not None else sort


def lean_rows(args: MeasureQuery) -> Select[Any]:
    """``filtered(args)`` as rows of what a page needs: id, sort column and stored body."""
    key = SORT_KEYS.get(_sort(args).lstrip("-"))
    columns = [Measure.id] if key is None or key.column is Measure.id else [Measure.id, key.column]
    return with_body(filtered(args).with_only_columns(*columns))


def page(session: Session, args: MeasureQuery, parsed: bool = False) -> Page[Any]:
    """One page of the measures matching ``args``, as their API documents: one query.

    The query finds the page and each measure's stored document (``lean_rows``). Without
    ``as_of`` the documents are that JSON as it is (``orjson.Fragment``, to embed
    unparsed); with ``as_of``, or ``parsed`` (the exports, which flatten them), dicts.
    """
    stmt = lean_rows(args)
    as_of = args.get("as_of")
    if as_of is None:
        rows = search.page(session, stmt, "measures", SORT_KEYS, Measure.id, args, DEFAULT_SORT)
    else:
        # The status that filters and sorts is the one each measure had on that date.
        keys = {**SORT_KEYS, "status": SortKey(Measure.status, computed=as_of_.status_on(as_of))}
        cursor = args.get("cursor")
        rows = paginate(session, stmt, keys, Measure.id, _sort(args), args["limit"], cursor)
    if as_of is None and not parsed:
        return Page(measure_documents.fragments(session, rows.items), rows.next_cursor)
    return Page(measure_documents.documents(session, rows.items, as_of), rows.next_cursor)


def read(
    session: Session, measure_id: str, as_of: dt.date | None = None, parsed: bool = False
) -> Any:
    """The measure ``measure_id`` as its API document, found with its stored body: one query.

    Without ``as_of``, the stored JSON as it is (``orjson.Fragment``); with it, or
    ``parsed`` (the pages, which read it), a dict: with ``as_of`` the measure as it stood on
    that date, or a 404 if it had no dated status yet.
    """
    row = (
        session.connection()
        .execute(with_body(select(Measure.id).where(Measure.id == measure_id)))
        .first()
    )
    if row is None:
        raise NotFound("measure", measure_id)
    if as_of is None and not parsed:
        return measure_documents.fragments(session, [row])[0]
    document = measure_documents.documents(session, [row], as_of)[0]
    if as_of is not None and document["status"] is None:
        raise NoStatusOn(measure_id, as_of)
    return document


def _check_parent(session: Session, measure_id: str, parent_id: str) -> None:
    """The parent exists and is not the measure itself nor one of its descendants."""
    require(session, Measure, parent_id, "parent", "measure")
    seen = {measure_id}
    current: str | None = parent_id
    while current is not None:
        if current in seen:
            raise InvalidReference("parent", "a measure cannot be a stage of itself")
        seen.add(current)
        current = session.scalar(select(Measure.parent_id).where(Measure.id == current))


def put(session: Session, data: MeasureData) -> tuple[Measure, Outcome]:
    """Store a measure loaded by ``MeasureCreateSchema``: insert, update, or leave it as it is."""
    if data["announced_by"]:
        require(session, Actor, data["announced_by"], "announced_by", "actor")
    if data["parent"]:
        _check_parent(session, data["id"], data["parent"])
    countries = country_roles(
        session, data["countries"], lambda code, role: MeasureCountry(country_code=code, role=role)
    )
    triggers, linked = [], set()
    for index, link in enumerate(data["triggers"]):
        require(session, Trigger, link["trigger"], f"triggers.{index}.trigger", "trigger")
        if (link["trigger"], link["relation"]) in linked:
            raise InvalidReference(f"triggers.{index}", "listed twice with the same relation")
        linked.add((link["trigger"], link["relation"]))
        triggers.append(MeasureTrigger(trigger_id=link["trigger"], relation=link["relation"]))
    history = []
    for index, change in enumerate(data["status_history"]):
        citation = cite(session, change["citation"], f"status_history.{index}.citation")
        history.append(
            MeasureStatusChange(
                position=index + 1,
                status=change["status"],
                changed_on=change["changed_on"],
                changed_on_precision=change["changed_on_precision"],
                citation_id=citation.id,
                citation=citation,
            )
        )
    dated = [h.changed_on for h in history if h.changed_on is not None]
    if dated != sorted(dated):
        raise InvalidReference("status_history", "status changes must be in date order")
    candidate = Measure(
        id=data["id"],
        type=data["type"],
        status=data["status"],
        title=data["title"],
        summary=data["summary"],
        announced_by_id=data["announced_by"],
        announced_on=data["announced_on"],
        announced_on_precision=data["announced_on_precision"],
        effective_on=data["effective_on"],
        effective_on_precision=data["effective_on_precision"],
        expected_by=data["expected_by"],
        expected_by_precision=data["expected_by_precision"],
        conditional=data["conditional"],
        condition=data["condition"],
        parent_id=data["parent"],
        phase=data["phase"],
        countries=countries,
        country_roles=country_filter.key(countries),
        items=[MeasureItem(position=i + 1, **item) for i, item in enumerate(data["items"])],
        triggers=triggers,
        status_history=history,
        citations=cite_all(session, data["citations"], "citations"),
        **provenance(data),
    )
    return upsert(session, candidate, data["id"])


def parents_first(session: Session, size: int) -> Iterator[Measure]:
    """Measures parents first: by depth in the package tree, then by id."""
    parents: dict[str, str | None] = dict(
        session.execute(select(Measure.id, Measure.parent_id)).all()
    )
    depth: dict[str, int] = {}

    def depth_of(key: str) -> int:
        below: list[str] = []
        while key not in depth:
            parent = parents.get(key)
            if parent is None or parent not in parents or parent in below:
                depth[key] = 0  # a root (the service forbids cycles; never loop on one)
                break
            below.append(key)
            key = parent
        level = depth[key]
        for child in reversed(below):
            level += 1
            depth[child] = level
        return depth[below[0]] if below else depth[key]

    order = sorted(parents, key=lambda key: (depth_of(key), key))
    for start in range(0, len(order), size):
        batch = order[start : start + size]
        found = {m.id: m for m in session.scalars(select(Measure).where(Measure.id.in_(batch)))}
        yield from (found[key] for key in batch if key in found)


def search_document(session: Session, record: Measure) -> search.Document:
    """What a measure is found by: its title, its text, and the words it cites."""
    quotes = [c.quote for c in record.citations]
    quotes += [change.citation.quote for change in record.status_history]
    body = [record.summary, record.condition, *(item.name for item in record.items)]
    return search.Document(
        "measures", record.id, record.title, search.lines(body), search.lines(quotes)
    )


def _packages(session: Session, measure: Measure) -> set[str]:
    """A package lists its stages: a new, deleted or moved stage changes it."""
    history = inspect(measure).attrs.parent_id.history
    parents = {*history.added, *history.deleted}
    if measure in session.deleted:
        parents.add(measure.parent_id)
    return parents - {None, measure.id}


def _referrers(key: str) -> list[tuple[str, Select[Any]]]:
    return [
        ("measures", select(Measure.id).where(Measure.parent_id == key)),
        ("statements", select(Statement.id).where(Statement.about_measure_id == key)),
    ]


RECORD = RecordType(
    collection="measures",
    label="measure",
    model=Measure,
    schema=MeasureSchema,
    routes="service.resources.measures",
    list_=page,
    create_schema=MeasureCreateSchema,
    update_schema=MeasureUpdateSchema,
    put=put,
    # Linking a parent checks the tree for cycles: one writer at a time (services/writes.py).
    exclusive=lambda fields: fields.get("parent") is not None,
    owned=(
        Owned(MeasureCountry, "measure_id"),
        Owned(MeasureItem, "measure_id"),
        Owned(MeasureTrigger, "measure_id"),
        Owned(MeasureStatusChange, "measure_id"),
    ),
    touches=_packages,
    referrers=_referrers,
    effects=(measure_documents.store_changed, search.reindex),
    search=search_document,
    export=parents_first,
    columns=csv.MEASURE,
    ftm=Mapper.measures,
    seed=Seed("measures.yaml"),
    refers_to=("countries", "organisations", "sources", "actors", "triggers"),
)
