"""Relations: who does what to whom, as country-to-country edges drawn from measures.

Each measure gives an edge from each of its imposers to each other country it names,
labelled with that country's role (target, beneficiary, partner) and the measure's type.
Edges with the same (from, to, role, type) are one edge counting its measures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from service.models import Measure, MeasureCountry
from service.services import as_of as as_of_


@dataclass(frozen=True)
class Edge:
    from_country: str
    to_country: str
    role: str
    type: str
    measure_ids: list[str]

    @property
    def count(self) -> int:
        return len(self.measure_ids)


def list_(session: Session, args: dict[str, Any]) -> list[Edge]:
    """Every edge matching the filters, most measures first, then by from, to, role, type."""
    imposer, other = aliased(MeasureCountry), aliased(MeasureCountry)
    stmt = (
        select(imposer.country_code, other.country_code, other.role, Measure.type, Measure.id)
        .join(imposer, and_(imposer.measure_id == Measure.id, imposer.role == "imposer"))
        .join(
            other,
            and_(
                other.measure_id == Measure.id,
                other.role != "imposer",
                # A country named twice (imposer and partner) is not a relation with itself.
                other.country_code != imposer.country_code,
            ),
        )
    )
    if country := args.get("country"):
        code = country.upper()
        direction = args.get("direction", "any")
        outgoing, incoming = imposer.country_code == code, other.country_code == code
        stmt = stmt.where({"out": outgoing, "in": incoming}.get(direction, or_(outgoing, incoming)))
    if types := args.get("type"):
        stmt = stmt.where(Measure.type.in_(types))
    if roles := args.get("role"):
        stmt = stmt.where(other.role.in_(roles))
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
    edges = [Edge(*key, measure_ids=sorted(ids)) for key, ids in grouped.items()]
    return sorted(edges, key=lambda e: (-e.count, e.from_country, e.to_country, e.role, e.type))
