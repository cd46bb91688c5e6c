"""The change feed keeps a copy of the register in sync; `changed_since` filters every list."""

from __future__ import annotations

import base64
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.models import Change, Measure, Statement
from service.records import REGISTRY
from service.schemas.measures import MeasureCreateSchema
from service.seeding import load
from service.services import measures
from tests.conftest import SEEDS

COLLECTIONS = list(REGISTRY.collections)
Copy = dict[str, dict[str, dict[str, Any]]]


def _feed(client: FlaskClient, since: str | None = None, **params: Any) -> tuple[list[Any], str]:
    """Every change after ``since``, following ``Link: rel="next"``; and the cursor to poll."""
    query: dict[str, Any] = {**params, **({"since": since} if since else {})}
    changes: list[dict[str, Any]] = []
    while True:
        r = client.get("/v1/changes", query_string=query)
        assert r.status_code == 200, r.json
        changes += r.json["items"]
        if 'rel="next"' not in r.headers["Link"]:
            return changes, r.json["next_cursor"]
        query = {**query, "since": r.json["next_cursor"]}


def _apply(copy: Copy, changes: list[dict[str, Any]]) -> None:
    for change in changes:
        records = copy.setdefault(change["collection"], {})
        if change["op"] == "delete":
            assert change["data"] is None
            del records[change["id"]]
        else:
            records[change["id"]] = change["data"]


def _list(client: FlaskClient, collection: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    query = {**params, "limit": 200}
    while True:
        r = client.get(f"/v1/{collection}", query_string=query)
        assert r.status_code == 200, r.json
        items += r.json["items"]
        if r.json["next_cursor"] is None:
            return items
        query = {**query, "cursor": r.json["next_cursor"]}


def _register(client: FlaskClient) -> Copy:
    """The whole register as the API serves it."""
    key = {"countries": "code", "organisations": "code"}
    return {
        collection: {item[key.get(collection, "id")]: item for item in _list(client, collection)}
        for collection in COLLECTIONS
    }


def _measure_input(measure: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A measure as the API served it, as a write (``MeasureCreateSchema``) with ``changes``."""

    def cite(citation: dict[str, Any]) -> dict[str, str]:
        return {"source": citation["source"], "quote": citation["quote"]}

    data = {
        name: measure[name]
        for name in MeasureCreateSchema().fields
        if name not in {"citations", "status_history"}
    }
    data["citations"] = [cite(c) for c in measure["citations"]]
    data["status_history"] = [
        {
            **{k: h[k] for k in ("status", "changed_on", "changed_on_precision")},
            "citation": cite(h["citation"]),
        }
        for h in measure["status_history"]
    ]
    data.update(changes)
    loaded: dict[str, Any] = MeasureCreateSchema().load(data)
    return loaded


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Change)) or 0


def test_a_sync_from_the_start_copies_the_whole_register(client: FlaskClient) -> None:
    changes, _ = _feed(client, limit=97)
    assert {c["op"] for c in changes} == {"create"}
    copy: Copy = {}
    _apply(copy, changes)
    assert copy == _register(client)


def test_a_sync_client_follows_writes_deletes_and_a_reseed(
    client: FlaskClient, session: Session, tmp_path: Path
) -> None:
    copy: Copy = {}
    changes, cursor = _feed(client)
    _apply(copy, changes)

    # Through the services: a new stage of a package (which changes the package's
    # `children`), an update, and a delete.
    tanks = client.get("/v1/measures/kr-k2-tanks-poland").json
    with session.no_autoflush:
        measures.put(session, _measure_input(tanks, id="kr-k2-tanks-second-batch"))
    session.commit()
    artillery = client.get("/v1/measures/kr-artillery-shells-to-us").json
    with session.no_autoflush:
        measures.put(session, _measure_input(artillery, title="Shells for the United States"))
    session.commit()
    statement = session.scalars(select(Statement).order_by(Statement.id)).first()
    assert statement is not None
    session.delete(statement)
    session.commit()

    # A reseed with one record changed (and the deleted statement back, the update undone).
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    path = seeds / "measures.yaml"
    original = "  title: K-2 tank deal between South Korea and Poland\n"
    assert original in path.read_text(encoding="utf-8")
    path.write_text(
        path.read_text(encoding="utf-8").replace(original, original[:-1] + " (revised)\n"),
        encoding="utf-8",
    )
    load(session, seeds)

    changes, _ = _feed(client, cursor, limit=2)
    seen = [(c["collection"], c["id"], c["op"]) for c in changes]
    assert seen == [
        ("measures", "kr-k2-tanks-second-batch", "create"),
        ("measures", tanks["parent"], "update"),  # its `children`
        ("measures", "kr-artillery-shells-to-us", "update"),
        ("statements", statement.id, "delete"),
        # The reseed, in the order the seeds load.
        ("measures", "kr-artillery-shells-to-us", "update"),
        ("measures", "kr-k2-tanks-poland", "update"),
        ("statements", statement.id, "create"),
    ]
    _apply(copy, changes)
    assert copy == _register(client)
    assert "kr-k2-tanks-second-batch" in copy["measures"][tanks["parent"]]["children"]
    assert copy["measures"]["kr-k2-tanks-poland"]["title"].endswith("(revised)")


def test_changes_come_in_seq_order_and_page_without_gaps(client: FlaskClient) -> None:
    every, _ = _feed(client, limit=1000)
    seqs = [c["seq"] for c in every]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    paged, _ = _feed(client, limit=7)
    assert paged == every
    measures_only, _ = _feed(client, collection="measures", limit=5)
    assert measures_only == [c for c in every if c["collection"] == "measures"]


def test_a_delete_is_a_tombstone(client: FlaskClient, session: Session) -> None:
    _, cursor = _feed(client)
    measure = session.get(Measure, "kr-k2-tanks-poland")
    session.delete(measure)
    session.commit()
    changes, _ = _feed(client, cursor)
    tombstone = next(c for c in changes if c["id"] == "kr-k2-tanks-poland")
    assert tombstone["op"] == "delete" and tombstone["data"] is None
    assert tombstone["collection"] == "measures"
    assert client.get("/v1/measures/kr-k2-tanks-poland").status_code == 404


def test_the_cursor_stays_put_when_nothing_changed(client: FlaskClient) -> None:
    _, cursor = _feed(client)
    r = client.get("/v1/changes", query_string={"since": cursor})
    assert r.status_code == 200, r.json
    assert r.json == {"items": [], "next_cursor": cursor}
    assert 'rel="next"' not in r.headers["Link"]


def test_a_reseed_of_unchanged_seeds_records_nothing(session: Session) -> None:
    before = _count(session)
    assert before > 0
    report = load(session, SEEDS)
    assert report.changed == 0
    assert _count(session) == before


def test_an_orm_edit_is_recorded_and_moves_updated_at(
    client: FlaskClient, session: Session
) -> None:
    _, cursor = _feed(client)
    measure = session.get(Measure, "kr-k2-tanks-poland")
    assert measure is not None
    before = measure.updated_at
    measure.items[0].quantity = 180
    session.commit()
    changes, _ = _feed(client, cursor)
    assert [(c["id"], c["op"]) for c in changes] == [("kr-k2-tanks-poland", "update")]
    assert changes[0]["data"]["items"][0]["quantity"] == 180
    assert changes[0]["data"] == client.get("/v1/measures/kr-k2-tanks-poland").json
    assert measure.updated_at > before


@pytest.mark.parametrize(
    "since",
    [
        "not-a-cursor",
        base64.urlsafe_b64encode(b'{"seq": -1}').decode(),
        base64.urlsafe_b64encode(b'{"seq": "1"}').decode(),
        base64.urlsafe_b64encode(b'{"s": "id", "v": 1, "k": "x"}').decode(),
        base64.urlsafe_b64encode(b'{"seq": 99999999999999999999}').decode(),
    ],
)
def test_a_bad_cursor_is_a_422_naming_since(client: FlaskClient, since: str) -> None:
    r = client.get("/v1/changes", query_string={"since": since})
    assert r.status_code == 422, r.json
    assert r.content_type == "application/problem+json"
    assert [e["name"] for e in r.json["errors"]] == ["since"]


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_changed_since_lists_the_records_updated_at_or_after_it(
    client: FlaskClient, collection: str
) -> None:
    every = _list(client, collection)
    stamps = sorted(dt.datetime.fromisoformat(i["updated_at"]) for i in every)
    pivot = stamps[len(stamps) // 2]
    expected = [i for i in every if dt.datetime.fromisoformat(i["updated_at"]) >= pivot]
    assert 0 < len(expected) < len(every)
    assert _list(client, collection, changed_since=pivot.isoformat()) == expected
    elsewhere = pivot.astimezone(dt.timezone(dt.timedelta(hours=9)))
    assert _list(client, collection, changed_since=elsewhere.isoformat()) == expected
    naive = pivot.replace(tzinfo=None).isoformat()  # read as UTC
    assert _list(client, collection, changed_since=naive) == expected


def test_changed_since_finds_a_write_made_after_it(client: FlaskClient, session: Session) -> None:
    since = dt.datetime.now(dt.UTC)
    measure = session.get(Measure, "kr-artillery-shells-to-us")
    assert measure is not None
    measure.title = "Shells for the United States"
    session.commit()
    found = _list(client, "measures", changed_since=since.isoformat())
    assert [m["id"] for m in found] == ["kr-artillery-shells-to-us"]
    assert _list(client, "countries/kr/measures", changed_since=since.isoformat()) == found


def test_changed_since_rejects_what_is_not_a_date_time(client: FlaskClient) -> None:
    for value in ("yesterday", "2024-13-01T00:00:00Z", "0001-01-01T00:00:00+05:00"):
        r = client.get("/v1/measures", query_string={"changed_since": value})
        assert r.status_code == 422, (value, r.json)
        assert [e["name"] for e in r.json["errors"]] == ["changed_since"]
