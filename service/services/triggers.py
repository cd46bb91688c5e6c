"""Triggers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import vocabularies as vocab
from service.models import Trigger, TriggerCountry
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

SORT_KEYS = {
    "id": SortKey(Trigger.id),
    "occurred_on": SortKey(Trigger.occurred_on, "date", nullable=True),
    "title": SortKey(Trigger.title),
}


def get(session: Session, trigger_id: str) -> Trigger:
    return get_or_404(session, Trigger, trigger_id, "trigger")


def list_(session: Session, args: dict[str, Any]) -> Page[Trigger]:
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


def put(session: Session, data: dict[str, Any]) -> tuple[Trigger, Outcome]:
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
