"""No lost updates: concurrent writers to one record, each on its own connection.

These tests commit for real, so each gets a database of its own.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from service import create_app
from service.cli import migrate
from service.config import Config
from service.extensions import db, make_engine
from service.seeding import load
from service.services import keys
from tests.conftest import GENEROUS_LIMITS, SEEDS, database_url

WRITERS = 8
ACTOR = "/v1/actors/yoon-suk-yeol"


@pytest.fixture
def live_app(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, seeded_engine: Engine
) -> Iterator[Flask]:
    url = database_url(backend, request, tmp_path)
    migrate(url)
    engine = make_engine(url)
    with Session(engine) as session:
        load(session, SEEDS)
    with Session(engine) as session:
        token = keys.create(session, "racer", ["write"]).token
    app = create_app(Config(database_url=url, **GENEROUS_LIMITS), engine=engine)
    app.config["TEST_KEY"] = {"Authorization": f"Bearer {token}"}
    yield app
    db.bind(seeded_engine)  # the shared test app's binding, for the tests that follow
    engine.dispose()


def run_writers(target: object, count: int = WRITERS) -> None:
    threads = [threading.Thread(target=target) for _ in range(count)]  # type: ignore[arg-type]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)


def test_writers_holding_the_same_etag_one_wins_the_rest_get_412(live_app: Flask) -> None:
    etag = live_app.test_client().get(ACTOR).headers["ETag"]
    ready = threading.Barrier(WRITERS)
    statuses: list[int] = []

    def writer() -> None:
        client = live_app.test_client()
        name = threading.current_thread().name
        ready.wait()
        key = live_app.config["TEST_KEY"]
        r = client.patch(ACTOR, json={"role": name}, headers={**key, "If-Match": etag})
        statuses.append(r.status_code)

    run_writers(writer)
    assert Counter(statuses) == {200: 1, 412: WRITERS - 1}, statuses
    revisions = live_app.test_client().get(f"{ACTOR}/revisions").json["items"]
    assert [v["op"] for v in revisions] == ["create", "update"]


def test_every_accepted_write_is_kept_and_every_rejected_one_got_412(live_app: Flask) -> None:
    outcomes: list[int] = []
    added: list[str] = []

    def writer() -> None:
        client = live_app.test_client()
        alias = f"alias of {threading.current_thread().name}"
        for _ in range(100):  # read, change, write; on 412 read again
            current = client.get(ACTOR)
            aliases = [*current.json["aliases"], alias]
            r = client.patch(
                ACTOR,
                json={"aliases": aliases},
                headers={**live_app.config["TEST_KEY"], "If-Match": current.headers["ETag"]},
            )
            outcomes.append(r.status_code)
            if r.status_code == 200:
                added.append(alias)
                return

    run_writers(writer)
    assert set(outcomes) <= {200, 412}, Counter(outcomes)
    assert len(added) == WRITERS
    final = live_app.test_client().get(ACTOR).json["aliases"]
    assert set(added) <= set(final)  # no accepted write was lost
    revisions = live_app.test_client().get(f"{ACTOR}/revisions?limit=200").json["items"]
    assert len(revisions) == 1 + outcomes.count(200)
