"""Measures as of a date: the status each had then, from its dated status history.

A status change counts on ``as_of`` only if it certainly happened by then. A change
dated to a day counts from that day; one dated to a month or a year only once the whole
month or year has ended, since it may have happened on its last day. Undated changes
never count: the register does not guess when they happened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, ScalarSelect, and_, literal, or_, select
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from service.models import Measure, MeasureStatusChange


@dataclass(frozen=True)
class Cutoffs:
    """The first date a change of each precision must be *before* to count.

    ``None`` is no bound at all: only when ``as_of`` is the last representable day.
    """

    day: dt.date | None
    month: dt.date | None
    year: dt.date | None


def cutoffs(as_of: dt.date) -> Cutoffs:
    """The first day after ``as_of`` at each precision: what a date must be before to count."""
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
