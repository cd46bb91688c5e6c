"""Measures as the API shows them, assembled from a handful of Core queries.

The read path for lists: one query per child table for the whole page instead of ORM
objects dumped field by field, several times faster for a page of 50. The result is
exactly ``MeasureSchema().dump(measure)`` (tests/test_measure_documents.py holds it to
that for every seeded measure), so the schema stays the one documented contract.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from service.models import (
    Citation,
    Measure,
    MeasureCountry,
    MeasureItem,
    MeasureStatusChange,
    MeasureTrigger,
    measure_citations,
)
from service.services.as_of import counts_on

Document = dict[str, Any]


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _citation(key: str, source: str, quote: str, start: int, end: int) -> Document:
    return {"id": key, "source": source, "quote": quote, "start": start, "end": end}


def _grouped(connection: Connection, stmt: Any) -> defaultdict[str, list[tuple[Any, ...]]]:
    """Rows of ``stmt`` (whose first column is the measure id) by measure, as plain tuples."""
    groups: defaultdict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for measure_id, *rest in connection.execute(stmt).all():  # fetchall, not row by row
        groups[measure_id].append(tuple(rest))
    return groups


def documents(
    session: Session, measures: Sequence[Any], as_of: dt.date | None = None
) -> list[Document]:
    """The API documents of ``measures`` (objects with the measure columns), in order.

    With ``as_of``, each carries its status on that date and the history that counts then.
    """
    ids = [m.id for m in measures]
    if not ids:
        return []
    # Plain Core queries on the session's connection: the ORM layer costs more than SQLite.
    connection = session.connection()
    countries = _grouped(
        connection,
        select(MeasureCountry.measure_id, MeasureCountry.country_code, MeasureCountry.role)
        .where(MeasureCountry.measure_id.in_(ids))
        .order_by(MeasureCountry.role, MeasureCountry.country_code),
    )
    children = _grouped(
        connection,
        select(Measure.parent_id, Measure.id)
        .where(Measure.parent_id.in_(ids))
        .order_by(Measure.id),
    )
    items = _grouped(
        connection,
        select(MeasureItem.measure_id, MeasureItem.name, MeasureItem.category, MeasureItem.quantity)
        .where(MeasureItem.measure_id.in_(ids))
        .order_by(MeasureItem.position),
    )
    triggers = _grouped(
        connection,
        select(MeasureTrigger.measure_id, MeasureTrigger.trigger_id, MeasureTrigger.relation)
        .where(MeasureTrigger.measure_id.in_(ids))
        .order_by(MeasureTrigger.trigger_id, MeasureTrigger.relation),
    )
    citation_columns = (
        Citation.id,
        Citation.source_id,
        Citation.quote,
        Citation.start,
        Citation.end,
    )
    citations = _grouped(
        connection,
        select(measure_citations.c.measure_id, *citation_columns)
        .join(Citation, Citation.id == measure_citations.c.citation_id)
        .where(measure_citations.c.measure_id.in_(ids))
        .order_by(Citation.id),
    )
    history = _grouped(
        connection,
        select(
            MeasureStatusChange.measure_id,
            MeasureStatusChange.status,
            MeasureStatusChange.changed_on,
            MeasureStatusChange.changed_on_precision,
            *citation_columns,
        )
        .join(Citation, Citation.id == MeasureStatusChange.citation_id)
        .where(MeasureStatusChange.measure_id.in_(ids))
        .order_by(MeasureStatusChange.position),
    )
    if as_of is not None:
        for key, changes in history.items():
            history[key] = [c for c in changes if counts_on(c[1], c[2], as_of)]
    return [
        {
            "id": m.id,
            "type": m.type,
            "status": history[m.id][-1][0] if as_of is not None else m.status,
            "title": m.title,
            "summary": m.summary,
            "countries": [{"country": code, "role": role} for code, role in countries[m.id]],
            "announced_by": m.announced_by_id,
            "announced_on": _day(m.announced_on),
            "announced_on_precision": m.announced_on_precision,
            "effective_on": _day(m.effective_on),
            "effective_on_precision": m.effective_on_precision,
            "expected_by": _day(m.expected_by),
            "expected_by_precision": m.expected_by_precision,
            "conditional": m.conditional,
            "condition": m.condition,
            "parent": m.parent_id,
            "phase": m.phase,
            "children": [child for (child,) in children[m.id]],
            "items": [
                {"name": name, "category": category, "quantity": quantity}
                for name, category, quantity in items[m.id]
            ],
            "triggers": [{"trigger": t, "relation": r} for t, r in triggers[m.id]],
            "citations": [_citation(*c) for c in citations[m.id]],
            "status_history": [
                {
                    "status": status,
                    "changed_on": _day(on),
                    "changed_on_precision": precision,
                    "citation": _citation(*citation),
                }
                for status, on, precision, *citation in history[m.id]
            ],
            "as_of": _day(as_of),
            "created_at": m.created_at.isoformat(),
            "updated_at": m.updated_at.isoformat(),
        }
        for m in measures
    ]
