"""Parties: international organisations hold roles beside countries, in the same table.

``countries`` gains ``kind`` (``country`` for every row already there, ``organisation``
for the bodies ``seeds/organisations.yaml`` loads), its ``code`` and the codes that point
to it widen from two characters to eight (``NATO``, ``ASEAN``), and ``alpha3`` becomes
optional (an organisation has none). The organisations themselves are reference data: the
seeds load them, not this migration.

SQLite ignores a VARCHAR's length and cannot alter a column in place; copying
``countries`` (or ``actors``) in a batch would break the foreign keys that point to it, as
0007 says of ``measures``. So on SQLite the declared types and ``alpha3``'s NOT NULL are
rewritten in the schema text (SQLite's documented procedure for changes that leave the
stored rows as they are), which is all that differs there.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each column holding a party's code, by table.
CODES = {
    "countries": "code",
    "measure_countries": "country_code",
    "trigger_countries": "country_code",
    "actors": "country_code",
}


def _rewrite_sqlite(replacements: dict[str, list[tuple[str, str]]]) -> None:
    """Replace text in the ``CREATE TABLE`` of each table, then make SQLite read it again."""
    bind = op.get_bind()
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema=ON")
    for table, pairs in replacements.items():
        sql = bind.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).scalar_one()
        for old, new in pairs:
            if old not in sql:
                raise RuntimeError(f"0010: {old!r} not in the schema of {table}")
            sql = sql.replace(old, new)
        bind.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (sql, table)
        )
    bind.exec_driver_sql(f"PRAGMA schema_version={version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema=OFF")


def _codes_sqlite(old: int, new: int, alpha3_null: bool) -> None:
    pairs = {
        table: [(f"{column} VARCHAR({old})", f"{column} VARCHAR({new})")]
        for table, column in CODES.items()
    }
    required, optional = "alpha3 VARCHAR(3) NOT NULL", "alpha3 VARCHAR(3)"
    pairs["countries"].append((required, optional) if alpha3_null else (optional, required))
    _rewrite_sqlite(pairs)


def upgrade() -> None:
    op.add_column(
        "countries",
        sa.Column("kind", sa.String(length=12), server_default="country", nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        _codes_sqlite(2, 8, alpha3_null=True)
        return
    for table, column in CODES.items():
        op.alter_column(table, column, type_=sa.String(length=8), existing_type=sa.String(length=2))
    op.alter_column("countries", "alpha3", nullable=True, existing_type=sa.String(length=3))


def downgrade() -> None:
    # Organisations have no place in the narrower schema. A record that names one keeps it
    # (its foreign key fails the downgrade) rather than losing a role silently.
    op.execute("DELETE FROM countries WHERE kind <> 'country'")
    if op.get_bind().dialect.name == "sqlite":
        _codes_sqlite(8, 2, alpha3_null=False)
    else:
        op.alter_column("countries", "alpha3", nullable=False, existing_type=sa.String(length=3))
        for table, column in CODES.items():
            op.alter_column(
                table, column, type_=sa.String(length=2), existing_type=sa.String(length=8)
            )
    op.drop_column("countries", "kind")
