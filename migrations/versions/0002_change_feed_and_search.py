"""change feed and full-text search

The ``changes`` table is modelled (``service.models.change``). The search index is not:
its tables differ by database (an FTS5 virtual table on SQLite, a ``tsvector`` with a GIN
index on PostgreSQL), so they are written here by hand, kept out of autogenerate by
``include_name`` in ``env.py``, and filled from the records already stored, so that an
existing database searches correctly once upgraded. This migration keeps its own copy of
what a record is found by (``service.services.search.document``): a migration must not
change meaning when the service's code does later.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONFIG = "english"


def upgrade() -> None:
    op.create_table(
        "changes",
        sa.Column(
            "seq",
            sa.Integer().with_variant(sa.BigInteger(), "postgresql"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("collection", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.String(length=80), nullable=False),
        sa.Column("op", sa.String(length=10), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON(none_as_null=True), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_changes")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_changes_collection_seq", "changes", ["collection", "seq"])
    op.create_index("ix_changes_collection_record_id", "changes", ["collection", "record_id"])

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE search_documents ("
            " collection VARCHAR(20) NOT NULL,"
            " record_id VARCHAR(80) NOT NULL,"
            " document TSVECTOR NOT NULL,"
            " CONSTRAINT pk_search_documents PRIMARY KEY (collection, record_id))"
        )
        op.execute(
            "CREATE INDEX ix_search_documents_document ON search_documents USING gin (document)"
        )
    else:
        op.execute(
            "CREATE TABLE search_documents ("
            " id INTEGER NOT NULL PRIMARY KEY,"
            " collection VARCHAR(20) NOT NULL,"
            " record_id VARCHAR(80) NOT NULL,"
            " CONSTRAINT uq_search_documents_collection_record_id UNIQUE (collection, record_id))"
        )
        # Porter stemming, like PostgreSQL's English configuration: `tanks` finds `tank`.
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "title, body, quotes, tokenize = 'porter unicode61 remove_diacritics 2')"
        )
    _backfill(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TABLE search_fts")
    op.execute("DROP TABLE search_documents")
    op.drop_index("ix_changes_collection_record_id", table_name="changes")
    op.drop_index("ix_changes_collection_seq", table_name="changes")
    op.drop_table("changes")


def _lines(parts: Iterable[str | None]) -> str:
    return "\n".join(dict.fromkeys(p for p in parts if p))


def _grouped(bind: sa.Connection, sql: str) -> dict[str, list[str]]:
    """``{record id: [text, ...]}`` from rows of (record id, text), in the query's order."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for record_id, value in bind.execute(sa.text(sql)):
        grouped[record_id].append(value)
    return grouped


def _documents(bind: sa.Connection) -> list[dict[str, str]]:
    docs = []
    items = _grouped(bind, "SELECT measure_id, name FROM measure_items ORDER BY position")
    cited = _grouped(
        bind,
        "SELECT mc.measure_id, c.quote FROM measure_citations mc"
        " JOIN citations c ON c.id = mc.citation_id ORDER BY c.id",
    )
    history = _grouped(
        bind,
        "SELECT s.measure_id, c.quote FROM measure_status_changes s"
        " JOIN citations c ON c.id = s.citation_id ORDER BY s.position",
    )
    for id_, title, summary, condition in bind.execute(
        sa.text("SELECT id, title, summary, condition FROM measures")
    ):
        body = _lines([summary, condition, *items[id_]])
        quotes = _lines([*cited[id_], *history[id_]])
        docs.append(_doc("measures", id_, title, body, quotes))
    cited = _grouped(
        bind,
        "SELECT tc.trigger_id, c.quote FROM trigger_citations tc"
        " JOIN citations c ON c.id = tc.citation_id ORDER BY c.id",
    )
    for id_, title, description in bind.execute(
        sa.text("SELECT id, title, description FROM triggers")
    ):
        docs.append(_doc("triggers", id_, title, description or "", _lines(cited[id_])))
    for id_, name, quote, cited_quote in bind.execute(
        sa.text(
            "SELECT s.id, a.name, s.quote, c.quote FROM statements s"
            " JOIN actors a ON a.id = s.actor_id JOIN citations c ON c.id = s.citation_id"
        )
    ):
        docs.append(_doc("statements", id_, name, quote or "", cited_quote))
    return docs


def _doc(collection: str, record_id: str, title: str, body: str, quotes: str) -> dict[str, str]:
    return {
        "collection": collection,
        "record_id": record_id,
        "title": title,
        "body": body,
        "quotes": quotes,
    }


def _backfill(bind: sa.Connection) -> None:
    docs = _documents(bind)
    if not docs:
        return
    if bind.dialect.name == "postgresql":
        bind.execute(
            sa.text(
                "INSERT INTO search_documents (collection, record_id, document) VALUES ("
                f" :collection, :record_id, setweight(to_tsvector('{CONFIG}', :title), 'A')"
                f" || setweight(to_tsvector('{CONFIG}', :body), 'B')"
                f" || setweight(to_tsvector('{CONFIG}', :quotes), 'D'))"
            ),
            docs,
        )
        return
    for doc in docs:
        rowid = bind.execute(
            sa.text(
                "INSERT INTO search_documents (collection, record_id)"
                " VALUES (:collection, :record_id) RETURNING id"
            ),
            doc,
        ).scalar_one()
        bind.execute(
            sa.text(
                "INSERT INTO search_fts (rowid, title, body, quotes)"
                " VALUES (:rowid, :title, :body, :quotes)"
            ),
            {**doc, "rowid": rowid},
        )
