"""How many measures a list holds, and how many it would hold for each value of a filter.

A facet counts the measures that match every filter of the list but its own: the count
beside ``type=sanction`` is what ``/v1/measures`` answers with ``type=sanction`` in place
of the list's own ``type`` (none, one or several), the other filters kept. The country and
organisation facets share the ``country`` and ``role`` filters: a value of either is a
pair, ``country=KR&role=imposer``. Each facet is one grouped query over the filtered ids,
built by :func:`service.services.measures.filtered`, the query the list itself pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from service.models import Measure, MeasureCountry, MeasureTrigger, Party, Trigger
from service.schemas.measures import MeasureQuery
from service.services import as_of as as_of_
from service.services.measures import filtered

# The facets, each with the filters it replaces.
FACETS: dict[str, tuple[str, ...]] = {
    "type": ("type",),
    "status": ("status",),
    "country": ("country", "role"),
    "organisation": ("country", "role"),
    "trigger": ("trigger",),
    "conditional": ("conditional",),
}
# What a count ignores: how the list is cut into pages and served.
_PAGING = ("limit", "cursor", "sort", "format")


@dataclass(frozen=True)
class Bucket:
    """One value of a facet: the filter's value, its count, and for a party its role.

    ``name`` is what a person reads: a party's or a trigger's name (None for a term).
    """

    value: str
    count: int
    role: str | None = None
    name: str | None = None


def _without(args: MeasureQuery, keys: Iterable[str]) -> MeasureQuery:
    dropped = {*keys, *_PAGING}
    return cast(MeasureQuery, {k: v for k, v in args.items() if k not in dropped})


def _status(args: MeasureQuery) -> ColumnElement[Any]:
    """The status that counts: the one on ``as_of`` when asked, as the list filters by."""
    as_of = args.get("as_of")
    return Measure.status.expression if as_of is None else as_of_.status_on(as_of)


def count(session: Session, args: MeasureQuery) -> int:
    """How many measures match ``args``: every page of the list, together."""
    ids = filtered(_without(args, ())).with_only_columns(Measure.id).subquery()
    return int(session.scalar(select(func.count()).select_from(ids)) or 0)


def _terms(session: Session, args: MeasureQuery, facet: str) -> list[Bucket]:
    rest = _without(args, FACETS[facet])
    column = {"type": Measure.type, "status": _status(rest), "conditional": Measure.conditional}
    rows = filtered(rest).with_only_columns(column[facet].label("value")).subquery()
    stmt = select(rows.c.value, func.count()).group_by(rows.c.value)
    if facet == "conditional":  # as the filter spells it
        return [Bucket("true" if value else "false", n) for value, n in session.execute(stmt)]
    return [Bucket(str(value), n) for value, n in session.execute(stmt)]


def _parties(session: Session, args: MeasureQuery, kind: str) -> list[Bucket]:
    ids = filtered(_without(args, FACETS[kind])).with_only_columns(Measure.id).subquery()
    code, role = MeasureCountry.country_code, MeasureCountry.role
    stmt = (
        select(code, role, Party.name, func.count())
        .join(ids, ids.c.id == MeasureCountry.measure_id)
        .join(Party, Party.code == code)
        .where(Party.kind == kind)
        .group_by(code, role, Party.name)
    )
    return [Bucket(c, n, r, name) for c, r, name, n in session.execute(stmt)]


def _triggers(session: Session, args: MeasureQuery) -> list[Bucket]:
    ids = filtered(_without(args, FACETS["trigger"])).with_only_columns(Measure.id).subquery()
    trigger = MeasureTrigger.trigger_id
    # A measure may answer a trigger and be conditional on it: one measure, counted once.
    stmt = (
        select(trigger, Trigger.title, func.count(MeasureTrigger.measure_id.distinct()))
        .join(ids, ids.c.id == MeasureTrigger.measure_id)
        .join(Trigger, Trigger.id == trigger)
        .group_by(trigger, Trigger.title)
    )
    return [Bucket(t, n, None, title) for t, title, n in session.execute(stmt)]


def _ordered(buckets: Sequence[Bucket]) -> list[Bucket]:
    """Largest first; ties by value and role, so the order is stable."""
    return sorted(buckets, key=lambda b: (-b.count, b.value, b.role or ""))


def facet(session: Session, args: MeasureQuery, name: str) -> list[Bucket]:
    """The facet ``name`` (a key of :data:`FACETS`) of the measures matching ``args``."""
    if name in ("country", "organisation"):
        buckets = _parties(session, args, name)
    elif name == "trigger":
        buckets = _triggers(session, args)
    else:
        buckets = _terms(session, args, name)
    return _ordered(buckets)


def facets(session: Session, args: MeasureQuery) -> dict[str, list[Bucket]]:
    """Every facet of the measures matching ``args``, in the order of :data:`FACETS`."""
    return {name: facet(session, args, name) for name in FACETS}
