"""Keyset (cursor) pagination over any sort key, stable under inserts."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    Integer,
    Select,
    String,
    func,
    literal,
    literal_column,
    or_,
)
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from service.errors import InvalidCursor

T = TypeVar("T")
Kind = Literal["str", "date", "datetime", "int", "float"]

# NULLs sort as the smallest value, so they come first ascending and last descending.
_FLOOR: dict[Kind, tuple[Any, Any]] = {  # the floors of nullable keys must be inline-safe
    "str": ("", String()),
    "date": (dt.date(1, 1, 1), Date()),
    "datetime": (dt.datetime(1, 1, 1, tzinfo=dt.UTC), DateTime(timezone=True)),
    "int": (-(2**62), Integer()),
    "float": (-math.inf, Float()),
}


@dataclass(frozen=True)
class SortKey:
    """A sort by ``column``, or by a value ``computed`` beside each row (a search rank)."""

    column: InstrumentedAttribute[Any]
    kind: Kind = "str"
    nullable: bool = False
    computed: ColumnElement[Any] | None = None

    def expression(self) -> ColumnElement[Any]:
        """What rows are ordered by: the column (null as its lowest value), or the computed one."""
        if self.computed is not None:
            return self.computed
        if not self.nullable:
            return self.column.expression
        floor, type_ = _FLOOR[self.kind]
        # Inline, not a bound parameter, so the expression indexes of the models match it.
        return func.coalesce(self.column, literal_column(f"'{floor}'", type_))

    def encode(self, value: Any) -> Any:
        """``value`` as a cursor carries it."""
        if value is None:
            value = _FLOOR[self.kind][0]
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        return value

    def decode(self, raw: Any) -> Any:
        """A cursor's value back as the column holds it; a 422 for one not issued here."""
        try:
            if self.kind == "date":
                return dt.date.fromisoformat(raw)
            if self.kind == "datetime":
                return dt.datetime.fromisoformat(raw)
            if self.kind == "int":
                return int(raw)
            if self.kind == "float":
                if isinstance(raw, bool) or not isinstance(raw, int | float):
                    raise TypeError(raw)
                if not math.isfinite(raw):
                    raise ValueError(raw)
                return float(raw)
        except (TypeError, ValueError) as error:
            raise InvalidCursor("the cursor is corrupt") from error
        if not isinstance(raw, str):
            raise InvalidCursor("the cursor is corrupt")
        return raw


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    next_cursor: str | None


# Every cursor this service issues: base64url of a compact JSON object, unpadded. The list
# pages (here), the change feed and the revisions (``services/changes.py``) read and write
# them through these three functions, and fill them each with their own keys.
NOT_ISSUED = "the cursor is not one this service issued"


def encode_cursor(payload: dict[str, Any]) -> str:
    """An opaque cursor: base64url of compact JSON."""
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_payload(cursor: str) -> dict[str, Any] | None:
    """The JSON object ``cursor`` carries; None if it is not a cursor of this service."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


def decode_cursor(cursor: str, required: frozenset[str] = frozenset({"s", "v", "k"})) -> Any:
    """The payload of a list cursor this service issued; a 422 for anything else."""
    payload = cursor_payload(cursor)
    if payload is None or not required <= payload.keys():
        raise InvalidCursor(NOT_ISSUED)
    return payload


def _after(cursor: str, sort: str, key: SortKey) -> tuple[Any, str]:
    payload = decode_cursor(cursor)
    if payload["s"] != sort:
        raise InvalidCursor(f"the cursor was issued for sort={payload['s']}, not sort={sort}")
    if not isinstance(payload["k"], str):
        raise InvalidCursor("the cursor is corrupt")
    return key.decode(payload["v"]), payload["k"]


def keyset(
    stmt: Select[T],
    keys: Mapping[str, SortKey],
    tiebreak: InstrumentedAttribute[str],
    sort: str,
    after: tuple[Any, str] | None = None,
) -> Select[T]:
    """``stmt`` ordered by ``sort`` then ``tiebreak``, resuming after ``(value, id)``.

    The resume condition is ``key <= value AND (key < value OR id < id0)``: the first term
    is a plain range bound, which both databases answer with an index seek, so page 1,000
    costs what page 1 does. (SQLite does not seek on the equivalent row-value comparison
    ``(key, id) < (value, id0)`` over an expression index: it scanned from the top.)
    """
    descending = sort.startswith("-")
    key = keys[sort.lstrip("-")]
    expression = key.expression()
    single = key.column is tiebreak and key.computed is None
    if after is not None:
        value, last = after
        if single:
            stmt = stmt.where(tiebreak < last if descending else tiebreak > last)
        else:
            bound = literal(value, expression.type)
            if descending:
                stmt = stmt.where(expression <= bound, or_(expression < bound, tiebreak < last))
            else:
                stmt = stmt.where(expression >= bound, or_(expression > bound, tiebreak > last))
    order = [expression.desc() if descending else expression.asc()]
    if not single:
        order.append(tiebreak.desc() if descending else tiebreak.asc())
    return stmt.order_by(*order)


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
    key = keys[sort.lstrip("-")]
    after = _after(cursor, sort, key) if cursor is not None else None
    query = keyset(stmt, keys, tiebreak, sort, after).limit(limit + 1)
    # ``select(Model)`` pages ORM objects; a select of columns pages rows, which is cheaper
    # when the caller only needs ids (and must then select the sort columns too).
    described = stmt.column_descriptions
    entity = len(described) == 1 and described[0]["expr"] is described[0]["entity"]
    rows: list[Any]
    if key.computed is None:
        if entity:
            rows = list(session.scalars(query).unique())
        else:  # rows of columns need no ORM: Core on the session's connection costs less
            rows = list(session.connection().execute(query))
        values = [getattr(row, key.column.key) for row in rows]
    else:  # a value the rows do not carry: select it beside them, for the cursor
        pairs = list(session.execute(query.add_columns(key.expression())).unique())
        rows = [pair[0] if entity else pair for pair in pairs]
        values = [pair[-1] for pair in pairs]
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(
            {
                "s": sort,
                "v": key.encode(values[limit - 1]),
                "k": getattr(rows[-1], tiebreak.key),
            }
        )
    return Page(rows, next_cursor)


def changed_since(stmt: Select[T], model: type[Any], since: dt.datetime | None) -> Select[T]:
    """Only the records whose ``updated_at`` is at or after ``since`` (when given)."""
    return stmt if since is None else stmt.where(model.updated_at >= since)
