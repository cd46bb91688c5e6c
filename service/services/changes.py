"""The change feed: every committed write of a record, in commit order, and the search index.

Whatever makes a write (the seed loader, a service, a test editing an ORM object), the
session events below see it:

- ``before_flush`` moves ``updated_at`` of a record whose content changed without it
  (including through an owned child row, or a new or moved stage of a package, which
  changes the package's ``children``), so ``changed_since`` sees every change;
- ``after_flush`` notes which records were created, updated or deleted;
- ``before_commit`` serialises them as the API does, appends them to ``changes``, stores
  the documents of measures (``measure_documents``) and reindexes them for search, in the
  same transaction as the write.

A write that changes nothing flushes nothing, so it records nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

import marshmallow as ma
from sqlalchemy import event, insert, inspect, select, text
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction

from service.errors import InvalidSince
from service.models import (
    Actor,
    Change,
    Country,
    Measure,
    MeasureCountry,
    MeasureItem,
    MeasureStatusChange,
    MeasureTrigger,
    Source,
    Statement,
    Trigger,
    TriggerCountry,
)
from service.models.base import Base, utcnow
from service.schemas.actors import ActorSchema
from service.schemas.countries import CountrySchema
from service.schemas.measures import MeasureSchema
from service.schemas.sources import SourceSchema
from service.schemas.statements import StatementSchema
from service.schemas.triggers import TriggerSchema
from service.services import measure_documents, search

# Each record type: its collection in the API and the schema the API serves it with.
RECORDS: dict[type[Base], tuple[str, ma.Schema]] = {
    Measure: ("measures", MeasureSchema()),
    Trigger: ("triggers", TriggerSchema()),
    Statement: ("statements", StatementSchema()),
    Actor: ("actors", ActorSchema()),
    Source: ("sources", SourceSchema()),
    Country: ("countries", CountrySchema()),
}
# Rows that belong to a record: changing one changes the record (model, foreign key).
OWNED: dict[type[Base], tuple[type[Base], str]] = {
    MeasureCountry: (Measure, "measure_id"),
    MeasureItem: (Measure, "measure_id"),
    MeasureTrigger: (Measure, "measure_id"),
    MeasureStatusChange: (Measure, "measure_id"),
    TriggerCountry: (Trigger, "trigger_id"),
}
PENDING = "register.changes"
KEY_ID = "register.key_id"
# Any constant will do, as long as nothing else takes this advisory lock.
FEED_LOCK = 0x7265676973746572  # "register"

Key = tuple[str, str]  # (collection, record id)


def _key(record: Base) -> Key:
    collection, _ = RECORDS[type(record)]
    return collection, str(getattr(record, "code" if isinstance(record, Country) else "id"))


def _touch(session: Session, record: Base | None) -> None:
    """Move ``updated_at`` of ``record`` unless the write already did."""
    if record is None or record in session.deleted:
        return
    state = inspect(record)
    if state.pending or state.attrs.updated_at.history.added:
        return
    record.updated_at = utcnow()  # type: ignore[attr-defined]


def _owner(session: Session, model: type[Base], key: Any) -> Base | None:
    if key is None:
        return None
    with session.no_autoflush:
        return session.get(model, key)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    for obj in [*session.new, *session.dirty, *session.deleted]:
        if type(obj) in OWNED:
            model, column = OWNED[type(obj)]
            _touch(session, _owner(session, model, getattr(obj, column)))
        elif type(obj) in RECORDS and obj in session.dirty and session.is_modified(obj):
            _touch(session, obj)
        if isinstance(obj, Measure):
            # A package lists its stages: a new, deleted or moved stage changes it.
            history = inspect(obj).attrs.parent_id.history
            parents = {*history.added, *history.deleted}
            if obj in session.deleted:
                parents.add(obj.parent_id)
            for parent in parents - {None, obj.id}:
                _touch(session, _owner(session, Measure, parent))


@dataclass
class _Pending:
    op: str
    record: Base


def _pending(session: Session) -> dict[Key, _Pending]:
    pending: dict[Key, _Pending] = session.info.setdefault(PENDING, {})
    return pending


def _note(pending: dict[Key, _Pending], record: Base, op: str) -> None:
    key = _key(record)
    before = pending.get(key)
    if before is None:
        pending[key] = _Pending(op, record)
    elif before.op == "create" and op == "delete":
        del pending[key]  # born and gone in one transaction: nobody saw it
    elif before.op == "delete" and op == "create":
        pending[key] = _Pending("update", record)
    elif op == "delete" or before.op != "create":
        pending[key] = _Pending(op, record)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    pending = _pending(session)
    for record in session.new:
        if type(record) in RECORDS:
            _note(pending, record, "create")
    for record in session.dirty:
        if type(record) in RECORDS and session.is_modified(record):
            _note(pending, record, "update")
    for record in session.deleted:
        if type(record) in RECORDS:
            _note(pending, record, "delete")


def reload(session: Session, records: list[Base]) -> None:
    """Read ``records`` back as the API will: collections in their order, current children.

    A collection assigned in Python keeps the order it was given in, and a package's
    read-only ``children`` do not see a stage added in this session, until reloaded.
    """
    by_model: dict[type[Base], list[Any]] = {}
    for record in records:
        identity = inspect(record).identity
        assert identity is not None  # flushed, and not deleted
        by_model.setdefault(type(record), []).append(identity[0])
    for model, keys in by_model.items():
        primary = inspect(model).primary_key[0]
        for start in range(0, len(keys), 500):
            batch = select(model).where(primary.in_(keys[start : start + 500]))
            session.scalars(batch.execution_options(populate_existing=True)).all()


def _dump(record: Base) -> dict[str, Any]:
    _, schema = RECORDS[type(record)]
    data: dict[str, Any] = schema.dump(record)
    return data


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    session.flush()  # commit flushes after this hook: flush now, to record everything
    pending: dict[Key, _Pending] = session.info.pop(PENDING, {})
    changes = {
        key: change
        for key, change in pending.items()
        if change.op == "delete" or inspect(change.record).persistent
    }
    if not changes:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # A client resumes the feed after the last seq it saw, so a seq must never become
        # visible after a higher one. Sequence values are handed out at INSERT, not at
        # COMMIT: two writers could commit out of order. This lock, held to the end of the
        # transaction, makes the writers that record changes commit one at a time, so seq
        # follows commit order. (SQLite lets one writer at a time in anyway.)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FEED_LOCK})
    reload(session, [c.record for c in changes.values() if c.op != "delete"])
    now = utcnow()
    data = {key: None if c.op == "delete" else _dump(c.record) for key, c in changes.items()}
    rows = [
        {
            "collection": collection,
            "record_id": record_id,
            "op": change.op,
            "changed_at": now,
            "data": data[collection, record_id],
            "key_id": session.info.get(KEY_ID),
        }
        for (collection, record_id), change in changes.items()
    ]
    session.execute(insert(Change), rows)
    measures = {key[1]: doc for key, doc in data.items() if key[0] == "measures"}
    measure_documents.store(session, measures)
    _reindex(session, changes)


def _reindex(session: Session, changes: dict[Key, _Pending]) -> None:
    connection = session.connection()
    gone = [key for key, c in changes.items() if c.op == "delete" and key[0] in search.SEARCHED]
    search.unindex(connection, gone)
    records = [c.record for k, c in changes.items() if c.op != "delete" and k[0] in search.SEARCHED]
    # A statement is found by its actor's name too.
    renamed = [key[1] for key, c in changes.items() if key[0] == "actors" and c.op == "update"]
    if renamed:
        records += session.scalars(select(Statement).where(Statement.actor_id.in_(renamed)))
    unique = {_key(record): record for record in records}
    search.index(connection, [search.document(session, r) for r in unique.values()])


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # committed (recorded) or rolled back (void)
        session.info.pop(PENDING, None)
        session.info.pop(KEY_ID, None)


def made_by(session: Session, key_id: str | None) -> None:
    """Record ``key_id`` as the author of what this transaction changes."""
    session.info[KEY_ID] = key_id


@dataclass(frozen=True)
class FeedPage:
    items: list[Change]
    next_cursor: str
    more: bool


_MAX_SEQ = 2**63 - 1


def position(cursor: str | None, parameter: str = "since") -> int:
    """The seq a cursor stands after (0: the beginning of the feed).

    ``parameter`` is the query parameter that carried it, for the 422 to name.
    """
    if cursor is None:
        return 0
    reason = "the cursor is not one this service issued"
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as error:
        raise InvalidSince(reason, parameter) from error
    seq = payload.get("seq") if isinstance(payload, dict) else None
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= _MAX_SEQ:
        raise InvalidSince(reason, parameter)
    return seq


def cursor_at(seq: int) -> str:
    """An opaque cursor standing after ``seq``."""
    raw = json.dumps({"seq": seq}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def feed(session: Session, since: str | None, limit: int, collection: str | None) -> FeedPage:
    """The changes after ``since``, oldest first, and the cursor to resume from."""
    after = position(since)
    stmt = select(Change).where(Change.seq > after)
    if collection is not None:
        stmt = stmt.where(Change.collection == collection)
    rows = list(session.scalars(stmt.order_by(Change.seq).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return FeedPage(rows, cursor_at(rows[-1].seq if rows else after), more)
