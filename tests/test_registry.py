"""Every kind of record is declared once, and everything that treats records alike uses it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from service.extensions import make_engine
from service.models import (
    ApiKey,
    Base,
    Change,
    Citation,
    IdempotentRequest,
    Measure,
    MeasureDocument,
    Proposal,
    Trigger,
)
from service.records import REGISTRY
from service.services import search
from tests.conftest import load_seeds
from tests.servers import service
from tests.test_writes import new_actor

# Tables that hold no record of their own: the feed, citations (part of the records that
# cite them), keys, stored replies, stored documents, and proposals (not public until
# accepted, so never in the feed or the exports: accepting one writes a record).
PLUMBING = {Change, Citation, ApiKey, IdempotentRequest, MeasureDocument, Proposal}


def test_every_model_is_a_record_type_a_row_one_owns_or_named_plumbing() -> None:
    owned = {o.model for kind in REGISTRY for o in kind.owned}
    declared = {kind.model for kind in REGISTRY}
    for mapper in Base.registry.mappers:
        model = mapper.class_
        if mapper.polymorphic_abstract:
            # Party: the table its kinds (Country, Organisation) share; each is declared.
            assert {m.class_ for m in mapper.self_and_descendants} - {model} <= declared
            continue
        assert model in declared | owned | PLUMBING, (
            f"{model.__name__} is neither a record type in service/records.py, a row a record"
            " type owns (RecordType.owned), nor plumbing: declare it"
        )


def test_the_loading_order_puts_every_type_after_the_types_it_refers_to() -> None:
    order = [kind.collection for kind in REGISTRY.loading_order()]
    assert sorted(order) == sorted(REGISTRY.collections)
    for index, kind in enumerate(REGISTRY.loading_order()):
        assert set(kind.refers_to) <= set(order[:index]), kind.collection
    assert order == [
        "countries",
        "organisations",
        "sources",
        "actors",
        "triggers",
        "measures",
        "statements",
    ]


def test_every_record_type_is_served_at_its_collection(app: Flask) -> None:
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    for kind in REGISTRY:
        assert f"/v1/{kind.collection}" in rules, kind.collection
        assert f"/v1/{kind.collection}/<string:{kind.label}_id>" in rules or kind.key != "id"
        assert kind.columns, f"{kind.collection} has no CSV columns"
        if kind.create_schema is not None:
            assert kind.put is not None and kind.seed is not None, kind.collection
            assert kind.update_schema is not None, kind.collection


def recorded(engine: Engine) -> dict[str, int]:
    """What the feed and the effects hold: feed rows by collection, documents, index rows."""
    with Session(engine) as session:
        rows = session.execute(select(Change.collection, func.count()).group_by(Change.collection))
        feed = {collection: count for collection, count in rows}
        return {
            **feed,
            "measure documents": session.scalar(select(func.count(MeasureDocument.measure_id))),
            "search documents": session.scalar(select(func.count()).select_from(search.documents)),
        }


def counts(engine: Engine) -> dict[str, int]:
    """What the feed and the effects must hold after a load of the seeds."""
    with Session(engine) as session:
        records = {
            kind.collection: session.scalar(select(func.count()).select_from(kind.model))
            for kind in REGISTRY
        }
        searched = sum(records[kind.collection] for kind in REGISTRY if kind.search)
    return {**records, "measure documents": records["measures"], "search documents": searched}


def command_line(url: str) -> None:
    seeded = service(url, "seed")
    assert seeded.returncode == 0, seeded.stderr


@pytest.mark.parametrize("write", [load_seeds, command_line], ids=["seed loader", "CLI"])
def test_loading_the_seeds_records_every_record_in_the_feed_and_its_effects(
    migrated_url: str, write: Callable[[str], None]
) -> None:
    write(migrated_url)
    engine = make_engine(migrated_url)
    try:
        assert recorded(engine) == counts(engine)
    finally:
        engine.dispose()


SCRIPT = """
import sys
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from service.models import Trigger
from service.schemas.triggers import TriggerCreateSchema, TriggerSchema
from service.services import triggers, writes

engine = create_engine(sys.argv[1])
with Session(engine) as session:
    seeded = session.scalars(select(Trigger).order_by(Trigger.id)).first()
    data = writes.as_input(session, TriggerCreateSchema(), TriggerSchema().dump(seeded))
    triggers.put(session, TriggerCreateSchema().load({**data, "id": "written-by-a-script"}))
    session.commit()
"""


def test_a_script_that_commits_through_the_services_records_its_change(
    migrated_url: str,
) -> None:
    load_seeds(migrated_url)
    engine = make_engine(migrated_url)
    try:
        before = recorded(engine)
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(SCRIPT), migrated_url],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        after = recorded(engine)
        assert after == {
            **before,
            "triggers": before["triggers"] + 1,
            "search documents": before["search documents"] + 1,
        }
        with Session(engine) as session:
            assert session.get(Trigger, "written-by-a-script") is not None
            change = session.scalars(
                select(Change).where(Change.record_id == "written-by-a-script")
            ).one()
            assert change.op == "create" and change.key_id is None
    finally:
        engine.dispose()


def test_an_api_write_records_its_change_naming_the_key_and_its_effects(
    client: FlaskClient, key: dict[str, str], session: Session
) -> None:
    before = session.scalar(select(func.max(Change.seq))) or 0
    r = client.post("/v1/actors", json=new_actor(), headers=key)
    assert r.status_code == 201, r.json
    changes = session.scalars(select(Change).where(Change.seq > before)).all()
    assert [(c.collection, c.record_id, c.op) for c in changes] == [
        ("actors", "test-analyst", "create")
    ]
    assert changes[0].key_id is not None
    assert changes[0].data == r.json

    measure = session.scalars(select(Measure).order_by(Measure.id)).first()
    assert measure is not None
    r = client.get(f"/v1/measures/{measure.id}")
    patched = client.patch(
        f"/v1/measures/{measure.id}",
        json={"title": "A title set over the API"},
        headers={**key, "If-Match": r.headers["ETag"]},
    )
    assert patched.status_code == 200, patched.json
    stored = session.get(MeasureDocument, measure.id)
    assert stored is not None and '"A title set over the API"' in stored.body
    found = client.get("/v1/measures", query_string={"q": "title set over the API"})
    assert [m["id"] for m in found.json["items"]] == [measure.id], found.json


@pytest.fixture
def key(auth_headers: Callable[..., dict[str, str]]) -> dict[str, str]:
    return auth_headers("write")


def test_the_feeds_collection_term_lists_the_registry_in_its_order() -> None:
    """Schemas sit below the services, so the feed's term is a literal: held to the registry."""
    from service.schemas.changes import COLLECTIONS

    assert REGISTRY.collections == COLLECTIONS
