"""Proposals waiting for review, and the proposal a change of the feed accepted.

``proposals`` holds what the extractor read in a source, each with its status (pending,
accepted, rejected, superseded) and the reviewer's decision; it is not a record table and
never reaches the feed. ``changes.proposal_id`` names the proposal whose acceptance made a
change (null for every change before, all direct writes).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "proposals",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("source_id", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("target", sa.String(80), nullable=True),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("citations", sa.JSON(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("extractor", sa.String(200), nullable=False),
        sa.Column("edited", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("decided_by", sa.String(16), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("record_id", sa.String(80), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_proposals_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposals")),
    )
    op.create_index("ix_proposals_created_at_sort", "proposals", ["created_at", "id"])
    op.create_index(
        "ix_proposals_status_created_at_sort", "proposals", ["status", "created_at", "id"]
    )
    op.create_index("ix_proposals_source_id_status", "proposals", ["source_id", "status"])
    # A plain ADD COLUMN on both databases: SQLite need not rebuild the feed's table.
    op.add_column("changes", sa.Column("proposal_id", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("changes") as batch:
        batch.drop_column("proposal_id")
    op.drop_index("ix_proposals_source_id_status", table_name="proposals")
    op.drop_index("ix_proposals_status_created_at_sort", table_name="proposals")
    op.drop_index("ix_proposals_created_at_sort", table_name="proposals")
    op.drop_table("proposals")
