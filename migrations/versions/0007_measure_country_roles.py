"""Each measure's countries and roles as text on its row, a filter the page query tests there.

``measures.country_roles`` (" KR:imposer  KP:target ") is derived from
``measure_countries`` by the service that writes both; this fills it for the measures
already there, in the service's order (role, then code), so reloading the seeds finds
nothing changed.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE on both (SQLite 3.35+ drops columns too): a batch copy of measures
    # would break the foreign keys that point to it.
    op.add_column(
        "measures", sa.Column("country_roles", sa.Text(), server_default="", nullable=False)
    )
    token = "' ' || c.country_code || ':' || c.role || ' '"
    if op.get_bind().dialect.name == "postgresql":
        roles = (
            f"SELECT string_agg({token}, '' ORDER BY c.role, c.country_code)"
            " FROM measure_countries c WHERE c.measure_id = measures.id"
        )
    else:
        # SQLite's group_concat takes the rows in the order of its subquery.
        roles = (
            "SELECT group_concat(t, '') FROM ("
            f"SELECT {token} AS t FROM measure_countries c"
            " WHERE c.measure_id = measures.id ORDER BY c.role, c.country_code)"
        )
    op.execute(f"UPDATE measures SET country_roles = coalesce(({roles}), '')")


def downgrade() -> None:
    op.drop_column("measures", "country_roles")
