"""Measures as the API shows them, each built as JSON by the database in one query.

The read path for lists: one SQL statement renders every measure of a page, its child
rows gathered by correlated subqueries into JSON arrays (SQLite's ``json_object`` and
``json_group_array``, PostgreSQL's ``json_build_object`` and ``json_agg``, both in C), in
the field order of ``MeasureSchema``. Python only parses each document and fills in what
the databases would format differently (timestamps, SQLite's booleans, an ``as_of``).
The result is exactly ``MeasureSchema().dump(measure)``: tests/test_measure_documents.py
holds it to that for every seeded measure, on both databases, so the schema stays the one
documented contract.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import TextualSelect, bindparam, text
from sqlalchemy.orm import Session

from service.models.base import UTCDateTime
from service.services.as_of import counts_on

Document = dict[str, Any]


class _Json:
    """The JSON functions of one SQL dialect."""

    def __init__(self, dialect: str) -> None:
        self.sqlite = dialect == "sqlite"

    def object(self, *pairs: tuple[str, str]) -> str:
        function = "json_object" if self.sqlite else "json_build_object"
        arguments = ", ".join(f"'{key}', {value}" for key, value in pairs)
        return f"{function}({arguments})"

    def array(self, element: str, source: str, order: str, scalar: bool = False) -> str:
        """A JSON array of ``element`` for each row of ``source``, ordered by ``order``."""
        if self.sqlite:
            # SQLite 3.40 has no ORDER BY inside an aggregate: it aggregates the rows in the
            # order of the subquery. json() keeps an object an object, not a string, there.
            value = "e" if scalar else "json(e)"
            inner = f"SELECT {element} AS e FROM {source} ORDER BY {order}"
            return f"(SELECT json_group_array({value}) FROM ({inner}))"
        return f"(SELECT coalesce(json_agg({element} ORDER BY {order}), '[]') FROM {source})"


def _citation(json: _Json, alias: str) -> str:
    return json.object(
        ("id", f"{alias}.id"),
        ("source", f"{alias}.source_id"),
        ("quote", f"{alias}.quote"),
        ("start", f"{alias}.start"),
        ("end", f'{alias}."end"'),
    )


@functools.cache
def document_sql(dialect: str) -> str:
    """SQL for the document of the measure in the row of ``measures`` being selected.

    ``created_at``, ``updated_at`` and ``as_of`` are placeholders (null), kept for their
    place in the field order: Python formats timestamps as the schema does.
    """
    json = _Json(dialect)
    m = "measures"
    country = json.object(("country", "c.country_code"), ("role", "c.role"))
    item = json.object(("name", "i.name"), ("category", "i.category"), ("quantity", "i.quantity"))
    trigger = json.object(("trigger", "t.trigger_id"), ("relation", "t.relation"))
    change = json.object(
        ("status", "h.status"),
        ("changed_on", "h.changed_on"),
        ("changed_on_precision", "h.changed_on_precision"),
        ("citation", _citation(json, "hc")),
    )
    where = f"measure_id = {m}.id"
    sql = json.object(
        ("id", f"{m}.id"),
        ("type", f"{m}.type"),
        ("status", f"{m}.status"),
        ("title", f"{m}.title"),
        ("summary", f"{m}.summary"),
        (
            "countries",
            json.array(country, f"measure_countries c WHERE c.{where}", "c.role, c.country_code"),
        ),
        ("announced_by", f"{m}.announced_by_id"),
        ("announced_on", f"{m}.announced_on"),
        ("announced_on_precision", f"{m}.announced_on_precision"),
        ("effective_on", f"{m}.effective_on"),
        ("effective_on_precision", f"{m}.effective_on_precision"),
        ("expected_by", f"{m}.expected_by"),
        ("expected_by_precision", f"{m}.expected_by_precision"),
        ("conditional", f"{m}.conditional"),
        ("condition", f"{m}.condition"),
        ("parent", f"{m}.parent_id"),
        ("phase", f"{m}.phase"),
        ("children", json.array("s.id", f"measures s WHERE s.parent_id = {m}.id", "s.id", True)),
        ("items", json.array(item, f"measure_items i WHERE i.{where}", "i.position")),
        (
            "triggers",
            json.array(trigger, f"measure_triggers t WHERE t.{where}", "t.trigger_id, t.relation"),
        ),
        (
            "citations",
            json.array(
                _citation(json, "mc"),
                f"measure_citations l JOIN citations mc ON mc.id = l.citation_id WHERE l.{where}",
                "mc.id",
            ),
        ),
        (
            "status_history",
            json.array(
                change,
                f"measure_status_changes h JOIN citations hc ON hc.id = h.citation_id"
                f" WHERE h.{where}",
                "h.position",
            ),
        ),
        ("as_of", "NULL"),
        ("created_at", "NULL"),
        ("updated_at", "NULL"),
    )
    return sql if json.sqlite else f"CAST({sql} AS text)"


@functools.cache
def _query(dialect: str) -> TextualSelect:
    """The documents of the measures whose ids are bound to ``ids``, with their timestamps."""
    sql = f"SELECT id, created_at, updated_at, {document_sql(dialect)} FROM measures"
    return (
        text(f"{sql} WHERE id IN :ids")
        .bindparams(bindparam("ids", expanding=True))
        .columns(created_at=UTCDateTime(), updated_at=UTCDateTime())
    )


def _counts(change: Document, as_of: dt.date) -> bool:
    on = change["changed_on"]
    return counts_on(
        dt.date.fromisoformat(on) if on else None, change["changed_on_precision"], as_of
    )


def documents(
    session: Session, measures: Sequence[Any], as_of: dt.date | None = None
) -> list[Document]:
    """The API documents of ``measures`` (objects with an ``id``), in order.

    With ``as_of``, each carries its status on that date and the history that counts then.
    """
    ids = [m.id for m in measures]
    if not ids:
        return []
    # Core text on the session's connection: the ORM's select costs as much as the query.
    connection = session.connection()
    rows: Sequence[Any] = connection.execute(_query(connection.dialect.name), {"ids": ids}).all()
    by_id: dict[str, Document] = {}
    for key, created_at, updated_at, json in rows:
        doc = orjson.loads(json)
        doc["conditional"] = bool(doc["conditional"])  # SQLite stores booleans as 0 and 1
        doc["created_at"] = created_at.isoformat()
        doc["updated_at"] = updated_at.isoformat()
        if as_of is not None:
            history = [c for c in doc["status_history"] if _counts(c, as_of)]
            doc["status"] = history[-1]["status"]
            doc["status_history"] = history
            doc["as_of"] = as_of.isoformat()
        by_id[key] = doc
    return [by_id[key] for key in ids]
