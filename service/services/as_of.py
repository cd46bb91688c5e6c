"""Measures as of a date: the status each had then, from its dated status history.

A status change counts on ``as_of`` only if it certainly happened by then. A change
dated to a day counts from that day; one dated to a month or a year only once the whole
month or year has ended, since it may have happened on its last day. Undated changes
never count: the register does not guess when they happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import Date, ScalarSelect, Select, and_, literal, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from service.errors import NoStatusOn, NotFound
from service.models import Measure, MeasureStatusChange
from service.services import paging
from service.services.paging import Page, SortKey


@dataclass(frozen=True)
class Cutoffs:
    """The first date a change of each precision must be *before* to count.

    ``None`` is no bound at all: only when ``as_of`` is the last representable day.
    """

    day: dt.date | None
    month: dt.date | None
    year: dt.date | None


def cutoffs(as_of: dt.date) -> Cutoffs:
    if as_of == dt.date.max:
        return Cutoffs(None, None, None)
    following = as_of + dt.timedelta(days=1)
    return Cutoffs(following, following.replace(day=1), following.replace(month=1, day=1))


def _before(column: InstrumentedAttribute[dt.date | None], bound: dt.date | None) -> Any:
    # The bound is a date parameter: a plain comparison on both backends, no date arithmetic.
    return column.is_not(None) if bound is None else column < literal(bound, Date())


def counting(as_of: dt.date) -> ColumnElement[bool]:
    """SQL: the status change certainly happened on or before ``as_of``."""
    bounds = cutoffs(as_of)
    on, precision = MeasureStatusChange.changed_on, MeasureStatusChange.changed_on_precision
    return or_(
        and_(precision == "day", _before(on, bounds.day)),
        and_(precision == "month", _before(on, bounds.month)),
        and_(precision == "year", _before(on, bounds.year)),
    )


def counts(change: MeasureStatusChange, as_of: dt.date) -> bool:
    """Python twin of :func:`counting`, for a history already loaded."""
    return counts_on(change.changed_on, change.changed_on_precision, as_of)


def counts_on(changed_on: dt.date | None, precision: str | None, as_of: dt.date) -> bool:
    """Whether a change dated ``changed_on`` to ``precision`` certainly happened by ``as_of``."""
    bounds = cutoffs(as_of)
    by_precision = {"day": bounds.day, "month": bounds.month, "year": bounds.year}
    if changed_on is None or precision not in by_precision:
        return False
    bound = by_precision[precision]
    return bound is None or changed_on < bound


def status_on(as_of: dt.date) -> ScalarSelect[str]:
    """SQL: a measure's status on ``as_of`` (NULL if none counts), correlated to ``Measure``.

    The primary key (measure_id, position) serves the lookup and the ordering.
    """
    return (
        select(MeasureStatusChange.status)
        .where(MeasureStatusChange.measure_id == Measure.id, counting(as_of))
        .order_by(MeasureStatusChange.position.desc())
        .limit(1)
        .correlate(Measure)
        .scalar_subquery()
    )


class MeasureAsOf:
    """A read-only view of a measure as it stood on ``as_of``.

    Everything but ``status``, ``status_history`` and ``as_of`` reads through to the
    measure; the measure itself is never modified (the session could flush it).
    """

    def __init__(self, measure: Measure, as_of: dt.date) -> None:
        self._measure = measure
        self.as_of = as_of

    # Computed on first use, so a page rendered from its rows never loads each history.
    @cached_property
    def status_history(self) -> list[MeasureStatusChange]:
        return [c for c in self._measure.status_history if counts(c, self.as_of)]

    @cached_property
    def status(self) -> str | None:
        return self.status_history[-1].status if self.status_history else None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._measure, name)


def get(session: Session, measure_id: str, as_of: dt.date) -> MeasureAsOf:
    measure = session.get(Measure, measure_id)
    if measure is None:
        raise NotFound("measure", measure_id)
    view = MeasureAsOf(measure, as_of)
    if view.status is None:
        raise NoStatusOn(measure_id, as_of)
    return view


def paginate(
    session: Session,
    stmt: Select[Measure],
    keys: Mapping[str, SortKey],
    args: Mapping[str, Any],
) -> Page[MeasureAsOf]:
    """One page of ``stmt`` (already limited to measures with a status on ``as_of``).

    ``status`` sorts by the status on ``as_of``; the items are :class:`MeasureAsOf` views.
    """
    as_of: dt.date = args["as_of"]
    keys = {**keys, "status": SortKey(Measure.status, computed=status_on(as_of))}
    page = paging.paginate(
        session, stmt, keys, Measure.id, args["sort"], args["limit"], args.get("cursor")
    )
    return Page([MeasureAsOf(m, as_of) for m in page.items], page.next_cursor)
