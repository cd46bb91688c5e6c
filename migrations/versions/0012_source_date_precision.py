"""How precisely a source's publication date is known: ``sources.published_on_precision``.

Every date stored so far was a day: its precision is ``day``; a source without a date
has none.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE (not batch mode): a batch copy of sources would break the foreign
    # keys that point to it.
    op.add_column("sources", sa.Column("published_on_precision", sa.String(5), nullable=True))
    sources = sa.table("sources", sa.column("published_on"), sa.column("published_on_precision"))
    op.execute(
        sources.update()
        .where(sources.c.published_on.is_not(None))
        .values(published_on_precision="day")
    )


def downgrade() -> None:
    op.drop_column("sources", "published_on_precision")
