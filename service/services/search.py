"""Full-text search over measures, triggers and statements, in the database's own engine.

One document per record, in three weighted parts: ``title`` (the record's title; for a
statement, the actor's name), ``body`` (summary, condition, item names, description, the
actor's own words) and ``quotes`` (the cited passages). SQLite keeps them in the FTS5
table ``search_fts`` (Porter stemming), whose rowid is the ``id`` of the record's row in
``search_documents``; PostgreSQL keeps one weighted ``tsvector`` per row of
``search_documents``, under a GIN index. Migration 0002 builds both from the rows already
there; :mod:`service.services.changes` keeps them in step on every commit.

User input is never query syntax: each whitespace-separated term becomes a phrase of its
words (``K-2`` is the phrase "K 2"), and every term must match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from sqlalchemy import (
    ARRAY,
    Float,
    Select,
    String,
    bindparam,
    column,
    delete,
    false,
    insert,
    select,
    table,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement, TextClause
from sqlalchemy.sql.selectable import Subquery

from service.schemas.common import RankedQuery
from service.services.paging import Page, SortKey, paginate
from service.services.registry import Changed, RecordType

T = TypeVar("T")
RELEVANCE = "relevance"
# The text search configuration of PostgreSQL: English stemming and stop words.
CONFIG = "english"

documents = table(
    "search_documents",
    column("id"),
    column("collection"),
    column("record_id"),
    column("document"),
)
fts = table("search_fts", column("rowid"), column("title"), column("body"), column("quotes"))


def is_index_table(name: str) -> bool:
    """A table of the search index: made by the migrations, not by the models."""
    return name == "search_documents" or name.startswith("search_fts")


@dataclass(frozen=True)
class Document:
    collection: str
    record_id: str
    title: str
    body: str
    quotes: str


def lines(parts: Iterable[str | None]) -> str:
    """The distinct non-empty ``parts``, a line each: a field of a search document."""
    return "\n".join(dict.fromkeys(p for p in parts if p))


def reindex(session: Session, kind: RecordType, changed: Sequence[Changed]) -> None:
    """Keep the index in step with ``changed`` records of a searched ``kind`` (an effect)."""
    assert kind.search is not None, kind.collection
    connection = session.connection()
    unindex(connection, [(kind.collection, c.key) for c in changed if c.op == "delete"])
    index(connection, [kind.search(session, c.record) for c in changed if c.op != "delete"])


def unindex(connection: Connection, keys: Collection[tuple[str, str]]) -> None:
    """Drop the documents of ``keys`` (collection, record id)."""
    for collection in {c for c, _ in keys}:
        ids = [record_id for c, record_id in keys if c == collection]
        mine = (documents.c.collection == collection) & documents.c.record_id.in_(ids)
        if connection.dialect.name == "sqlite":
            connection.execute(
                delete(fts).where(fts.c.rowid.in_(select(documents.c.id).where(mine)))
            )
        connection.execute(delete(documents).where(mine))


_PG_INSERT = text(
    "INSERT INTO search_documents (collection, record_id, document) VALUES ("
    f" :collection, :record_id, setweight(to_tsvector('{CONFIG}', :title), 'A')"
    f" || setweight(to_tsvector('{CONFIG}', :body), 'B')"
    f" || setweight(to_tsvector('{CONFIG}', :quotes), 'D'))"
)


def index(connection: Connection, docs: Iterable[Document]) -> None:
    """Store ``docs``, replacing the documents the records had."""
    docs = list(docs)
    if not docs:
        return
    unindex(connection, [(d.collection, d.record_id) for d in docs])
    if connection.dialect.name == "postgresql":
        connection.execute(_PG_INSERT, [asdict(d) for d in docs])
        return
    for doc in docs:
        rowid = connection.execute(
            insert(documents)
            .values(collection=doc.collection, record_id=doc.record_id)
            .returning(documents.c.id)
        ).scalar_one()
        connection.execute(
            insert(fts).values(rowid=rowid, title=doc.title, body=doc.body, quotes=doc.quotes)
        )


def terms(q: str) -> list[str]:
    """The whitespace-separated terms of ``q`` that have a word in them."""
    return [t for t in unicodedata.normalize("NFC", q).split() if _words(t)]


def _words(term: str) -> list[str]:
    # What FTS5's unicode61 tokenizer calls a token: letters and digits; `_` separates.
    return re.findall(r"[^\W_]+", term)


def fts5_query(q: str) -> str:
    """An FTS5 query that means ``q`` literally: each term a quoted phrase, all ANDed."""
    return " AND ".join('"' + " ".join(_words(t)) + '"' for t in terms(q))


class _Hits(TextClause):
    """(record_id, rank) of a collection's records matching a query; lower rank is better.

    One construct, compiled per dialect, so that services build their queries without
    knowing the database.
    """

    inherit_cache = True


_SQLITE_HITS = (
    "SELECT d.record_id AS record_id, bm25(search_fts, 10.0, 4.0, 1.0) AS rank"
    " FROM search_fts JOIN search_documents AS d ON d.id = search_fts.rowid"
    " WHERE search_fts MATCH :query AND d.collection = :collection"
)
# Each term is a phrase query of PostgreSQL's own parser (so `K-2` reads as it does in the
# documents); terms of stop words only drop out; the rest are ANDed. The query is a scalar
# subquery (an InitPlan, computed once), so the GIN index can answer `@@` with it. The rank
# is cast to double precision so that it survives the round trip through a cursor exactly.
_POSTGRES_QUERY = (
    "(SELECT CAST(string_agg('(' || CAST(phraseto_tsquery("
    f"'{CONFIG}', t) AS TEXT) || ')', ' & ') AS tsquery)"
    f" FROM unnest(:terms) AS t WHERE numnode(phraseto_tsquery('{CONFIG}', t)) > 0)"
)
_POSTGRES_HITS = (
    "SELECT d.record_id AS record_id,"
    f" CAST(-ts_rank_cd(d.document, {_POSTGRES_QUERY}) AS DOUBLE PRECISION) AS rank"
    f" FROM search_documents AS d WHERE d.document @@ {_POSTGRES_QUERY}"
    " AND d.collection = :collection"
)


@compiles(_Hits, "sqlite")
def _compile_sqlite(element: _Hits, compiler: SQLCompiler, **kw: Any) -> str:
    binds = element._bindparams
    clause = text(_SQLITE_HITS).bindparams(binds["query"], binds["collection"])
    return compiler.process(clause, **kw)


@compiles(_Hits, "postgresql")
def _compile_postgresql(element: _Hits, compiler: SQLCompiler, **kw: Any) -> str:
    binds = element._bindparams
    clause = text(_POSTGRES_HITS).bindparams(binds["terms"], binds["collection"])
    return compiler.process(clause, **kw)


@compiles(_Hits)
def _compile_other(element: _Hits, compiler: SQLCompiler, **kw: Any) -> str:
    raise NotImplementedError(f"no full-text search on {compiler.dialect.name}")


def hits(collection: str, q: str) -> Subquery:
    """The records of ``collection`` that match ``q``, with their rank (lower is better)."""
    clause = _Hits(":collection :query :terms").bindparams(
        bindparam("collection", collection, String(), unique=True),
        bindparam("query", fts5_query(q), String(), unique=True),
        bindparam("terms", terms(q), ARRAY(String()), unique=True),
    )
    return clause.columns(column("record_id", String()), column("rank", Float())).subquery()


def matches(collection: str, key: InstrumentedAttribute[str], q: str) -> ColumnElement[bool]:
    """SQL: the record whose id is ``key`` matches ``q`` (never, if ``q`` has no words)."""
    if not terms(q):
        return false()
    return key.in_(select(hits(collection, q).c.record_id))


def sort_of(args: RankedQuery, default: str) -> str:
    """The sort asked for; without one, by relevance when searching, else ``default``."""
    sort = args.get("sort") or (RELEVANCE if args.get("q") else default)
    return default if sort == RELEVANCE and not args.get("q") else sort


def page(
    session: Session,
    stmt: Select[T],
    collection: str,
    keys: Mapping[str, SortKey],
    tiebreak: InstrumentedAttribute[str],
    args: RankedQuery,
    default_sort: str,
) -> Page[T]:
    """Like :func:`paginate`, and by relevance (best first) when asked or by default."""
    sort = sort_of(args, default_sort)
    if sort == RELEVANCE:
        found = hits(collection, args["q"])
        stmt = stmt.join(found, found.c.record_id == tiebreak)
        keys = {**keys, RELEVANCE: SortKey(tiebreak, "float", computed=found.c.rank)}
    return paginate(session, stmt, keys, tiebreak, sort, args["limit"], args.get("cursor"))
