"""Each measure's stored document is exactly its schema dump, after every kind of write."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
from functools import cached_property
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from alembic import command
from flask.testing import FlaskClient
from sqlalchemy import Connection, delete, event, inspect, select
from sqlalchemy.orm import Session

from service import vocabularies as vocab
from service.cli import alembic_config, migrate
from service.extensions import make_engine
from service.models import Measure, MeasureDocument, MeasureStatusChange
from service.schemas.measures import MeasureCreateSchema, MeasurePageSchema, MeasureSchema
from service.seeding import load
from service.services import measures as measure_service
from service.services.as_of import counts
from service.services.measure_documents import documents
from tests.conftest import SEEDS
from tests.test_writes import new_measure


class MeasureAsOf:
    """A measure as it stood on ``as_of``, rendered from its rows: the oracle of the stored
    documents' ``as_of`` reads.

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


def _stored(session: Session) -> dict[str, str]:
    rows = session.execute(select(MeasureDocument.measure_id, MeasureDocument.body))
    return {key: body for key, body in rows}


def _keys(session: Session) -> dict[str, str]:
    return {key: roles for key, roles in session.execute(select(Measure.id, Measure.country_roles))}


def _dumped(session: Session) -> dict[str, str]:
    """Every measure as the schema dumps it, read afresh from its rows, encoded."""
    session.expire_all()
    found = session.scalars(select(Measure).order_by(Measure.id))
    return {m.id: orjson.dumps(MeasureSchema().dump(m)).decode() for m in found}


def test_every_seeded_measure_is_stored_as_its_schema_dump(session: Session) -> None:
    stored = _stored(session)
    assert len(stored) > 10
    assert stored == _dumped(session)


def _measure(**fields: Any) -> dict[str, Any]:
    """A new stage of the seeded package "kr-phased-measures"."""
    return new_measure(
        **{"id": "kr-test-stage", "parent": "kr-phased-measures", "phase": 9, **fields}
    )


def test_writes_keep_every_stored_document_equal_to_its_schema_dump(session: Session) -> None:
    """Create, change, move between packages and delete: each commit stores what it changes.

    A stage changes its package's ``children`` too, so the package must be stored again.
    """
    schema = MeasureCreateSchema()  # loaded as the API and the seed loader load it
    measure_service.put(session, schema.load(_measure()))
    session.commit()
    stored = _stored(session)
    assert "kr-test-stage" in orjson.loads(stored["kr-phased-measures"])["children"]
    assert stored == _dumped(session)

    measure_service.put(
        session, schema.load(_measure(parent=None, phase=None, title="No longer a stage"))
    )
    session.commit()
    stored = _stored(session)
    assert "kr-test-stage" not in orjson.loads(stored["kr-phased-measures"])["children"]
    assert orjson.loads(stored["kr-test-stage"])["title"] == "No longer a stage"
    assert stored == _dumped(session)

    session.delete(session.get(Measure, "kr-test-stage"))
    session.commit()
    stored = _stored(session)
    assert "kr-test-stage" not in stored
    assert stored == _dumped(session)


def test_the_api_serves_the_stored_document_of_an_item_and_of_a_page(
    client: FlaskClient, session: Session
) -> None:
    stored = _stored(session)
    item = client.get("/v1/measures/kr-k2-tanks-poland")
    assert item.status_code == 200, item.json
    assert item.data == stored["kr-k2-tanks-poland"].encode()
    page = client.get("/v1/measures?limit=5")
    assert page.status_code == 200, page.json
    assert page.json is not None
    assert [orjson.dumps(doc).decode() for doc in page.json["items"]] == [
        stored[doc["id"]] for doc in page.json["items"]
    ]


# Every route whose body is written from the stored documents, not dumped by its schema.
PAGES = [
    "/v1/measures?limit=5",
    "/v1/measures?sort=title&limit=3&type=arms_transfer",
    "/v1/measures?q=tanks",
    "/v1/measures?as_of=2025-01-01",
    "/v1/measures?as_of=2025-01-01&sort=-status&limit=1",
    "/v1/countries/kr/measures?role=imposer",
    "/v1/countries/kr/measures?as_of=2025-01-01",
    "/v1/triggers/kp-troops-to-russia/measures",
]
ITEMS = ["/v1/measures/kr-k2-tanks-poland", "/v1/measures/kr-weapons-to-ukraine?as_of=2025-01-01"]


def _measures(session: Session, ids: list[str], url: str) -> list[Any]:
    """The measures ``ids`` as ORM objects read afresh (as of the URL's ``as_of``), in order."""
    session.expire_all()
    found = {m.id: m for m in session.scalars(select(Measure).where(Measure.id.in_(ids)))}
    as_of = url.partition("as_of=")[2].partition("&")[0]
    if not as_of:
        return [found[key] for key in ids]
    return [MeasureAsOf(found[key], dt.date.fromisoformat(as_of)) for key in ids]


@pytest.mark.parametrize("url", PAGES + ITEMS)
def test_the_fast_body_is_byte_for_byte_what_the_declared_schema_dumps(
    client: FlaskClient, session: Session, url: str
) -> None:
    """Bodies written from the stored documents are exactly what the declared schemas dump.

    The lists declare ``MeasurePageSchema`` and the item ``MeasureSchema`` (one
    declaration each, in ``resources/measures.py``); the ETag is the hash of the bytes.
    """
    r = client.get(url)
    assert r.status_code == 200, r.json
    assert r.json is not None
    if url in ITEMS:
        [measure] = _measures(session, [r.json["id"]], url)
        expected = MeasureSchema().dump(measure)
    else:
        assert r.json["items"], url
        ids = [doc["id"] for doc in r.json["items"]]
        page = {"items": _measures(session, ids, url), "next_cursor": r.json["next_cursor"]}
        expected = MeasurePageSchema().dump(page)
    assert r.data == orjson.dumps(expected)
    assert r.headers["ETag"] == f'"{hashlib.sha1(r.data).hexdigest()}"'


@pytest.mark.parametrize("url", PAGES + ITEMS)
def test_a_page_or_an_item_of_measures_is_one_query(
    client: FlaskClient, connection: Connection, url: str
) -> None:
    """One query finds the measures of a page or an item, with their stored documents.

    Besides it, a nested list looks up its parent and the response cache reads the
    register's version.
    """
    seen: list[str] = []

    def note(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(connection, "before_cursor_execute", note)
    try:
        r = client.get(url)
    finally:
        event.remove(connection, "before_cursor_execute", note)
    assert r.status_code == 200, r.json
    reads = [s for s in seen if re.search(r"\bmeasures?_|\bmeasures\b", s)]
    assert len(reads) == 1, reads
    assert "measure_documents" in reads[0]


def test_a_measure_without_a_stored_document_is_rendered_from_its_rows(
    client: FlaskClient, session: Session
) -> None:
    """A row written around the service has no stored body: it is still served, whole."""
    before = client.get("/v1/measures?country=KR&limit=100")
    item_before = client.get("/v1/measures/kr-k2-tanks-poland")
    as_of_before = client.get("/v1/measures?country=KR&as_of=2025-01-01")
    assert as_of_before.json and as_of_before.json["items"], as_of_before.json
    session.execute(delete(MeasureDocument).where(MeasureDocument.measure_id.like("kr-%")))
    session.flush()
    after = client.get("/v1/measures?country=KR&limit=100")
    assert after.status_code == 200, after.json
    assert after.data == before.data
    assert after.headers["ETag"] == before.headers["ETag"]
    assert client.get("/v1/measures/kr-k2-tanks-poland").data == item_before.data
    assert client.get("/v1/measures?country=KR&as_of=2025-01-01").data == as_of_before.data


def _seeds_without_provenance(tmp_path: Path) -> Path:
    """The seeds as a register before 0008 held them: no flags (a downgrade drops them)."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    for name in ("measures.yaml", "triggers.yaml", "statements.yaml"):
        path = seeds / name
        records = yaml.safe_load(path.read_text(encoding="utf-8"))
        for record in records:
            record.pop("provenance", None)
        path.write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
    return seeds


def test_the_migration_stores_the_documents_of_the_measures_already_there(
    migrated_url: str, tmp_path: Path
) -> None:
    """A register upgraded from 0005 gets exactly the documents and keys the service writes."""
    url = migrated_url
    engine = make_engine(url)
    seeds = _seeds_without_provenance(tmp_path)
    with Session(engine) as session:
        load(session, seeds)
        written = _stored(session)
        keys = _keys(session)
    command.downgrade(alembic_config(url), "0005")
    assert "measure_documents" not in inspect(engine).get_table_names()
    migrate(url)
    with Session(engine) as session:
        assert _stored(session) == written
        # 0007's country_roles, letter for letter: reloading the seeds then changes nothing.
        assert _keys(session) == keys
        report = load(session, seeds)
        # Going below 0011 drops the organisations (seeded reference data, as the migration
        # says); the reload puts them back and changes nothing else.
        organisations = report.counts.pop("organisations")
        assert organisations["created"] == len(vocab.ORGANISATIONS), str(report)
        assert report.changed == 0, str(report)
    engine.dispose()
    assert len(written) > 10


@pytest.mark.parametrize(
    "day", ["2022-03-01", "2024-06-19", "2024-10-21", "2024-10-22", "2025-01-01"]
)
def test_documents_as_of_a_date_equal_the_schema_dump_of_the_as_of_views(
    session: Session, day: str
) -> None:
    as_of = dt.date.fromisoformat(day)
    views = [
        view
        for view in (MeasureAsOf(m, as_of) for m in session.scalars(select(Measure)))
        if view.status is not None
    ]
    assert documents(session, views, as_of) == MeasureSchema(many=True).dump(views)


def test_documents_keep_the_order_they_are_given(session: Session) -> None:
    measures = session.scalars(select(Measure).order_by(Measure.title.desc())).all()
    assert [d["id"] for d in documents(session, measures)] == [m.id for m in measures]
    assert documents(session, []) == []
