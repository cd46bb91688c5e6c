"""The change feed as clients read it: every committed write of a record, in commit order.

The feed rows are written by :mod:`service.services.unit_of_work`, in the transaction of
the write they record.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import InvalidSince
from service.models import Change
from service.services.paging import NOT_ISSUED, cursor_payload, encode_cursor


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
    payload = cursor_payload(cursor)
    seq = payload.get("seq") if payload is not None else None
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= _MAX_SEQ:
        raise InvalidSince(NOT_ISSUED, parameter)
    return seq


def cursor_at(seq: int) -> str:
    """An opaque cursor standing after ``seq``."""
    return encode_cursor({"seq": seq})


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


def latest(session: Session, limit: int) -> list[Change]:
    """The last ``limit`` changes, newest first: what happened to the register lately."""
    return list(session.scalars(select(Change).order_by(Change.seq.desc()).limit(limit)))
