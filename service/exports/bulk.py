"""The whole register as one NDJSON stream, in an order a loader can follow.

Each line is ``{"collection": name, "record": {...}}`` with the record exactly as the
API's item endpoint serves it. Collections come in dependency order (countries,
organisations, sources, actors, triggers, measures, statements), each by id, except that a
measure's parent always comes before its stages, so every reference points back to a line
already read. The last line is ``{"meta": {...}}``: the counts of what was written and the newest
``updated_at``. A stream cut short has no meta line. There is no wall-clock timestamp:
the same register exports to the same bytes, so checksums and the ETag mean something.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any

from followthemoney.proxy import EntityProxy
from sqlalchemy.orm import Session

from service.exports import ndjson
from service.exports.ftm import Mapper
from service.exports.stream import EXPORT_VERSION, every
from service.records import REGISTRY
from service.services.registry import RecordType

ORDER = REGISTRY.loading_order()


def records(
    session: Session, size: int, kinds: Sequence[RecordType] = ORDER
) -> Iterator[tuple[RecordType, Any]]:
    """``(type, record)`` for every record of ``kinds``, in loading order."""
    for kind in kinds:
        if kind.export is not None:
            yield from ((kind, record) for record in kind.export(session, size))
            continue
        for record in every(partial(kind.list_, session), {"sort": kind.key}, size):
            yield kind, record


def lines(session: Session, size: int) -> Iterator[str]:
    """The export's lines: one per record, then the meta line."""
    counts = dict.fromkeys((kind.collection for kind in ORDER), 0)
    latest: str | None = None
    for kind, record in records(session, size):
        data = kind.dump(record)
        counts[kind.collection] += 1
        latest = max(latest or data["updated_at"], data["updated_at"])
        yield ndjson.line({"collection": kind.collection, "record": data})
    meta = {"format": "register-export", "version": EXPORT_VERSION, "counts": counts}
    yield ndjson.line({"meta": {**meta, "last_updated_at": latest}})


def entities(session: Session, size: int) -> Iterator[EntityProxy]:
    """Every record as FollowTheMoney entities, record by record, then the states they involve."""
    mapper = Mapper(session)
    mapped = [kind for kind in ORDER if kind.ftm is not None]
    for kind, record in records(session, size, mapped):
        assert kind.ftm is not None
        yield from kind.ftm(mapper, kind.dump(record))
    yield from mapper.states()


def ftm_lines(session: Session, size: int) -> Iterator[str]:
    """The FollowTheMoney export's lines: one entity each."""
    for proxy in entities(session, size):
        yield ndjson.line(proxy.to_dict())
