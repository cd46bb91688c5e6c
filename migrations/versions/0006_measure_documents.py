"""Each measure's API document, stored as JSON beside it.

From here on the service writes a measure's document with every change to the measure
(``service/services/changes.py``), and pages of measures are assembled from them. This
migration stores the documents of the measures already there. It keeps its own copy of
how a document is built (``MeasureSchema``, rendered by the database in one statement per
batch, then finished in Python): a migration must not change meaning when the service's
code does later. tests/test_migrations.py holds its output equal to the service's.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000


def upgrade() -> None:
    op.create_table(
        "measure_documents",
        sa.Column("measure_id", sa.String(length=80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
            name=op.f("fk_measure_documents_measure_id_measures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("measure_id", name=op.f("pk_measure_documents")),
    )
    _backfill(op.get_bind())


def downgrade() -> None:
    op.drop_table("measure_documents")


def _backfill(bind: sa.Connection) -> None:
    query = sa.text(
        f"SELECT id, created_at, updated_at, {_document_sql(bind.dialect.name)}"
        " FROM measures WHERE id IN :ids"
    ).bindparams(sa.bindparam("ids", expanding=True))
    query = query.columns(
        created_at=sa.DateTime(timezone=True), updated_at=sa.DateTime(timezone=True)
    )
    table = sa.table("measure_documents", sa.column("measure_id"), sa.column("body"))
    last = ""
    while True:
        ids = list(
            bind.execute(
                sa.text("SELECT id FROM measures WHERE id > :last ORDER BY id LIMIT :n"),
                {"last": last, "n": BATCH},
            ).scalars()
        )
        if not ids:
            return
        rows = [
            {"measure_id": key, "body": _finish(json, created_at, updated_at)}
            for key, created_at, updated_at, json in bind.execute(query, {"ids": ids})
        ]
        bind.execute(sa.insert(table), rows)
        last = ids[-1]


def _utc(value: dt.datetime) -> str:
    # SQLite keeps no zone: its timestamps are UTC, as the service writes them.
    aware = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    return aware.isoformat()


def _finish(json: str, created_at: dt.datetime, updated_at: dt.datetime) -> str:
    """What the database formats differently from the API: booleans and timestamps."""
    doc: dict[str, Any] = orjson.loads(json)
    doc["conditional"] = bool(doc["conditional"])  # SQLite stores booleans as 0 and 1
    doc["created_at"] = _utc(created_at)
    doc["updated_at"] = _utc(updated_at)
    return orjson.dumps(doc).decode()


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


def _document_sql(dialect: str) -> str:
    """The document of the row of ``measures`` being selected, in ``MeasureSchema``'s order.

    ``as_of``, ``created_at`` and ``updated_at`` are null here, kept for their place in the
    field order: ``_finish`` formats the timestamps as the schema does.
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
