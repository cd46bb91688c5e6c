"""Indexes for every list sort: (key, id), and coalesce(key, floor) for nullable keys.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

With them, a sorted page and a keyset seek to page 1,000 are index range scans; the
expressions match ``SortKey.expression`` in service/services/paging.py exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Filtered lists sorted by date: the equality filter leads, then the sort key.
WITHIN = [
    ("measures", "type", "announced_on", "0001-01-01"),
    ("measures", "status", "announced_on", "0001-01-01"),
]

# (table, key, floor for a nullable key or None, tiebreak)
SORTS = [
    ("measures", "announced_on", "0001-01-01", "id"),
    ("measures", "title", None, "id"),
    ("measures", "status", None, "id"),
    ("measures", "type", None, "id"),
    ("measures", "updated_at", None, "id"),
    ("triggers", "occurred_on", "0001-01-01", "id"),
    ("triggers", "title", None, "id"),
    ("statements", "said_on", "0001-01-01", "id"),
    ("sources", "published_on", "0001-01-01", "id"),
    ("sources", "title", "", "id"),
    ("actors", "name", None, "id"),
    ("actors", "kind", None, "id"),
    ("countries", "name", None, "code"),
]


def upgrade() -> None:
    for table, key, floor, tiebreak in SORTS:
        expression = sa.text(f"coalesce({key}, '{floor}')") if floor is not None else key
        op.create_index(f"ix_{table}_{key}_sort", table, [expression, tiebreak])
    for table, within, key, floor in WITHIN:
        expression = sa.text(f"coalesce({key}, '{floor}')")
        op.create_index(f"ix_{table}_{within}_{key}_sort", table, [within, expression, "id"])


def downgrade() -> None:
    for table, within, key, _ in reversed(WITHIN):
        op.drop_index(f"ix_{table}_{within}_{key}_sort", table_name=table)
    for table, key, _, _ in reversed(SORTS):
        op.drop_index(f"ix_{table}_{key}_sort", table_name=table)
