"""initial

Revision ID: 0001
Revises:
Create Date: 2026-11-23 12:23:53.974177
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "countries",
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("alpha3", sa.String(length=3), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("official_name", sa.String(length=300), nullable=True),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_countries")),
        sa.UniqueConstraint("alpha3", name=op.f("uq_countries_alpha3")),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("publisher", sa.String(length=200), nullable=True),
        sa.Column("byline", sa.String(length=300), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("revised_on", sa.Date(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("content_sha256", name=op.f("uq_sources_content_sha256")),
    )
    op.create_table(
        "triggers",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=True),
        sa.Column("occurred_on_precision", sa.String(length=5), nullable=True),
        sa.Column("verification", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triggers")),
    )
    with op.batch_alter_table("triggers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_triggers_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_triggers_occurred_on"), ["occurred_on"], unique=False)

    op.create_table(
        "actors",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.Column("role", sa.String(length=300), nullable=True),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["country_code"], ["countries.code"], name=op.f("fk_actors_country_code_countries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actors")),
    )
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actors_country_code"), ["country_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_actors_kind"), ["kind"], unique=False)

    op.create_table(
        "citations",
        sa.Column("id", sa.String(length=104), nullable=False),
        sa.Column("source_id", sa.String(length=80), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_citations_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citations")),
        sa.UniqueConstraint("source_id", "start", "end", name=op.f("uq_citations_source_id")),
    )
    with op.batch_alter_table("citations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_citations_source_id"), ["source_id"], unique=False)

    op.create_table(
        "trigger_countries",
        sa.Column("trigger_id", sa.String(length=80), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["country_code"],
            ["countries.code"],
            name=op.f("fk_trigger_countries_country_code_countries"),
        ),
        sa.ForeignKeyConstraint(
            ["trigger_id"],
            ["triggers.id"],
            name=op.f("fk_trigger_countries_trigger_id_triggers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "trigger_id", "country_code", "role", name=op.f("pk_trigger_countries")
        ),
    )
    with op.batch_alter_table("trigger_countries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_trigger_countries_country_code"), ["country_code"], unique=False
        )

    op.create_table(
        "actor_citations",
        sa.Column("actor_id", sa.String(length=80), nullable=False),
        sa.Column("citation_id", sa.String(length=104), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_actor_citations_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["citation_id"],
            ["citations.id"],
            name=op.f("fk_actor_citations_citation_id_citations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("actor_id", "citation_id", name=op.f("pk_actor_citations")),
    )
    op.create_table(
        "measures",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("announced_by_id", sa.String(length=80), nullable=True),
        sa.Column("announced_on", sa.Date(), nullable=True),
        sa.Column("announced_on_precision", sa.String(length=5), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("effective_on_precision", sa.String(length=5), nullable=True),
        sa.Column("expected_by", sa.Date(), nullable=True),
        sa.Column("expected_by_precision", sa.String(length=5), nullable=True),
        sa.Column("conditional", sa.Boolean(), nullable=False),
        sa.Column("condition", sa.Text(), nullable=True),
        sa.Column("parent_id", sa.String(length=80), nullable=True),
        sa.Column("phase", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["announced_by_id"], ["actors.id"], name=op.f("fk_measures_announced_by_id_actors")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["measures.id"], name=op.f("fk_measures_parent_id_measures")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measures")),
    )
    with op.batch_alter_table("measures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_measures_announced_by_id"), ["announced_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_measures_announced_on"), ["announced_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_measures_conditional"), ["conditional"], unique=False)
        batch_op.create_index(batch_op.f("ix_measures_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_measures_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_measures_type"), ["type"], unique=False)

    op.create_table(
        "trigger_citations",
        sa.Column("trigger_id", sa.String(length=80), nullable=False),
        sa.Column("citation_id", sa.String(length=104), nullable=False),
        sa.ForeignKeyConstraint(
            ["citation_id"],
            ["citations.id"],
            name=op.f("fk_trigger_citations_citation_id_citations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trigger_id"],
            ["triggers.id"],
            name=op.f("fk_trigger_citations_trigger_id_triggers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("trigger_id", "citation_id", name=op.f("pk_trigger_citations")),
    )
    op.create_table(
        "measure_citations",
        sa.Column("measure_id", sa.String(length=80), nullable=False),
        sa.Column("citation_id", sa.String(length=104), nullable=False),
        sa.ForeignKeyConstraint(
            ["citation_id"],
            ["citations.id"],
            name=op.f("fk_measure_citations_citation_id_citations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
            name=op.f("fk_measure_citations_measure_id_measures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("measure_id", "citation_id", name=op.f("pk_measure_citations")),
    )
    op.create_table(
        "measure_countries",
        sa.Column("measure_id", sa.String(length=80), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["country_code"],
            ["countries.code"],
            name=op.f("fk_measure_countries_country_code_countries"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
            name=op.f("fk_measure_countries_measure_id_measures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "measure_id", "country_code", "role", name=op.f("pk_measure_countries")
        ),
    )
    with op.batch_alter_table("measure_countries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_measure_countries_country_code"), ["country_code"], unique=False
        )

    op.create_table(
        "measure_items",
        sa.Column("measure_id", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
            name=op.f("fk_measure_items_measure_id_measures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("measure_id", "position", name=op.f("pk_measure_items")),
    )
    op.create_table(
        "measure_status_changes",
        sa.Column("measure_id", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=True),
        sa.Column("changed_on_precision", sa.String(length=5), nullable=True),
        sa.Column("citation_id", sa.String(length=104), nullable=False),
        sa.ForeignKeyConstraint(
            ["citation_id"],
            ["citations.id"],
            name=op.f("fk_measure_status_changes_citation_id_citations"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
            name=op.f("fk_measure_status_changes_measure_id_measures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("measure_id", "position", name=op.f("pk_measure_status_changes")),
    )
    with op.batch_alter_table("measure_status_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_measure_status_changes_citation_id"), ["citation_id"], unique=False
        )

    op.create_table(
        "measure_triggers",
        sa.Column("measure_id", sa.String(length=80), nullable=False),
        sa.Column("trigger_id", sa.String(length=80), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
            name=op.f("fk_measure_triggers_measure_id_measures"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trigger_id"], ["triggers.id"], name=op.f("fk_measure_triggers_trigger_id_triggers")
        ),
        sa.PrimaryKeyConstraint(
            "measure_id", "trigger_id", "relation", name=op.f("pk_measure_triggers")
        ),
    )
    with op.batch_alter_table("measure_triggers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_measure_triggers_trigger_id"), ["trigger_id"], unique=False
        )

    op.create_table(
        "statements",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("actor_id", sa.String(length=80), nullable=False),
        sa.Column("stance", sa.String(length=20), nullable=False),
        sa.Column("about_trigger_id", sa.String(length=80), nullable=True),
        sa.Column("about_measure_id", sa.String(length=80), nullable=True),
        sa.Column("said_on", sa.Date(), nullable=True),
        sa.Column("said_on_precision", sa.String(length=5), nullable=True),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("citation_id", sa.String(length=104), nullable=False),
        sa.Column("figure_value", sa.BigInteger(), nullable=True),
        sa.Column("figure_unit", sa.String(length=60), nullable=True),
        sa.Column("figure_qualifier", sa.String(length=20), nullable=True),
        sa.Column("figure_as_of", sa.Date(), nullable=True),
        sa.Column("figure_as_of_precision", sa.String(length=5), nullable=True),
        sa.Column("figure_place", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "about_trigger_id IS NULL OR about_measure_id IS NULL",
            name=op.f("ck_statements_about_one_record"),
        ),
        sa.ForeignKeyConstraint(
            ["about_measure_id"],
            ["measures.id"],
            name=op.f("fk_statements_about_measure_id_measures"),
        ),
        sa.ForeignKeyConstraint(
            ["about_trigger_id"],
            ["triggers.id"],
            name=op.f("fk_statements_about_trigger_id_triggers"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actors.id"], name=op.f("fk_statements_actor_id_actors")
        ),
        sa.ForeignKeyConstraint(
            ["citation_id"], ["citations.id"], name=op.f("fk_statements_citation_id_citations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statements")),
    )
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statements_about_measure_id"), ["about_measure_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_statements_about_trigger_id"), ["about_trigger_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_statements_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_statements_citation_id"), ["citation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_statements_said_on"), ["said_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_statements_stance"), ["stance"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statements_stance"))
        batch_op.drop_index(batch_op.f("ix_statements_said_on"))
        batch_op.drop_index(batch_op.f("ix_statements_citation_id"))
        batch_op.drop_index(batch_op.f("ix_statements_actor_id"))
        batch_op.drop_index(batch_op.f("ix_statements_about_trigger_id"))
        batch_op.drop_index(batch_op.f("ix_statements_about_measure_id"))

    op.drop_table("statements")
    with op.batch_alter_table("measure_triggers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_triggers_trigger_id"))

    op.drop_table("measure_triggers")
    with op.batch_alter_table("measure_status_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_status_changes_citation_id"))

    op.drop_table("measure_status_changes")
    op.drop_table("measure_items")
    with op.batch_alter_table("measure_countries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_countries_country_code"))

    op.drop_table("measure_countries")
    op.drop_table("measure_citations")
    op.drop_table("trigger_citations")
    with op.batch_alter_table("measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measures_type"))
        batch_op.drop_index(batch_op.f("ix_measures_status"))
        batch_op.drop_index(batch_op.f("ix_measures_parent_id"))
        batch_op.drop_index(batch_op.f("ix_measures_conditional"))
        batch_op.drop_index(batch_op.f("ix_measures_announced_on"))
        batch_op.drop_index(batch_op.f("ix_measures_announced_by_id"))

    op.drop_table("measures")
    op.drop_table("actor_citations")
    with op.batch_alter_table("trigger_countries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trigger_countries_country_code"))

    op.drop_table("trigger_countries")
    with op.batch_alter_table("citations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citations_source_id"))

    op.drop_table("citations")
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actors_kind"))
        batch_op.drop_index(batch_op.f("ix_actors_country_code"))

    op.drop_table("actors")
    with op.batch_alter_table("triggers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_triggers_occurred_on"))
        batch_op.drop_index(batch_op.f("ix_triggers_kind"))

    op.drop_table("triggers")
    op.drop_table("sources")
    op.drop_table("countries")
