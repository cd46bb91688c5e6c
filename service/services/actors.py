"""Actors."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, String, cast, or_, select
from sqlalchemy.orm import Session

from service.exports import csv
from service.exports.ftm import Mapper
from service.models import Actor, Measure, Statement
from service.schemas.actors import (
    ActorCreateSchema,
    ActorData,
    ActorQuery,
    ActorSchema,
    ActorUpdateSchema,
)
from service.services import search, statements
from service.services.paging import Page, SortKey, changed_since, paginate
from service.services.records import (
    Outcome,
    cite_all,
    contains,
    get_or_404,
    require_country,
    upsert,
)
from service.services.registry import Changed, RecordType, Seed

SORT_KEYS = {"id": SortKey(Actor.id), "name": SortKey(Actor.name), "kind": SortKey(Actor.kind)}


def get(session: Session, actor_id: str) -> Actor:
    """The actor ``actor_id``, or a 404."""
    return get_or_404(session, Actor, actor_id, "actor")


def named(session: Session, keys: Iterable[str]) -> dict[str, Actor]:
    """The actors of ``keys``, by id: one query."""
    wanted = set(keys)
    if not wanted:
        return {}
    return {a.id: a for a in session.scalars(select(Actor).where(Actor.id.in_(wanted)))}


def list_(session: Session, args: ActorQuery) -> Page[Actor]:
    """One page of actors, filtered and sorted as ``args`` ask."""
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


def put(session: Session, data: ActorData) -> tuple[Actor, Outcome]:
    """Store an actor loaded by ``ActorCreateSchema``: insert, update, or leave it as it is."""
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


def reindex_statements(session: Session, kind: RecordType, changed: Sequence[Changed]) -> None:
    """A statement is found by its actor's name: renaming an actor reindexes them (an effect)."""
    renamed = [c.key for c in changed if c.op == "update"]
    if renamed:
        said = session.scalars(select(Statement).where(Statement.actor_id.in_(renamed)))
        search.reindex(session, statements.RECORD, [Changed(s.id, "update", s, None) for s in said])


def _referrers(key: str) -> list[tuple[str, Select[Any]]]:
    return [
        ("measures", select(Measure.id).where(Measure.announced_by_id == key)),
        ("statements", select(Statement.id).where(Statement.actor_id == key)),
    ]


RECORD = RecordType(
    collection="actors",
    label="actor",
    model=Actor,
    schema=ActorSchema,
    routes="service.resources.actors",
    list_=list_,
    create_schema=ActorCreateSchema,
    update_schema=ActorUpdateSchema,
    put=put,
    referrers=_referrers,
    effects=(reindex_statements,),
    columns=csv.ACTOR,
    ftm=Mapper.actors,
    seed=Seed("actors.yaml"),
    refers_to=("countries", "organisations", "sources"),
)
