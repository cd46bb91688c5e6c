"""The whole register as one NDJSON stream, in an order a loader can follow.

Each line is ``{"collection": name, "record": {...}}`` with the record exactly as the
API's item endpoint serves it. Collections come in dependency order (countries, sources,
actors, triggers, measures, statements), each by id, except that a measure's parent
always comes before its stages, so every reference points back to a line already read.
The last line is ``{"meta": {...}}``: the counts of what was written and the newest
``updated_at``. A stream cut short has no meta line. There is no wall-clock timestamp:
the same register exports to the same bytes, so checksums and the ETag mean something.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any

import marshmallow as ma
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.exports import ndjson
from service.exports.stream import EXPORT_VERSION, every
from service.models import Measure
from service.schemas.actors import ActorSchema
from service.schemas.countries import CountrySchema
from service.schemas.measures import MeasureSchema
from service.schemas.sources import SourceSchema
from service.schemas.statements import StatementSchema
from service.schemas.triggers import TriggerSchema
from service.services import actors, countries, sources, statements, triggers

COLLECTIONS = ("countries", "sources", "actors", "triggers", "measures", "statements")
SCHEMAS: dict[str, ma.Schema] = {
    "countries": CountrySchema(),
    "sources": SourceSchema(),
    "actors": ActorSchema(),
    "triggers": TriggerSchema(),
    "measures": MeasureSchema(),
    "statements": StatementSchema(),
}


def _measures(session: Session, size: int) -> Iterator[Measure]:
    """Measures parents first: by depth in the package tree, then by id."""
    parents: dict[str, str | None] = dict(
        session.execute(select(Measure.id, Measure.parent_id)).all()
    )
    depth: dict[str, int] = {}

    def depth_of(key: str) -> int:
        below: list[str] = []
        while key not in depth:
            parent = parents.get(key)
            if parent is None or parent not in parents or parent in below:
                depth[key] = 0  # a root (the service forbids cycles; never loop on one)
                break
            below.append(key)
            key = parent
        level = depth[key]
        for child in reversed(below):
            level += 1
            depth[child] = level
        return depth[below[0]] if below else depth[key]

    order = sorted(parents, key=lambda key: (depth_of(key), key))
    for start in range(0, len(order), size):
        batch = order[start : start + size]
        found = {m.id: m for m in session.scalars(select(Measure).where(Measure.id.in_(batch)))}
        yield from (found[key] for key in batch if key in found)


def records(
    session: Session, size: int, only: Sequence[str] = COLLECTIONS
) -> Iterator[tuple[str, Any]]:
    """``(collection, record)`` for every record of ``only``, in loading order."""
    listings: dict[str, tuple[Any, str]] = {
        "countries": (countries.list_, "code"),
        "sources": (sources.list_, "id"),
        "actors": (actors.list_, "id"),
        "triggers": (triggers.list_, "id"),
        "statements": (statements.list_, "id"),
    }
    for name in only:
        if name == "measures":
            yield from ((name, m) for m in _measures(session, size))
            continue
        list_, sort = listings[name]
        for record in every(partial(list_, session), {"sort": sort}, size):
            yield name, record


def lines(session: Session, size: int) -> Iterator[str]:
    """The export's lines: one per record, then the meta line."""
    counts = dict.fromkeys(COLLECTIONS, 0)
    latest: str | None = None
    for name, record in records(session, size):
        data = SCHEMAS[name].dump(record)
        counts[name] += 1
        latest = max(latest or data["updated_at"], data["updated_at"])
        yield ndjson.line({"collection": name, "record": data})
    meta = {"format": "register-export", "version": EXPORT_VERSION, "counts": counts}
    yield ndjson.line({"meta": {**meta, "last_updated_at": latest}})
