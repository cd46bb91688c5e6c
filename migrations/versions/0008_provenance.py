"""How claims are known: ``basis`` and ``provenance`` on measures, triggers, statements.

Every record so far made no flag, so each is ``stated`` with an empty ``provenance``, and
the stored measure documents gain the same two fields, where ``MeasureSchema`` puts them
(before ``as_of``), so a document served before and after a rewrite reads the same.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson
import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("measures", "triggers", "statements")
BATCH = 2000


def upgrade() -> None:
    # Plain ALTER TABLE (not batch mode): a batch copy of measures would break the foreign
    # keys that point to it.
    for table in TABLES:
        op.add_column(
            table,
            sa.Column("basis", sa.String(length=10), server_default="stated", nullable=False),
        )
        op.add_column(
            table, sa.Column("provenance", sa.JSON(), server_default="{}", nullable=False)
        )
        op.create_index(op.f(f"ix_{table}_basis"), table, ["basis"])
    op.create_index(
        "ix_measures_basis_announced_on_sort",
        "measures",
        ["basis", sa.text("coalesce(announced_on, '0001-01-01')"), "id"],
    )
    _documents(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_measures_basis_announced_on_sort", table_name="measures")
    for table in TABLES:
        op.drop_index(op.f(f"ix_{table}_basis"), table_name=table)
        op.drop_column(table, "provenance")
        op.drop_column(table, "basis")


def _documents(bind: sa.Connection) -> None:
    """Add ``basis: stated`` and an empty ``provenance`` to every stored measure document."""
    last = ""
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT measure_id, body FROM measure_documents WHERE measure_id > :last"
                " ORDER BY measure_id LIMIT :n"
            ),
            {"last": last, "n": BATCH},
        ).all()
        if not rows:
            return
        updates = []
        for key, body in rows:
            doc = orjson.loads(body)
            out = {}
            for name, value in doc.items():
                if name == "as_of":
                    out |= {"basis": "stated", "provenance": {}}
                out[name] = value
            out.setdefault("basis", "stated")
            out.setdefault("provenance", {})
            updates.append({"key": key, "body": orjson.dumps(out).decode()})
        bind.execute(
            sa.text("UPDATE measure_documents SET body = :body WHERE measure_id = :key"), updates
        )
        last = rows[-1][0]
