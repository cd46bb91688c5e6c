"""The revisions of a record: each committed change, who made it, and what it changed.

A change made by accepting a proposal names it (``proposal_id``) beside the reviewer's key.

A revision is the record's row in the change feed: the feed keeps the whole record after
every change, so the fields a change touched, before and after, are the difference from
the revision before it. A deleted record keeps its revisions, the last one its deletion.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.errors import NotFound
from service.models import Change
from service.schemas.common import Document
from service.services.changes import cursor_at, position

# Bookkeeping every change moves; the revision's own `changed_at` says when.
UNCOMPARED = frozenset({"updated_at"})


@dataclass(frozen=True)
class Revision:
    revision: int
    op: str
    changed_at: dt.datetime
    key_id: str | None
    changes: dict[str, Document]  # {field: {before, after}}
    proposal_id: str | None = None  # the accepted proposal that made the change

    @property
    def by(self) -> str:
        """``api`` when an API key made the change, ``local`` for the seed loader or a command."""
        return "local" if self.key_id is None else "api"


@dataclass(frozen=True)
class RevisionPage:
    items: list[Revision]
    next_cursor: str | None


def diff(before: Document | None, after: Document | None) -> dict[str, Document]:
    """``{field: {before, after}}`` for each field whose value differs."""
    old, new = before or {}, after or {}
    return {
        name: {"before": old.get(name), "after": new.get(name)}
        for name in [*old, *(n for n in new if n not in old)]
        if name not in UNCOMPARED and old.get(name) != new.get(name)
    }


def revisions(
    session: Session, collection: str, record_id: str, label: str, limit: int, cursor: str | None
) -> RevisionPage:
    """The revisions of ``record_id``, oldest first, after ``cursor``."""
    after = position(cursor, "cursor")
    mine = (Change.collection == collection, Change.record_id == record_id)
    rows = list(
        session.scalars(
            select(Change).where(*mine, Change.seq > after).order_by(Change.seq).limit(limit + 1)
        )
    )
    earlier = session.scalar(select(func.count()).where(*mine, Change.seq <= after))
    if not rows and not earlier:
        raise NotFound(label, record_id)
    previous = None
    if earlier:
        previous = session.scalar(
            select(Change.data).where(*mine, Change.seq <= after).order_by(Change.seq.desc())
        )
    more = len(rows) > limit
    rows = rows[:limit]
    items = []
    for number, row in enumerate(rows, start=(earlier or 0) + 1):
        changes = diff(previous, row.data)
        items.append(Revision(number, row.op, row.changed_at, row.key_id, changes, row.proposal_id))
        previous = row.data
    return RevisionPage(items, cursor_at(rows[-1].seq) if more else None)
