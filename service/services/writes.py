"""Create, update and delete records over the API, through the seed loader's services.

Every write here:
- takes the record's lock first (a row lock on PostgreSQL, the write lock on SQLite), so
  two writers to one record run one after the other and the second sees the first's work;
  of two POSTs of one new id, the second is a 409 (see ``_lock``);
- checks ``If-Match`` against the ETag of the record as a GET would serve it, under that
  lock, so an accepted update was made to the version the client read;
- validates the whole record after a partial update, with the create schema's rules;
- commits once, naming the API key, so the change feed (and the revisions) say who.
Any error before the commit leaves nothing written. When the database breaks a race by
aborting the transaction (a deadlock, a serialization failure, a unique key a concurrent
writer took first, a busy SQLite), ``retries.retried`` runs the whole write again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import marshmallow as ma
from sqlalchemy import Table, func, select, update
from sqlalchemy import delete as delete_rows
from sqlalchemy.orm import Session

from service.errors import Conflict, InvalidBody, PreconditionFailed, PreconditionRequired
from service.models import (
    Actor,
    Citation,
    Measure,
    MeasureStatusChange,
    MeasureTrigger,
    Source,
    Statement,
    Trigger,
    actor_citations,
    measure_citations,
    trigger_citations,
)
from service.models.base import Base
from service.schemas import provenance
from service.schemas.actors import ActorCreateSchema
from service.schemas.measures import MeasureCreateSchema
from service.schemas.sources import SourceCreateSchema
from service.schemas.statements import StatementCreateSchema
from service.schemas.triggers import TriggerCreateSchema
from service.services import actors, idempotency, measures, sources, statements, triggers
from service.services.changes import made_by
from service.services.documents import Reply, document, encode, etag
from service.services.records import Outcome, folded, get_or_404

Put = Callable[[Session, dict[str, Any]], tuple[Any, Outcome]]


@dataclass(frozen=True)
class Writable:
    """A collection the API writes, and the service and schema the seed loader uses for it."""

    collection: str
    label: str
    model: type[Base]
    schema: type[ma.Schema]
    put: Put


WRITABLE = {
    w.collection: w
    for w in (
        Writable("measures", "measure", Measure, MeasureCreateSchema, measures.put),
        Writable("triggers", "trigger", Trigger, TriggerCreateSchema, triggers.put),
        Writable("statements", "statement", Statement, StatementCreateSchema, statements.put),
        Writable("actors", "actor", Actor, ActorCreateSchema, actors.put),
        Writable("sources", "source", Source, SourceCreateSchema, sources.put),
    )
}


@dataclass(frozen=True)
class Precondition:
    """What ``If-Match`` asked for: some ETags, or ``*`` (any current version)."""

    etags: frozenset[str] = frozenset()
    any: bool = False

    def holds(self, current: str) -> bool:
        return self.any or current in self.etags


@dataclass(frozen=True)
class Author:
    """Who writes: the API key, and the ``Idempotency-Key`` of a POST if it sent one."""

    key_id: str | None
    request: idempotency.Request | None = None


# A PostgreSQL advisory lock, taken with two keys (a space apart from the one-key
# ``changes.FEED_LOCK``): the tree of packages and their stages.
TREE_LOCK = (0x74726565, 0)


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


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


def _load(schema: type[ma.Schema], data: dict[str, Any]) -> dict[str, Any]:
    try:
        loaded: dict[str, Any] = schema().load(data)
    except ma.ValidationError as error:
        raise InvalidBody(error.messages) from error
    return loaded


def _reply(session: Session, writable: Writable, record: Base, status: int) -> Reply:
    body = encode(document(session, record))
    key = str(record.id)  # type: ignore[attr-defined]
    headers = {"ETag": f'"{etag(body)}"', "Location": f"/v1/{writable.collection}/{key}"}
    return Reply(status, body, headers)


def _lock_tree(session: Session) -> None:
    """Let one writer at a time link measures to parents (PostgreSQL; SQLite has one writer).

    The check that a parent is not a stage of the measure reads the packages as committed:
    two writers linking A to B and B to A at once would each see no cycle, then deadlock
    on each other's rows. Taken before any row lock, so it never waits while holding one.
    """
    if _postgresql(session):
        session.execute(select(func.pg_advisory_xact_lock(*TREE_LOCK)))


def _commit(session: Session, author: Author, reply: Reply) -> Reply:
    """Commit the write (and the reply of an idempotent request) together."""
    made_by(session, author.key_id)
    if author.request is not None:
        idempotency.remember(session, author.key_id, author.request, reply)
    session.commit()
    return reply


def create(session: Session, collection: str, data: dict[str, Any], author: Author) -> Reply:
    """Store a new record (``data`` as the create schema loaded it); 409 if the id is taken."""
    writable = WRITABLE[collection]
    key = data["id"]
    taken = f"A {writable.label} with id '{key}' already exists."
    if collection == "measures" and data["parent"]:
        _lock_tree(session)
    _lock(session, writable.model, key)
    if stored := _replay(session, author):
        return stored
    if collection == "sources":
        twin = session.scalar(
            select(Source).where(Source.content_sha256 == sources.sha256(data["text"]))
        )
        if twin is not None:
            # The same article again: answer with the source that holds it.
            return _commit(session, author, _reply(session, writable, twin, 200))
    if session.get(writable.model, key) is None:
        record, outcome = writable.put(session, data)
        if outcome == "created":
            return _commit(session, author, _reply(session, writable, record, 201))
        # ``put`` upserts, for the seed loader; a POST only ever creates. On PostgreSQL a
        # racer that committed the id since the check above is found here: undo the
        # overwrite ``put`` made of it.
        session.rollback()
    # On PostgreSQL the id may have been committed since ``_replay`` looked, by the same
    # request sent again: then its reply is there too (committed with it).
    if stored := _replay(session, author):
        return stored
    raise Conflict(taken, "id")


def _replay(session: Session, author: Author) -> Reply | None:
    """The stored reply to this request, if it carries an ``Idempotency-Key`` seen before."""
    if author.request is None:
        return None
    return idempotency.find(session, author.key_id, author.request)


def _current(
    session: Session, writable: Writable, key: str, precondition: Precondition | None
) -> tuple[Base, dict[str, Any], str]:
    """The record ``key``, locked, its document and its ETag."""
    if precondition is None:
        raise PreconditionRequired()
    _lock(session, writable.model, key)
    record = get_or_404(session, writable.model, key, writable.label)
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
    patch: dict[str, Any],
    precondition: Precondition | None,
    author: Author,
) -> Reply:
    """Change the fields in ``patch`` (raw JSON, already shape-checked), keep the rest."""
    writable = WRITABLE[collection]
    if collection == "measures" and "parent" in patch:
        _lock_tree(session)
    _, current, tag = _current(session, writable, key, precondition)
    whole = {**as_input(session, writable.schema(), current), **patch, "id": key}
    if "provenance" not in patch:  # a flag goes with the claim it flags
        whole = provenance.pruned(writable.schema, whole)
    record, _ = writable.put(session, _load(writable.schema, whole))
    _still(precondition, tag)
    return _commit(session, author, _reply(session, writable, record, 200))


def delete(
    session: Session, collection: str, key: str, precondition: Precondition | None, author: Author
) -> Reply:
    """Remove a record from reads; its revisions keep every version, and the feed a tombstone."""
    writable = WRITABLE[collection]
    record, _, tag = _current(session, writable, key, precondition)
    if holders := referred_by(session, record):
        raise Conflict(
            f"The {writable.label} '{key}' cannot be deleted while {', '.join(holders)} refer"
            " to it: change or delete those first."
        )
    _still(precondition, tag)
    if isinstance(record, Source):
        # Citations of the source that no record uses any more go with it.
        session.execute(delete_rows(Citation).where(Citation.source_id == key))
    session.delete(record)
    session.flush()
    return _commit(session, author, Reply(204))


def referred_by(session: Session, record: Base, limit: int = 5) -> list[str]:
    """Records that point at ``record`` (as ``collection/id``): they block its deletion."""
    queries: list[tuple[str, Any]] = []
    if isinstance(record, Measure):
        queries = [
            ("measures", select(Measure.id).where(Measure.parent_id == record.id)),
            ("statements", select(Statement.id).where(Statement.about_measure_id == record.id)),
        ]
    elif isinstance(record, Trigger):
        queries = [
            (
                "measures",
                select(MeasureTrigger.measure_id).where(MeasureTrigger.trigger_id == record.id),
            ),
            ("statements", select(Statement.id).where(Statement.about_trigger_id == record.id)),
        ]
    elif isinstance(record, Actor):
        queries = [
            ("measures", select(Measure.id).where(Measure.announced_by_id == record.id)),
            ("statements", select(Statement.id).where(Statement.actor_id == record.id)),
        ]
    elif isinstance(record, Source):
        cited = select(Citation.id).where(Citation.source_id == record.id)
        queries = [
            (
                "measures",
                select(measure_citations.c.measure_id).where(
                    measure_citations.c.citation_id.in_(cited)
                ),
            ),
            (
                "measures",
                select(MeasureStatusChange.measure_id).where(
                    MeasureStatusChange.citation_id.in_(cited)
                ),
            ),
            (
                "triggers",
                select(trigger_citations.c.trigger_id).where(
                    trigger_citations.c.citation_id.in_(cited)
                ),
            ),
            (
                "actors",
                select(actor_citations.c.actor_id).where(actor_citations.c.citation_id.in_(cited)),
            ),
            ("statements", select(Statement.id).where(Statement.citation_id.in_(cited))),
        ]
    holders: list[str] = []
    for collection, query in queries:
        ids = session.scalars(query.distinct().order_by(*query.selected_columns).limit(limit))
        holders += [f"{collection}/{key}" for key in ids if f"{collection}/{key}" not in holders]
    return holders[:limit]


def as_input(session: Session, schema: ma.Schema, data: dict[str, Any]) -> dict[str, Any]:
    """A served document in the shape ``schema`` (a create schema) loads: what to patch.

    Citations become ``{source, quote, occurrence}``, with ``occurrence`` only where the
    words occur more than once, so loading the result cites the very same passages.
    """
    out: dict[str, Any] = {}
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


def _citation_input(session: Session, citation: dict[str, Any]) -> dict[str, Any]:
    out = {"source": citation["source"], "quote": citation["quote"]}
    source = session.get(Source, citation["source"])
    if source is None:
        return out
    # The same folded text serves every citation of the source, as in ``records.cite``.
    which = folded(session, source).occurrence(citation["quote"], citation["start"])
    if which is not None:
        out["occurrence"] = which
    return out
