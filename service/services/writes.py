"""Create, update and delete records over the API, through the seed loader's services.

Every write here:
- takes the record's lock first (a row lock on PostgreSQL, the write lock on SQLite), so
  two writers to one record run one after the other and the second sees the first's work;
  of two POSTs of one new id, the second is a 409 (see ``_lock``);
- checks ``If-Match`` against the ETag of the record as a GET would serve it, under that
  lock, so an accepted update was made to the version the client read;
- validates the whole record after a partial update, with the create schema's rules;
- commits once, through ``unit_of_work.commit``, which writes with it a change-feed row
  naming the API key (the revisions say who) and the effects the record type declares
  (``RecordType.effects``: a measure's stored document, the search index);
- returns what it wrote (:class:`Written`); the resource picks the status and headers.
Any error before the commit leaves nothing written. When the database breaks a race by
aborting the transaction (a deadlock, a serialization failure, a unique key a concurrent
writer took first, a busy SQLite), ``retries.retried`` runs the whole write again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import marshmallow as ma
from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from service.errors import Conflict, InvalidBody, PreconditionFailed, PreconditionRequired
from service.models import Source
from service.models.base import Base
from service.records import REGISTRY
from service.schemas import provenance
from service.schemas.common import Document, RecordData
from service.services import idempotency, unit_of_work
from service.services.documents import Written, document, encode, etag
from service.services.records import folded, get_or_404
from service.services.registry import RecordType


@dataclass(frozen=True)
class Precondition:
    """What ``If-Match`` asked for: some ETags, or ``*`` (any current version)."""

    etags: frozenset[str] = frozenset()
    any: bool = False

    def holds(self, current: str) -> bool:
        """Whether ``current`` (an ETag) is a version ``If-Match`` accepts."""
        return self.any or current in self.etags


@dataclass(frozen=True)
class Author:
    """Who writes: the API key, and the ``Idempotency-Key`` of a POST if it sent one.

    ``proposal_id`` names the proposal a reviewer accepted (``services/proposals.py``): the
    feed row of the write names it beside the key.
    """

    key_id: str | None
    request: idempotency.Request | None = None
    proposal_id: str | None = None


# A PostgreSQL advisory lock, taken with two keys (a space apart from the one-key
# ``changes.FEED_LOCK``): the tree of packages and their stages.
TREE_LOCK = (0x74726565, 0)


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def lock(session: Session, model: type[Base], key: str) -> None:
    """Take the lock of row ``key`` of ``model``, held until the commit or rollback.

    For services that serialise their own writes as the record writes do (a proposal's
    decision): one at a time, and each after reading what the one before committed.
    """
    _lock(session, model, key)


def _lock(session: Session, model: type[Base], key: str) -> None:
    """Take ``key``'s lock before reading it, held until the commit or rollback."""
    table = model.__table__
    assert isinstance(table, Table)
    primary = next(iter(table.primary_key.columns))
    if _postgresql(session):
        session.execute(select(primary).where(primary == key).with_for_update())
        # A new id has no row to lock: writers creating it meet at the unique index, where
        # the losers' INSERT fails once the winner commits; ``retries.retried`` runs them
        # again, and they find the id taken. (An advisory lock per id would do it without
        # the failed attempt, but each stays in PostgreSQL's shared lock table until the
        # transaction ends: a transaction creating many records could fill it.)
    else:
        # SQLite has one writer at a time: an UPDATE (even of no row) takes the write lock
        # now, so no other writer can change what this transaction is about to read.
        session.execute(update(table).where(primary == key).values(updated_at=table.c.updated_at))


def _load(schema: type[ma.Schema], data: Document) -> RecordData:
    try:
        loaded: RecordData = schema().load(data)
    except ma.ValidationError as error:
        raise InvalidBody(error.messages) from error
    return loaded


def _written(session: Session, kind: RecordType, record: Base, created: bool = False) -> Written:
    key = str(getattr(record, kind.key))
    return Written(kind.collection, key, encode(document(session, record)), created)


def _lock_tree(session: Session) -> None:
    """Let one writer at a time link measures to parents (PostgreSQL; SQLite has one writer).

    The check that a parent is not a stage of the measure reads the packages as committed:
    two writers linking A to B and B to A at once would each see no cycle, then deadlock
    on each other's rows. Taken before any row lock, so it never waits while holding one.
    """
    if _postgresql(session):
        session.execute(select(func.pg_advisory_xact_lock(*TREE_LOCK)))


def _commit(session: Session, author: Author, written: Written) -> Written:
    """Commit the write, its effects (the feed, stored documents, search) and, for an
    idempotent request, its outcome, together."""
    if author.request is not None:
        idempotency.remember(session, author.key_id, author.request, written)
    unit_of_work.commit(session, author.key_id, author.proposal_id)
    return written


def create(session: Session, collection: str, data: RecordData, author: Author) -> Written:
    """Store a new record (``data`` as the create schema loaded it); 409 if the id is taken.

    ``data`` is the ``XData`` of the collection's type, which ``kind.put`` takes.
    """
    kind = REGISTRY[collection]
    assert kind.put is not None, collection
    key = data["id"]
    if kind.exclusive is not None and kind.exclusive(data):
        _lock_tree(session)
    _lock(session, kind.model, key)
    if stored := _replay(session, author):
        return stored
    if kind.twin is not None and (twin := kind.twin(session, data)) is not None:
        # The same content again (the same article): a 409 naming the record that holds it.
        key_ = str(getattr(twin, kind.key))
        raise Conflict(
            f"The same content is already stored as {kind.label} '{key_}':"
            f" GET /v1/{kind.collection}/{key_}.",
            "text",
        )
    if session.get(kind.model, key) is None:
        record, outcome = kind.put(session, data)
        if outcome == "created":
            return _commit(session, author, _written(session, kind, record, created=True))
        # ``put`` upserts, for the seed loader; a POST only ever creates. On PostgreSQL a
        # racer that committed the id since the check above is found here: undo the
        # overwrite ``put`` made of it.
        session.rollback()
    # On PostgreSQL the id may have been committed since ``_replay`` looked, by the same
    # request sent again: then its outcome is there too (committed with it).
    if stored := _replay(session, author):
        return stored
    raise Conflict(f"A {kind.label} with id '{key}' already exists.", "id")


def _replay(session: Session, author: Author) -> Written | None:
    """The stored outcome of this request, if it carries an ``Idempotency-Key`` seen before."""
    if author.request is None:
        return None
    return idempotency.find(session, author.key_id, author.request)


def _current(
    session: Session, kind: RecordType, key: str, precondition: Precondition | None
) -> tuple[Base, Document, str]:
    """The record ``key``, locked, its document and its ETag."""
    if precondition is None:
        raise PreconditionRequired()
    _lock(session, kind.model, key)
    record = get_or_404(session, kind.model, key, kind.label)
    current = document(session, record)
    return record, current, etag(encode(current))


def _still(precondition: Precondition | None, tag: str) -> None:
    """412 unless ``If-Match`` names the version read under the lock.

    Checked after the request's own errors (RFC 9110 13.2.1: a request that would fail
    anyway is answered with that failure, not 412); nothing is committed before it.
    """
    if precondition is None or not precondition.holds(tag):
        raise PreconditionFailed(tag)


def update_(
    session: Session,
    collection: str,
    key: str,
    patch: Document,
    precondition: Precondition | None,
    author: Author,
) -> Written:
    """Change the fields in ``patch`` (raw JSON, already shape-checked), keep the rest."""
    kind = REGISTRY[collection]
    assert kind.put is not None and kind.create_schema is not None, collection
    if kind.exclusive is not None and kind.exclusive(patch):
        _lock_tree(session)
    _, current, tag = _current(session, kind, key, precondition)
    whole = {**as_input(session, kind.create_schema(), current), **patch, "id": key}
    if "provenance" not in patch:  # a flag goes with the claim it flags
        whole = provenance.pruned(kind.create_schema, whole)
    record, _ = kind.put(session, _load(kind.create_schema, whole))
    _still(precondition, tag)
    return _commit(session, author, _written(session, kind, record))


def delete(
    session: Session, collection: str, key: str, precondition: Precondition | None, author: Author
) -> Written:
    """Remove a record from reads; its revisions keep every version, and the feed a tombstone."""
    kind = REGISTRY[collection]
    record, _, tag = _current(session, kind, key, precondition)
    if holders := referred_by(session, kind, key):
        raise Conflict(
            f"The {kind.label} '{key}' cannot be deleted while {', '.join(holders)} refer"
            " to it: change or delete those first."
        )
    _still(precondition, tag)
    if kind.on_delete is not None:
        kind.on_delete(session, record)
    session.delete(record)
    session.flush()
    return _commit(session, author, Written(collection, key, b""))


def referred_by(session: Session, kind: RecordType, key: str, limit: int = 5) -> list[str]:
    """Records that point at ``key`` of ``kind`` (as ``collection/id``): they block its deletion."""
    holders: list[str] = []
    for collection, query in kind.referrers(key) if kind.referrers is not None else ():
        ids = session.scalars(query.distinct().order_by(*query.selected_columns).limit(limit))
        holders += [f"{collection}/{k}" for k in ids if f"{collection}/{k}" not in holders]
    return holders[:limit]


def as_input(session: Session, schema: ma.Schema, data: Document) -> Document:
    """A served document in the shape ``schema`` (a create schema) loads: what to patch.

    Citations become ``{source, quote, occurrence}``, with ``occurrence`` only where the
    words occur more than once, so loading the result cites the very same passages.
    """
    out: Document = {}
    for name, declared in schema.fields.items():
        if name not in data or declared.dump_only:
            continue
        out[name] = _input_value(session, declared, data[name])
    return out


def _input_value(session: Session, declared: ma.fields.Field[Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(declared, ma.fields.List):
        return [_input_value(session, declared.inner, v) for v in value]
    if isinstance(declared, ma.fields.Nested):
        nested = declared.schema
        if set(nested.fields) >= {"source", "quote", "occurrence"}:
            return _citation_input(session, value)
        return as_input(session, nested, value)
    return value


def _citation_input(session: Session, citation: Document) -> Document:
    out: Document = {"source": citation["source"], "quote": citation["quote"]}
    source = session.get(Source, citation["source"])
    if source is None:
        return out
    # The same folded text serves every citation of the source, as in ``records.cite``.
    which = folded(session, source).occurrence(citation["quote"], citation["start"])
    if which is not None:
        out["occurrence"] = which
    return out
