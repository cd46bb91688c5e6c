"""Actors."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session

from service.models import Actor
from service.services.paging import Page, SortKey, changed_since, paginate
from service.services.records import (
    Outcome,
    cite_all,
    contains,
    get_or_404,
    require_country,
    upsert,
)

SORT_KEYS = {"id": SortKey(Actor.id), "name": SortKey(Actor.name), "kind": SortKey(Actor.kind)}


def get(session: Session, actor_id: str) -> Actor:
    return get_or_404(session, Actor, actor_id, "actor")


def list_(session: Session, args: dict[str, Any]) -> Page[Actor]:
    stmt = select(Actor)
    if kind := args.get("kind"):
        stmt = stmt.where(Actor.kind == kind)
    if country := args.get("country"):
        stmt = stmt.where(Actor.country_code == country.upper())
    if q := args.get("q"):
        stmt = stmt.where(
            or_(
                contains(Actor.name, q),
                contains(Actor.role, q),
                contains(cast(Actor.aliases, String), q),
            )
        )
    stmt = changed_since(stmt, Actor, args.get("changed_since"))
    return paginate(
        session, stmt, SORT_KEYS, Actor.id, args["sort"], args["limit"], args.get("cursor")
    )


def put(session: Session, data: dict[str, Any]) -> tuple[Actor, Outcome]:
    country = data["country"]
    candidate = Actor(
        id=data["id"],
        kind=data["kind"],
        name=data["name"],
        country_code=require_country(session, country, "country") if country else None,
        role=data["role"],
        aliases=list(data["aliases"]),
        citations=cite_all(session, data["citations"], "citations"),
    )
    return upsert(session, candidate, data["id"])
