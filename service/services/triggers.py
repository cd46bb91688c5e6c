"""Triggers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service.errors import InvalidReference, NotFound
from service.models import Trigger, TriggerCountry
from service.services.paging import Page, SortKey, paginate
from service.services.records import Outcome, cite_all, require_country, upsert

SORT_KEYS = {
    "id": SortKey(Trigger.id),
    "occurred_on": SortKey(Trigger.occurred_on, "date", nullable=True),
    "title": SortKey(Trigger.title),
}


def get(session: Session, trigger_id: str) -> Trigger:
    trigger = session.get(Trigger, trigger_id)
    if trigger is None:
        raise NotFound("trigger", trigger_id)
    return trigger


def list_(session: Session, args: dict[str, Any]) -> Page[Trigger]:
    stmt = select(Trigger)
    if kind := args.get("kind"):
        stmt = stmt.where(Trigger.kind == kind)
    if verification := args.get("verification"):
        stmt = stmt.where(Trigger.verification == verification)
    if country := args.get("country"):
        stmt = stmt.where(Trigger.countries.any(TriggerCountry.country_code == country.upper()))
    if q := args.get("q"):
        pattern = f"%{q}%"
        stmt = stmt.where(or_(Trigger.title.ilike(pattern), Trigger.description.ilike(pattern)))
    return paginate(
        session, stmt, SORT_KEYS, Trigger.id, args["sort"], args["limit"], args.get("cursor")
    )


def put(session: Session, data: dict[str, Any]) -> tuple[Trigger, Outcome]:
    countries = []
    seen = set()
    for index, entry in enumerate(data["countries"]):
        code = require_country(session, entry["country"], f"countries.{index}.country")
        if (code, entry["role"]) in seen:
            raise InvalidReference(f"countries.{index}", "listed twice with the same role")
        seen.add((code, entry["role"]))
        countries.append(TriggerCountry(country_code=code, role=entry["role"]))
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
    )
    return upsert(session, candidate, data["id"])
