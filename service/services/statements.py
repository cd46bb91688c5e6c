"""Statements: who said what, when, about which trigger or measure."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import vocabularies as vocab
from service.errors import InvalidReference
from service.exports import csv
from service.exports.ftm import Mapper
from service.models import Actor, Measure, Statement, Trigger
from service.quotes import fold
from service.schemas.statements import (
    StatementCreateSchema,
    StatementData,
    StatementQuery,
    StatementSchema,
    StatementUpdateSchema,
)
from service.services import search
from service.services.paging import Page, SortKey, changed_since
from service.services.records import Outcome, cite, get_or_404, provenance, require, upsert
from service.services.registry import RecordType, Seed

SORT_KEYS = {
    "id": SortKey(Statement.id),
    "said_on": SortKey(Statement.said_on, "date", nullable=True),
}


def get(session: Session, statement_id: str) -> Statement:
    """The statement ``statement_id``, or a 404."""
    return get_or_404(session, Statement, statement_id, "statement")


def list_(session: Session, args: StatementQuery) -> Page[Statement]:
    """One page of statements, filtered, searched and sorted as ``args`` ask."""
    stmt = select(Statement)
    if actor := args.get("actor"):
        stmt = stmt.where(Statement.actor_id == actor)
    if stance := args.get("stance"):
        stmt = stmt.where(Statement.stance == stance)
    if trigger := args.get("trigger"):
        stmt = stmt.where(Statement.about_trigger_id == trigger)
    if measure := args.get("measure"):
        stmt = stmt.where(Statement.about_measure_id == measure)
    if (has_figure := args.get("has_figure")) is not None:
        figure = Statement.figure_value
        stmt = stmt.where(figure.is_not(None) if has_figure else figure.is_(None))
    if (basis := args.get("basis")) in ("stated", "derived"):
        stmt = stmt.where(Statement.basis.in_(vocab.AT_LEAST[basis]))
    if q := args.get("q"):
        stmt = stmt.where(search.matches("statements", Statement.id, q))
    stmt = changed_since(stmt, Statement, args.get("changed_since"))
    return search.page(session, stmt, "statements", SORT_KEYS, Statement.id, args, "id")


def put(session: Session, data: StatementData) -> tuple[Statement, Outcome]:
    """Store a statement loaded by ``StatementCreateSchema``: insert, update, or leave it be."""
    require(session, Actor, data["actor"], "actor", "actor")
    about = data["about"]
    about_trigger = about["id"] if about is not None and about["type"] == "trigger" else None
    about_measure = about["id"] if about is not None and about["type"] == "measure" else None
    if about_trigger is not None:
        require(session, Trigger, about_trigger, "about.id", "trigger")
    elif about_measure is not None:
        require(session, Measure, about_measure, "about.id", "measure")
    citation = cite(session, data["citation"], "citation")
    if data["quote"] is not None and fold(data["quote"]) not in fold(citation.quote):
        raise InvalidReference("quote", "the actor's words must be inside the cited passage")
    figure: Mapping[str, object] = data["figure"] or {}
    candidate = Statement(
        id=data["id"],
        actor_id=data["actor"],
        stance=data["stance"],
        about_trigger_id=about_trigger,
        about_measure_id=about_measure,
        said_on=data["said_on"],
        said_on_precision=data["said_on_precision"],
        quote=data["quote"],
        citation_id=citation.id,
        citation=citation,
        figure_value=figure.get("value"),
        figure_unit=figure.get("unit"),
        figure_qualifier=figure.get("qualifier"),
        figure_as_of=figure.get("as_of"),
        figure_as_of_precision=figure.get("as_of_precision"),
        figure_place=figure.get("place"),
        **provenance(data),
    )
    return upsert(session, candidate, data["id"])


def search_document(session: Session, record: Statement) -> search.Document:
    """What a statement is found by: who said it, their words, and the passage cited."""
    actor = session.get(Actor, record.actor_id)
    name = actor.name if actor is not None else ""
    return search.Document("statements", record.id, name, record.quote or "", record.citation.quote)


RECORD = RecordType(
    collection="statements",
    label="statement",
    model=Statement,
    schema=StatementSchema,
    routes="service.resources.statements",
    list_=list_,
    create_schema=StatementCreateSchema,
    update_schema=StatementUpdateSchema,
    put=put,
    effects=(search.reindex,),
    search=search_document,
    columns=csv.STATEMENT,
    ftm=Mapper.statements,
    seed=Seed("statements.yaml"),
    refers_to=("sources", "actors", "triggers", "measures"),
)
