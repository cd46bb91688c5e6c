"""The timeline: dated triggers, statements and status changes, in date order.

Only dated records appear: the register never guesses a date. A record dated to a month
or a year sorts as the first day of its period (that is how it is stored) and is within
a ``from``/``to`` range when its period overlaps the range.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Select,
    String,
    and_,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from service.errors import InvalidCursor
from service.models import (
    Actor,
    Citation,
    Measure,
    MeasureCountry,
    MeasureStatusChange,
    Statement,
    Trigger,
    TriggerCountry,
)
from service.schemas.timeline import TimelineQuery
from service.services.paging import Page, changed_since, decode_cursor, encode_cursor
from service.vocabularies import TIMELINE_KINDS

KINDS = TIMELINE_KINDS  # also their order on one date


@dataclass
class Entry:
    """One dated event; the fields that do not apply to its kind are ``None``."""

    date: dt.date
    date_precision: str
    kind: str
    id: str
    position: int | None = None
    text: str = ""
    trigger_kind: str | None = None
    verification: str | None = None
    stance: str | None = None
    actor: str | None = None
    actor_name: str | None = None
    about: dict[str, str] | None = None
    status: str | None = None
    citations: list[Citation] = field(default_factory=list)


def within(
    on: InstrumentedAttribute[dt.date | None],
    precision: InstrumentedAttribute[str | None],
    start: dt.date | None,
    end: dt.date | None,
) -> ColumnElement[bool]:
    """SQL: the period ``on`` stands for (a day, a month, a year) overlaps [start, end].

    A period starts on its stored date, so it starts by ``end`` when ``on <= end``; it
    ends on or after ``start`` when it starts on or after the first day of ``start``'s
    day, month or year. Plain date comparisons, the same on every backend.
    """
    conditions: list[ColumnElement[bool]] = [on.is_not(None)]
    if end is not None:
        conditions.append(on <= end)
    if start is not None:
        conditions.append(
            or_(
                and_(precision == "day", on >= start),
                and_(precision == "month", on >= start.replace(day=1)),
                and_(precision == "year", on >= start.replace(month=1, day=1)),
            )
        )
    return and_(*conditions)


def _row(
    on: InstrumentedAttribute[dt.date | None],
    precision: InstrumentedAttribute[str | None],
    kind: str,
    key: InstrumentedAttribute[str],
    position: Any,
) -> Select[Any]:
    # Constants are inlined so that PostgreSQL types the UNION's columns without casts.
    return select(
        on.label("date"),
        precision.label("date_precision"),
        literal_column(f"'{kind}'", String()).label("kind"),
        key.label("id"),
        position.label("position"),
    )


def _selects(args: TimelineQuery, country: str | None) -> list[Select[Any]]:
    start, end = args.get("from_"), args.get("to")
    kinds = set(args.get("kind") or KINDS)
    # `changed_since` keeps the entries of records changed since; a status change is part
    # of its measure, so it goes by the measure's `updated_at`.
    since = args.get("changed_since")
    selects = []
    if "trigger" in kinds:
        stmt = _row(
            Trigger.occurred_on,
            Trigger.occurred_on_precision,
            "trigger",
            Trigger.id,
            literal_column("0", Integer()),
        ).where(within(Trigger.occurred_on, Trigger.occurred_on_precision, start, end))
        if country:
            stmt = stmt.where(Trigger.countries.any(TriggerCountry.country_code == country))
        selects.append(changed_since(stmt, Trigger, since))
    if "statement" in kinds:
        stmt = _row(
            Statement.said_on,
            Statement.said_on_precision,
            "statement",
            Statement.id,
            literal_column("0", Integer()),
        ).where(within(Statement.said_on, Statement.said_on_precision, start, end))
        if country:
            stmt = stmt.where(
                or_(
                    Statement.actor_id.in_(select(Actor.id).where(Actor.country_code == country)),
                    Statement.about_trigger_id.in_(
                        select(TriggerCountry.trigger_id).where(
                            TriggerCountry.country_code == country
                        )
                    ),
                    Statement.about_measure_id.in_(_measures_of(country)),
                )
            )
        selects.append(changed_since(stmt, Statement, since))
    if "status_change" in kinds:
        change = MeasureStatusChange
        stmt = _row(
            change.changed_on,
            change.changed_on_precision,
            "status_change",
            change.measure_id,
            change.position,
        ).where(within(change.changed_on, change.changed_on_precision, start, end))
        if country:
            stmt = stmt.where(change.measure_id.in_(_measures_of(country)))
        if since is not None:
            stmt = stmt.where(
                change.measure_id.in_(changed_since(select(Measure.id), Measure, since))
            )
        selects.append(stmt)
    return selects


def _measures_of(country: str) -> Select[str]:
    return select(MeasureCountry.measure_id).where(MeasureCountry.country_code == country)


def _after(cursor: str, sort: str) -> tuple[dt.date, str, str, int]:
    payload = decode_cursor(cursor)
    if payload["s"] != sort:
        raise InvalidCursor(f"the cursor was issued for sort={payload['s']}, not sort={sort}")
    value, key = payload["v"], payload["k"]
    try:
        on, kind, position = value
        after = (dt.date.fromisoformat(on), kind, key, int(position))
    except (TypeError, ValueError) as error:
        raise InvalidCursor("the cursor is corrupt") from error
    if kind not in KINDS or not isinstance(key, str):
        raise InvalidCursor("the cursor is corrupt")
    return after


def list_(session: Session, args: TimelineQuery, country: str | None = None) -> Page[Entry]:
    """One page of the timeline, ordered by (date, kind, id, position)."""
    selects = _selects(args, country)
    if not selects:
        return Page([], None)
    union = (union_all(*selects) if len(selects) > 1 else selects[0]).subquery("timeline")
    order = (union.c.date, union.c.kind, union.c.id, union.c.position)
    sort, descending = args["sort"], args["sort"].startswith("-")
    stmt = select(*order, union.c.date_precision)
    if (cursor := args.get("cursor")) is not None:
        on, kind, key, position = _after(cursor, sort)
        bound = tuple_(literal(on, Date()), literal(kind), literal(key), literal(position))
        stmt = stmt.where(tuple_(*order) < bound if descending else tuple_(*order) > bound)
    stmt = stmt.order_by(*(c.desc() if descending else c.asc() for c in order))
    limit: int = args["limit"]
    rows = session.execute(stmt.limit(limit + 1)).all()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor(
            {"s": sort, "v": [last.date.isoformat(), last.kind, last.position], "k": last.id}
        )
    return Page(_hydrate(session, rows), next_cursor)


def _hydrate(session: Session, rows: Sequence[Any]) -> list[Entry]:
    """The page's entries with their text, kind-specific fields and citations."""
    wanted: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for row in rows:
        wanted[row.kind].add(row.id)
    triggers = {
        t.id: t for t in session.scalars(select(Trigger).where(Trigger.id.in_(wanted["trigger"])))
    }
    statements = {
        s.id: s
        for s in session.scalars(select(Statement).where(Statement.id.in_(wanted["statement"])))
    }
    actors = dict(
        session.execute(
            select(Actor.id, Actor.name).where(
                Actor.id.in_({s.actor_id for s in statements.values()})
            )
        ).all()
    )
    changes = {
        (c.measure_id, c.position): (c, title)
        for c, title in session.execute(
            select(MeasureStatusChange, Measure.title)
            .join(Measure, Measure.id == MeasureStatusChange.measure_id)
            .where(MeasureStatusChange.measure_id.in_(wanted["status_change"]))
        ).all()
    }
    entries = []
    for row in rows:
        entry = Entry(row.date, row.date_precision, row.kind, row.id)
        if row.kind == "trigger":
            trigger = triggers[row.id]
            entry.text = trigger.title
            entry.trigger_kind, entry.verification = trigger.kind, trigger.verification
            entry.citations = sorted(trigger.citations, key=lambda c: (c.source_id, c.start))
        elif row.kind == "statement":
            statement = statements[row.id]
            entry.text = statement.quote or statement.citation.quote
            entry.stance, entry.about = statement.stance, statement.about
            entry.actor, entry.actor_name = statement.actor_id, actors[statement.actor_id]
            entry.citations = [statement.citation]
        else:
            change, title = changes[(row.id, row.position)]
            entry.text, entry.status, entry.position = title, change.status, change.position
            entry.citations = [change.citation]
        entries.append(entry)
    return entries
