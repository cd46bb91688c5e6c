"""Idempotent POSTs keep what the write did, not the HTTP response that reported it.

A stored request now holds the record it wrote (``collection``, ``record_id``), whether it
created it, and its body; the resource derives the status and headers from those when it
replays, as it does for a first answer. Rows stored before keep their meaning: a ``201``
created, and the ``Location`` header named the record.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "idempotent_requests"


TYPES = {"headers": sa.JSON(), "created": sa.Boolean(), "status": sa.Integer()}


def _table(*columns: str) -> sa.TableClause:
    names = ("key_id", "key", *columns)
    return sa.table(TABLE, *(sa.column(name, TYPES.get(name)) for name in names))


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("collection", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("record_id", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("created", sa.Boolean(), nullable=True))
    bind = op.get_bind()
    old = _table("status", "headers")
    new = _table("collection", "record_id", "created")
    for key_id, key, status, headers in bind.execute(
        sa.select(old.c.key_id, old.c.key, old.c.status, old.c.headers)
    ):
        if isinstance(headers, str):
            headers = json.loads(headers)
        # "/v1/{collection}/{id}"
        _, _, collection, record_id = (headers or {}).get("Location", "///").split("/", 3)
        bind.execute(
            new.update()
            .where(new.c.key_id == key_id, new.c.key == key)
            .values(collection=collection, record_id=record_id, created=status == 201)
        )
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column("collection", existing_type=sa.String(length=20), nullable=False)
        batch.alter_column("record_id", existing_type=sa.String(length=80), nullable=False)
        batch.alter_column("created", existing_type=sa.Boolean(), nullable=False)
        batch.drop_column("status")
        batch.drop_column("headers")


def downgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("status", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("headers", sa.JSON(), nullable=True))
    bind = op.get_bind()
    new = _table("collection", "record_id", "created")
    old = _table("status", "headers")
    for key_id, key, collection, record_id, created in bind.execute(
        sa.select(new.c.key_id, new.c.key, new.c.collection, new.c.record_id, new.c.created)
    ):
        headers = {"Location": f"/v1/{collection}/{record_id}"}
        bind.execute(
            old.update()
            .where(old.c.key_id == key_id, old.c.key == key)
            .values(status=201 if created else 200, headers=headers)
        )
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column("status", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("headers", existing_type=sa.JSON(), nullable=False)
        batch.drop_column("collection")
        batch.drop_column("record_id")
        batch.drop_column("created")
