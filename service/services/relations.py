"""Relations: who does what to whom, as country-to-country edges of measures and triggers.

Each measure gives an edge from each of its imposers to each other country it names,
labelled with that country's role (target, beneficiary, partner) and the measure's type.
Each trigger gives an edge from each of its originators to each other country it names,
labelled with that country's role (host, affected) and the trigger's kind: North Korea's
troop deployment is an edge from KP to RU (host) and to UA (affected).
Edges with the same (edge, from, to, role, type) are one edge counting its records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from service.models import Measure, MeasureCountry, Source, Trigger, TriggerCountry
from service.models.source import Citation
from service.models.trigger import trigger_citations
from service.schemas.relations import RelationQuery
from service.services import as_of as as_of_

# Filters that only measures have: given one, trigger edges are left out, and the reverse.
MEASURE_ONLY = ("type", "status")
TRIGGER_ONLY = ("trigger_kind",)


@dataclass(frozen=True)
class Edge:
    from_country: str
    to_country: str
    role: str
    type: str
    measure_ids: list[str]
    trigger_ids: list[str]
    edge: str  # "measure" or "trigger"

    @property
    def count(self) -> int:
        """How many records the edge stands for."""
        return len(self.measure_ids) + len(self.trigger_ids)


def list_(session: Session, args: RelationQuery) -> list[Edge]:
    """Every edge matching the filters, most records first, then by from, to, role, type."""
    edges: list[Edge] = []
    wanted = set(args.get("edge") or ("measure", "trigger"))
    if "measure" in wanted and not any(args.get(name) for name in TRIGGER_ONLY):
        edges += _measure_edges(session, args)
    if "trigger" in wanted and not any(args.get(name) for name in MEASURE_ONLY):
        edges += _trigger_edges(session, args)
    return sorted(
        edges, key=lambda e: (-e.count, e.from_country, e.to_country, e.role, e.type, e.edge)
    )


def _measure_edges(session: Session, args: RelationQuery) -> list[Edge]:
    stmt = _pairs(
        MeasureCountry, "measure_id", Measure.id, "imposer", args, Measure.type, Measure.id
    )
    if types := args.get("type"):
        stmt = stmt.where(Measure.type.in_(types))
    status = Measure.status.expression
    if (as_of := args.get("as_of")) is not None:
        status = as_of_.status_on(as_of)
        stmt = stmt.where(status.is_not(None))
    if statuses := args.get("status"):
        stmt = stmt.where(status.in_(statuses))
    # Grouped here rather than in SQL: the id lists would need string_agg on PostgreSQL
    # and group_concat on SQLite; the rows are few (one per measure and named country).
    grouped: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    for from_country, to_country, role, type_, measure_id in session.execute(stmt):
        grouped[(from_country, to_country, role, type_)].add(measure_id)
    return [Edge(*key, sorted(ids), [], "measure") for key, ids in grouped.items()]


def _pairs(
    link: type[MeasureCountry] | type[TriggerCountry],
    owner_key: str,
    owner_id: Any,
    origin_role: str,
    args: RelationQuery,
    *columns: Any,
) -> Select[Any]:
    """(origin, other country, its role, *columns): each origin paired with each other country.

    ``link`` holds a record's countries with their roles; the origin is the one in
    ``origin_role`` (a measure's imposer, a trigger's originator). ``args`` narrows the pairs
    by the other country's role and by the country they touch, in its direction.
    """
    origin, other = aliased(link), aliased(link)
    stmt = (
        select(origin.country_code, other.country_code, other.role, *columns)
        .join(origin, and_(getattr(origin, owner_key) == owner_id, origin.role == origin_role))
        .join(
            other,
            and_(
                getattr(other, owner_key) == owner_id,
                other.role != origin_role,
                # A country named twice (imposer and partner) is not a relation with itself.
                other.country_code != origin.country_code,
            ),
        )
    )
    if roles := args.get("role"):
        stmt = stmt.where(other.role.in_(roles))
    if not (country := args.get("country")):
        return stmt
    code = country.upper()
    outgoing, incoming = origin.country_code == code, other.country_code == code
    return stmt.where(
        {"out": outgoing, "in": incoming}.get(args.get("direction", "any"), or_(outgoing, incoming))
    )


def _trigger_edges(session: Session, args: RelationQuery) -> list[Edge]:
    # When the register first had word of it: the earliest article citing it.
    reported = (
        select(func.min(Source.published_on))
        .join(Citation, Citation.source_id == Source.id)
        .join(trigger_citations, trigger_citations.c.citation_id == Citation.id)
        .where(trigger_citations.c.trigger_id == Trigger.id)
        .scalar_subquery()
    )
    stmt = _pairs(
        TriggerCountry,
        "trigger_id",
        Trigger.id,
        "originator",
        args,
        Trigger.kind,
        Trigger.id,
        Trigger.occurred_on,
        Trigger.occurred_on_precision,
        reported,
    )
    if kinds := args.get("trigger_kind"):
        stmt = stmt.where(Trigger.kind.in_(kinds))
    as_of: dt.date | None = args.get("as_of")
    grouped: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    for from_country, to_country, role, kind, key, on, precision, first in session.execute(stmt):
        if as_of is None or _known_by(as_of, on, precision, first):
            grouped[(from_country, to_country, role, kind)].add(key)
    return [Edge(*key, [], sorted(ids), "trigger") for key, ids in grouped.items()]


def _known_by(
    as_of: dt.date, on: dt.date | None, precision: str | None, reported: dt.date | None
) -> bool:
    """A trigger counts on ``as_of`` if it certainly happened by then, as measures' changes do.

    An undated one counts once an article reported it: the register does not guess when it
    happened, but it knew of it from the day it was published.
    """
    if on is not None and precision is not None:
        bound = getattr(as_of_.cutoffs(as_of), precision)
        return bound is None or on < bound
    return reported is not None and reported <= as_of
