"""Each measure's countries and roles as tokens on its row, the key of the country filter.

``measures.country_roles`` (" *:imposer  KR:*  KR:imposer ") is derived from
``measure_countries`` by the service that writes both (``services/country_filter.py``).
This fills it for the measures already there, in the service's order (sorted by code
point, without repeats), so reloading the seeds finds nothing changed. On PostgreSQL the
filter reads a generated array of the tokens, ``country_role_tokens``, through a GIN
index; the models declare neither (they have no SQLite form), and autogenerate leaves them
alone (``service.cli.include_name``).

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

COLUMN = "country_role_tokens"
INDEX = "ix_measures_country_role_tokens"
_OF_MEASURE = "FROM measure_countries WHERE measure_id = measures.id"
TOKENS = (
    f"SELECT country_code || ':' || role AS t {_OF_MEASURE}"
    f" UNION SELECT country_code || ':*' {_OF_MEASURE}"
    f" UNION SELECT '*:' || role {_OF_MEASURE}"
)


def upgrade() -> None:
    # Plain ALTER TABLE on both (SQLite 3.35+ drops columns too): a batch copy of measures
    # would break the foreign keys that point to it.
    op.add_column(
        "measures", sa.Column("country_roles", sa.Text(), server_default="", nullable=False)
    )
    if op.get_bind().dialect.name == "postgresql":
        key = f"SELECT string_agg(' ' || t || ' ', '' ORDER BY t COLLATE \"C\") FROM ({TOKENS}) s"
    else:
        # SQLite's group_concat takes the rows in the order of its subquery.
        key = f"SELECT group_concat(' ' || t || ' ', '') FROM ({TOKENS} ORDER BY t)"
    op.execute(f"UPDATE measures SET country_roles = coalesce(({key}), '')")
    if op.get_bind().dialect.name == "postgresql":
        # The tokens as an array, kept by PostgreSQL itself and read from the row as they
        # are: parsing the text on every row walked doubled the cost of a page's query.
        op.execute(
            f"ALTER TABLE measures ADD COLUMN {COLUMN} text[] GENERATED ALWAYS AS"
            " (array_remove(string_to_array(country_roles, ' '), '')) STORED"
        )
        op.execute(f"CREATE INDEX {INDEX} ON measures USING gin ({COLUMN})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX {INDEX}")
        op.drop_column("measures", COLUMN)
    op.drop_column("measures", "country_roles")
