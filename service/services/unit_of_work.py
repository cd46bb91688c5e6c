"""A write's effects: what every committed change of a record also writes.

A write commits through :func:`commit`, which first calls :func:`record`: for each record
the transaction created, updated or deleted, one row of the change feed (``changes``, the
record as the API serves it, who wrote it and the proposal it accepted, if any), then the
effects its record type declares (``RecordType.effects``: the stored measure documents, the
search index), all in the transaction of the write. The API's writes, the seed loader and
the CLI commit this way.

Whatever else commits a session (a script using the services, a test editing an ORM
object) gets the same: :func:`install` hooks :func:`record` into every session's commit,
and the registry (:mod:`service.records`) installs it. The session events also note what
changed as it is flushed:

- ``before_flush`` moves ``updated_at`` of a record whose content changed without it
  (through an owned row too, or a record its type says a change touches, such as the
  package of a new stage), so ``changed_since`` sees every change;
- ``after_flush`` notes which records were created, updated or deleted.

A write that changes nothing flushes nothing, so it records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, insert, inspect, select, text
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction

from service.models import Change
from service.models.base import Base, utcnow
from service.services.registry import Changed, Op, RecordType, Registry

PENDING = "register.changes"
KEY_ID = "register.key_id"
PROPOSAL_ID = "register.proposal_id"
# Any constant will do, as long as nothing else takes this advisory lock.
FEED_LOCK = 0x7265676973746572  # "register"

Key = tuple[str, str]  # (collection, record key)


@dataclass
class _Pending:
    type: RecordType
    op: Op
    record: Base


class UnitOfWork:
    """The session events of one registry, and the recording they and :func:`commit` share."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def before_flush(self, session: Session, _context: UOWTransaction, _instances: Any) -> None:
        """Move ``updated_at`` of every record the flush changes, through owned rows too."""
        for obj in [*session.new, *session.dirty, *session.deleted]:
            if owned := self.registry.owner(obj):
                kind, how = owned
                _touch(session, _get(session, kind, getattr(obj, how.foreign_key)))
            elif (kind_ := self.registry.of(obj)) is not None:
                if obj in session.dirty and session.is_modified(obj):
                    _touch(session, obj)
                if kind_.touches is not None:
                    for key in kind_.touches(session, obj):
                        _touch(session, _get(session, kind_, key))

    def after_flush(self, session: Session, _context: UOWTransaction) -> None:
        """Note which records the flush created, updated or deleted."""
        pending: dict[Key, _Pending] = session.info.setdefault(PENDING, {})
        for record in session.new:
            self._note(pending, record, "create")
        for record in session.dirty:
            if session.is_modified(record):
                self._note(pending, record, "update")
        for record in session.deleted:
            self._note(pending, record, "delete")

    def _note(self, pending: dict[Key, _Pending], record: Base, op: Op) -> None:
        kind = self.registry.of(record)
        if kind is None:
            return
        key = (kind.collection, str(getattr(record, kind.key)))
        before = pending.get(key)
        if before is None:
            pending[key] = _Pending(kind, op, record)
        elif before.op == "create" and op == "delete":
            del pending[key]  # born and gone in one transaction: nobody saw it
        elif before.op == "delete" and op == "create":
            pending[key] = _Pending(kind, "update", record)
        elif op == "delete" or before.op != "create":
            pending[key] = _Pending(kind, op, record)

    def install(self) -> None:
        """Record the changes of every session, whoever commits it."""
        event.listen(Session, "before_flush", self.before_flush)
        event.listen(Session, "after_flush", self.after_flush)
        event.listen(Session, "before_commit", record)
        event.listen(Session, "after_transaction_end", _forget)


def _touch(session: Session, record: Base | None) -> None:
    """Move ``updated_at`` of ``record`` unless the write already did."""
    if record is None or record in session.deleted:
        return
    state = inspect(record)
    if state.pending or state.attrs.updated_at.history.added:
        return
    record.updated_at = utcnow()  # type: ignore[attr-defined]


def _get(session: Session, kind: RecordType, key: Any) -> Base | None:
    if key is None:
        return None
    with session.no_autoflush:
        return session.get(kind.model, key)


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


def record(session: Session) -> None:
    """Write the feed rows and the declared effects of what this transaction changed.

    Called by :func:`commit` and, for any other commit, by the session's ``before_commit``
    event; what it recorded it forgets, so a second call records nothing twice.
    """
    session.flush()  # commit flushes after this hook: flush now, to record everything
    pending: dict[Key, _Pending] = session.info.pop(PENDING, {})
    changes = {
        key: change
        for key, change in pending.items()
        if change.op == "delete" or inspect(change.record).persistent
    }
    if not changes:
        return
    if session.get_bind().dialect.name == "postgresql":
        # A client resumes the feed after the last seq it saw, so a seq must never become
        # visible after a higher one. Sequence values are handed out at INSERT, not at
        # COMMIT: two writers could commit out of order. This lock, held to the end of the
        # transaction, makes the writers that record changes commit one at a time, so seq
        # follows commit order. (SQLite lets one writer at a time in anyway.)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FEED_LOCK})
    reload(session, [c.record for c in changes.values() if c.op != "delete"])
    done = [
        Changed(key, c.op, c.record, None if c.op == "delete" else c.type.dump(c.record))
        for (_, key), c in changes.items()
    ]
    now, key_id, proposal_id = utcnow(), session.info.get(KEY_ID), session.info.get(PROPOSAL_ID)
    rows = [
        {
            "collection": c.type.collection,
            "record_id": changed.key,
            "op": changed.op,
            "changed_at": now,
            "data": changed.document,
            "key_id": key_id,
            "proposal_id": proposal_id,
        }
        for c, changed in zip(changes.values(), done, strict=True)
    ]
    session.execute(insert(Change), rows)
    by_type: dict[str, tuple[RecordType, list[Changed]]] = {}
    for c, changed in zip(changes.values(), done, strict=True):
        by_type.setdefault(c.type.collection, (c.type, []))[1].append(changed)
    for kind, changed_ in by_type.values():
        for effect in kind.effects:
            effect(session, kind, changed_)


def commit(session: Session, key_id: str | None = None, proposal_id: str | None = None) -> None:
    """Commit the write: its feed rows (naming ``key_id``, the API key, and the accepted
    proposal ``proposal_id`` that made it, if one did) and effects with it."""
    session.info[KEY_ID] = key_id
    session.info[PROPOSAL_ID] = proposal_id
    record(session)
    session.commit()


def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # committed (recorded) or rolled back (void)
        session.info.pop(PENDING, None)
        session.info.pop(KEY_ID, None)
        session.info.pop(PROPOSAL_ID, None)
