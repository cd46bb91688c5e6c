"""JSON reads are served from a cache keyed by the register's version, never stale."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from service import cache, create_app
from service.config import Config
from service.exports import stream
from service.extensions import db
from service.models import Actor, Measure
from service.seeding import load
from service.services import measures as measure_service
from tests.conftest import SEEDS

PAGE = "/v1/measures?type=arms_transfer"
ITEM = "/v1/measures/kr-k2-tanks-poland"


def _response_cache(app: Flask) -> cache.ResponseCache:
    response_cache = app.extensions["response_cache"]
    assert isinstance(response_cache, cache.ResponseCache)
    return response_cache


@pytest.fixture
def no_rendering(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """From now on, reading a measure or a page of them fails: only a cache hit can answer."""

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("rendered, not served from the cache")

    monkeypatch.setattr(measure_service, "page", refuse)
    monkeypatch.setattr(measure_service, "read", refuse)
    yield


@pytest.mark.parametrize("url", [PAGE, ITEM, "/v1/actors?limit=3", "/v1/vocabularies"])
def test_a_repeated_read_is_served_from_the_cache_with_the_same_body_and_etag(
    client: FlaskClient, app: Flask, url: str
) -> None:
    first = client.get(url)
    assert first.status_code == 200, first.json
    hits = _response_cache(app).hits
    again = client.get(url)
    assert again.status_code == 200, again.json
    assert _response_cache(app).hits == hits + 1
    assert again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers.get("Link") == first.headers.get("Link")
    assert again.content_type == first.content_type == "application/json"


def test_a_cached_measure_is_answered_without_rendering_it(
    client: FlaskClient, request: pytest.FixtureRequest
) -> None:
    first = client.get(PAGE)
    assert first.status_code == 200, first.json
    request.getfixturevalue("no_rendering")
    again = client.get(PAGE)
    assert again.status_code == 200, again.json
    assert again.data == first.data


def test_a_conditional_get_with_the_cached_etag_is_a_304_from_the_cache(
    client: FlaskClient, request: pytest.FixtureRequest
) -> None:
    etag = client.get(ITEM).headers["ETag"]
    request.getfixturevalue("no_rendering")
    r = client.get(ITEM, headers={"If-None-Match": etag})
    assert r.status_code == 304, r.data
    assert r.data == b"" and r.headers["ETag"] == etag
    stale = client.get(ITEM, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.headers["ETag"] == etag


def test_a_committed_orm_edit_invalidates_every_cached_read(client: FlaskClient) -> None:
    page, item = client.get(PAGE), client.get(ITEM)
    measure = db.session.get(Measure, "kr-k2-tanks-poland")
    assert measure is not None
    measure.title = "K2 tanks for Poland (edited)"
    db.session.commit()
    r = client.get(ITEM, headers={"If-None-Match": item.headers["ETag"]})
    assert r.status_code == 200, r.data
    assert r.json["title"] == "K2 tanks for Poland (edited)"
    assert r.headers["ETag"] != item.headers["ETag"]
    after = client.get(PAGE)
    assert after.status_code == 200, after.json
    titles = [m["title"] for m in after.json["items"]]
    before = [m["title"] for m in page.json["items"]]
    assert titles != before and "K2 tanks for Poland (edited)" in titles


def test_a_reseed_that_changes_a_record_invalidates_the_cache(
    client: FlaskClient, session: Session, tmp_path: Path
) -> None:
    before = client.get(ITEM)
    assert before.json["title"] == "K-2 tank deal between South Korea and Poland", before.json
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    measures_file = seeds / "measures.yaml"
    text = measures_file.read_text(encoding="utf-8")
    edited = text.replace("title: K-2 tank deal between", "title: The K-2 tank deal between")
    assert edited != text
    measures_file.write_text(edited, encoding="utf-8")
    load(session, seeds)  # commits once, as `python -m service seed` does
    after = client.get(ITEM, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200, after.data
    assert after.json["title"] == "The K-2 tank deal between South Korea and Poland"


def test_a_write_to_any_collection_invalidates_every_cached_read(
    client: FlaskClient, app: Flask, session: Session
) -> None:
    """One version for the whole register: simple, and a record's page may show others."""
    first = client.get(ITEM)
    actor = session.scalars(select(Actor).order_by(Actor.id).limit(1)).one()
    actor.name += " (renamed)"
    session.commit()
    misses = _response_cache(app).misses
    again = client.get(ITEM, headers={"If-None-Match": first.headers["ETag"]})
    assert _response_cache(app).misses == misses + 1
    # The measure did not change, so neither did its bytes: re-rendered, same ETag, a 304.
    assert again.status_code == 304


def test_an_uncommitted_write_does_not_move_the_version(session: Session) -> None:
    before = cache.data_version(session)
    measure = session.get(Measure, "kr-k2-tanks-poland")
    assert measure is not None
    measure.title += "!"
    session.flush()
    assert cache.data_version(session) == before
    session.commit()
    after = cache.data_version(session)
    assert after is not None and after != before


def test_exports_share_the_version_as_their_fingerprint(session: Session) -> None:
    assert stream.fingerprint(session) == [stream.EXPORT_VERSION, cache.data_version(session)]


def test_the_format_is_part_of_the_key(client: FlaskClient) -> None:
    json_page = client.get("/v1/actors?limit=3")
    csv_page = client.get("/v1/actors?limit=3", headers={"Accept": "text/csv"})
    assert json_page.content_type == "application/json"
    assert csv_page.status_code == 303, csv_page.data  # to the download, not the cached page
    assert csv_page.headers["Location"] == "/v1/actors.csv"
    again = client.get("/v1/actors?limit=3", headers={"Accept": "application/json"})
    assert again.data == json_page.data


def test_errors_are_not_cached(client: FlaskClient, app: Flask) -> None:
    for _ in range(2):
        r = client.get("/v1/measures/no-such-measure")
        assert r.status_code == 404, r.json
    assert _response_cache(app).size == 0


@pytest.fixture
def uncached_app(seeded_url: str, seeded_engine: Engine) -> Iterator[Flask]:
    yield create_app(Config(database_url=seeded_url, response_cache_bytes=0), engine=seeded_engine)


@pytest.fixture
def uncached_client(
    uncached_app: Flask, connection: Connection, seeded_engine: Engine
) -> Iterator[FlaskClient]:
    db.bind(connection)
    yield uncached_app.test_client()
    db.bind(seeded_engine)


def test_with_the_cache_disabled_reads_and_304s_still_work(uncached_client: FlaskClient) -> None:
    assert uncached_client.application.extensions["response_cache"] is None
    first = uncached_client.get(PAGE)
    assert first.status_code == 200, first.json
    assert uncached_client.get(PAGE).data == first.data
    r = uncached_client.get(PAGE, headers={"If-None-Match": first.headers["ETag"]})
    assert r.status_code == 304


def test_the_cache_evicts_least_recently_used_entries_beyond_its_bytes() -> None:
    def entry(size: int) -> cache.Entry:
        return cache.Entry(b"x" * size, "application/json", "etag", ())

    small = cache.ResponseCache(max_bytes=4000)
    small.put(("a",), entry(1000))
    small.put(("b",), entry(1000))
    assert small.get(("a",)) is not None  # a is now the most recently used
    small.put(("c",), entry(1000))
    assert small.get(("b",)) is None
    assert small.get(("a",)) is not None and small.get(("c",)) is not None
    assert small.size <= 4000
    small.put(("huge",), entry(10_000))
    assert small.get(("huge",)) is None and small.get(("a",)) is not None


def test_what_a_key_reads_is_never_cached_for_others(
    client: FlaskClient, app: Flask, auth_headers: Any
) -> None:
    admin = auth_headers("admin")
    listed = client.get("/v1/keys", headers=admin)
    assert listed.status_code == 200, listed.json
    assert _response_cache(app).size == 0
    anonymous = client.get("/v1/keys")
    assert anonymous.status_code == 401, anonymous.json
