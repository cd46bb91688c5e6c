"""Measures as the API serves them: JSON stored beside each measure, served as it is.

Every commit that creates or changes a measure writes its document to
``measure_documents`` in the same transaction (``services/changes.py``): the same
``MeasureSchema`` serialisation that the change feed records, so the stored body is
never behind the measure, whoever wrote it (the API, the seed loader, a service). Lists
and items then read a measure's body in the query that finds it and put it into the
response as it is (``orjson.Fragment``): a page of 50 is one query, not 50 renderings.
``as_of`` and the exports parse the bodies, since they change or flatten them.

A measure whose body is missing (a row written around the service) is rendered from its
rows instead: slower, never missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from service.errors import NotFound
from service.models import Measure, MeasureDocument
from service.schemas.common import Document
from service.schemas.measures import MeasureSchema
from service.services.as_of import counts_on
from service.services.registry import Changed, RecordType

_SCHEMA = MeasureSchema()


def store(session: Session, documents: Mapping[str, Document | None]) -> None:
    """Write ``{measure id: document}`` as the measures' bodies; ``None`` for one deleted."""
    if not documents:
        return
    session.execute(delete(MeasureDocument).where(MeasureDocument.measure_id.in_(documents)))
    rows = [
        {"measure_id": key, "body": orjson.dumps(doc).decode()}
        for key, doc in documents.items()
        if doc is not None
    ]
    if rows:
        session.execute(insert(MeasureDocument), rows)


def _bodies(session: Session, rows: Sequence[Any]) -> list[str]:
    """The stored body of each row's measure, in order (rows carry ``id``, maybe ``body``)."""
    found = {row.id: row.body for row in rows if getattr(row, "body", None) is not None}
    wanted = [row.id for row in rows if row.id not in found]
    if wanted:
        stmt = select(MeasureDocument.measure_id, MeasureDocument.body).where(
            MeasureDocument.measure_id.in_(wanted)
        )
        found.update((key, body) for key, body in session.connection().execute(stmt))
    missing = [row.id for row in rows if row.id not in found]
    if missing:
        found.update(_rendered(session, missing))
    return [found[row.id] for row in rows]


def _rendered(session: Session, ids: list[str]) -> dict[str, str]:
    rendered = {
        m.id: orjson.dumps(_SCHEMA.dump(m)).decode()
        for m in session.scalars(select(Measure).where(Measure.id.in_(ids)))
    }
    for key in ids:
        if key not in rendered:  # deleted since the query that listed it
            raise NotFound("measure", key)
    return rendered


def fragments(session: Session, rows: Sequence[Any]) -> list[orjson.Fragment]:
    """The documents of the rows' measures, in order, as JSON to embed unparsed."""
    return [orjson.Fragment(body) for body in _bodies(session, rows)]


def _counts(change: Document, as_of: dt.date) -> bool:
    on = change["changed_on"]
    return counts_on(
        dt.date.fromisoformat(on) if on else None, change["changed_on_precision"], as_of
    )


def documents(
    session: Session, measures: Sequence[Any], as_of: dt.date | None = None
) -> list[Document]:
    """The API documents of ``measures`` (objects with an ``id``), in order.

    With ``as_of``, each carries its status on that date and the history that counts then
    (``None`` and ``[]`` for a measure that had no dated status yet).
    """
    docs: list[Document] = [orjson.loads(body) for body in _bodies(session, measures)]
    if as_of is not None:
        for doc in docs:
            history = [c for c in doc["status_history"] if _counts(c, as_of)]
            doc["status"] = history[-1]["status"] if history else None
            doc["status_history"] = history
            doc["as_of"] = as_of.isoformat()
    return docs


def store_changed(session: Session, kind: RecordType, changed: Sequence[Changed]) -> None:
    """Store the documents of ``changed`` measures with their write (an effect)."""
    store(session, {c.key: c.document for c in changed})
