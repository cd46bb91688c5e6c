"""Keyset (cursor) pagination over any sort key, stable under inserts."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from sqlalchemy import Date, DateTime, Integer, Select, String, and_, func, literal, or_
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from service.errors import InvalidCursor

T = TypeVar("T")
Kind = Literal["str", "date", "datetime", "int"]

# NULLs sort as the smallest value, so they come first ascending and last descending.
_FLOOR: dict[Kind, tuple[Any, Any]] = {
    "str": ("", String()),
    "date": (dt.date(1, 1, 1), Date()),
    "datetime": (dt.datetime(1, 1, 1, tzinfo=dt.UTC), DateTime(timezone=True)),
    "int": (-(2**62), Integer()),
}


@dataclass(frozen=True)
class SortKey:
    column: InstrumentedAttribute[Any]
    kind: Kind = "str"
    nullable: bool = False

    def expression(self) -> ColumnElement[Any]:
        if not self.nullable:
            return self.column.expression
        floor, type_ = _FLOOR[self.kind]
        return func.coalesce(self.column, literal(floor, type_))

    def encode(self, value: Any) -> Any:
        if value is None:
            value = _FLOOR[self.kind][0]
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        return value

    def decode(self, raw: Any) -> Any:
        try:
            if self.kind == "date":
                return dt.date.fromisoformat(raw)
            if self.kind == "datetime":
                return dt.datetime.fromisoformat(raw)
            if self.kind == "int":
                return int(raw)
        except (TypeError, ValueError) as error:
            raise InvalidCursor("the cursor is corrupt") from error
        if not isinstance(raw, str):
            raise InvalidCursor("the cursor is corrupt")
        return raw


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    next_cursor: str | None


def _encode_cursor(payload: dict[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
    except (binascii.Error, ValueError) as error:
        raise InvalidCursor("the cursor is not one this service issued") from error
    if not isinstance(payload, dict) or not {"s", "v", "k"} <= payload.keys():
        raise InvalidCursor("the cursor is not one this service issued")
    return payload


def paginate(
    session: Session,
    stmt: Select[T],
    keys: Mapping[str, SortKey],
    tiebreak: InstrumentedAttribute[str],
    sort: str,
    limit: int,
    cursor: str | None = None,
) -> Page[T]:
    """One page of ``stmt`` ordered by ``sort`` (``-`` for descending), after ``cursor``."""
    descending = sort.startswith("-")
    key = keys[sort.lstrip("-")]
    expression = key.expression()
    single = key.column is tiebreak
    if cursor is not None:
        payload = _decode_cursor(cursor)
        if payload["s"] != sort:
            raise InvalidCursor(f"the cursor was issued for sort={payload['s']}, not sort={sort}")
        value, last = key.decode(payload["v"]), payload["k"]
        if not isinstance(last, str):
            raise InvalidCursor("the cursor is corrupt")
        if single:
            stmt = stmt.where(tiebreak < last if descending else tiebreak > last)
        elif descending:
            stmt = stmt.where(or_(expression < value, and_(expression == value, tiebreak < last)))
        else:
            stmt = stmt.where(or_(expression > value, and_(expression == value, tiebreak > last)))
    order = [expression.desc() if descending else expression.asc()]
    if not single:
        order.append(tiebreak.desc() if descending else tiebreak.asc())
    rows = list(session.scalars(stmt.order_by(*order).limit(limit + 1)).unique())
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last_row = rows[-1]
        next_cursor = _encode_cursor(
            {
                "s": sort,
                "v": key.encode(getattr(last_row, key.column.key)),
                "k": getattr(last_row, tiebreak.key),
            }
        )
    return Page(rows, next_cursor)
