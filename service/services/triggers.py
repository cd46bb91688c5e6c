"""Triggers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from service import vocabularies as vocab
from service.exports import csv
from service.exports.ftm import Mapper
from service.models import MeasureTrigger, Statement, Trigger, TriggerCountry
from service.schemas.triggers import (
    TriggerCreateSchema,
    TriggerData,
    TriggerQuery,
    TriggerSchema,
    TriggerUpdateSchema,
)
from service.services import search
from service.services.paging import Page, SortKey, changed_since
from service.services.records import (
    Outcome,
    cite_all,
    country_roles,
    get_or_404,
    provenance,
    upsert,
)
from service.services.registry import Owned, RecordType, Seed

SORT_KEYS = {
    "id": SortKey(Trigger.id),
    "occurred_on": SortKey(Trigger.occurred_on, "date", nullable=True),
    "title": SortKey(Trigger.title),
}


def get(session: Session, trigger_id: str) -> Trigger:
    """The trigger ``trigger_id``, or a 404."""
    return get_or_404(session, Trigger, trigger_id, "trigger")


def list_(session: Session, args: TriggerQuery) -> Page[Trigger]:
    """One page of triggers, filtered, searched and sorted as ``args`` ask."""
    stmt = select(Trigger)
    if kind := args.get("kind"):
        stmt = stmt.where(Trigger.kind == kind)
    if verification := args.get("verification"):
        stmt = stmt.where(Trigger.verification == verification)
    if country := args.get("country"):
        stmt = stmt.where(Trigger.countries.any(TriggerCountry.country_code == country.upper()))
    if (basis := args.get("basis")) in ("stated", "derived"):
        stmt = stmt.where(Trigger.basis.in_(vocab.AT_LEAST[basis]))
    if q := args.get("q"):
        stmt = stmt.where(search.matches("triggers", Trigger.id, q))
    stmt = changed_since(stmt, Trigger, args.get("changed_since"))
    return search.page(session, stmt, "triggers", SORT_KEYS, Trigger.id, args, "id")


def put(session: Session, data: TriggerData) -> tuple[Trigger, Outcome]:
    """Store a trigger loaded by ``TriggerCreateSchema``: insert, update, or leave it as it is."""
    countries = country_roles(
        session, data["countries"], lambda code, role: TriggerCountry(country_code=code, role=role)
    )
    candidate = Trigger(
        id=data["id"],
        kind=data["kind"],
        title=data["title"],
        description=data["description"],
        occurred_on=data["occurred_on"],
        occurred_on_precision=data["occurred_on_precision"],
        verification=data["verification"],
        countries=countries,
        citations=cite_all(session, data["citations"], "citations"),
        **provenance(data),
    )
    return upsert(session, candidate, data["id"])


def search_document(session: Session, record: Trigger) -> search.Document:
    """What a trigger is found by: its title, its description, and the words it cites."""
    quotes = search.lines(c.quote for c in record.citations)
    return search.Document(
        "triggers", record.id, record.title, search.lines([record.description]), quotes
    )


def _referrers(key: str) -> list[tuple[str, Select[Any]]]:
    return [
        ("measures", select(MeasureTrigger.measure_id).where(MeasureTrigger.trigger_id == key)),
        ("statements", select(Statement.id).where(Statement.about_trigger_id == key)),
    ]


RECORD = RecordType(
    collection="triggers",
    label="trigger",
    model=Trigger,
    schema=TriggerSchema,
    routes="service.resources.triggers",
    list_=list_,
    create_schema=TriggerCreateSchema,
    update_schema=TriggerUpdateSchema,
    put=put,
    owned=(Owned(TriggerCountry, "trigger_id"),),
    referrers=_referrers,
    effects=(search.reindex,),
    search=search_document,
    columns=csv.TRIGGER,
    ftm=Mapper.triggers,
    seed=Seed("triggers.yaml"),
    refers_to=("countries", "organisations", "sources"),
)
