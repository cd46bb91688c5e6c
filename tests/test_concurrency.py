"""No lost updates, no lost creates: concurrent writers, each on its own connection.

These tests commit for real, so each gets a database of its own.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from service import create_app
from service.config import Config
from service.extensions import db, make_engine
from service.quotes import Folded
from service.services import keys
from tests.conftest import GENEROUS_LIMITS

WRITERS = 8
ACTOR = "/v1/actors/yoon-suk-yeol"


@pytest.fixture
def live_app(seeded_copy: str, seeded_engine: Engine) -> Iterator[Flask]:
    url = seeded_copy
    engine = make_engine(url)
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


# Clients racing per round, and rounds: SQLite lets one writer in at a time anyway.
RACERS = {"postgresql": 24, "sqlite": 8}
ROUNDS = {"postgresql": 20, "sqlite": 5}
ARTICLE = "kr-phased-measures-article"
QUOTE = "South Korea's National Intelligence Service reported Friday"
Racer = Callable[[FlaskClient, int], TestResponse]


def race(app: Flask, count: int, racer: Racer) -> list[TestResponse]:
    """``racer(client, i)`` for ``i`` in ``range(count)``, each on its thread, all at once."""
    ready = threading.Barrier(count)
    responses: dict[int, TestResponse] = {}

    def run(index: int) -> None:
        client = app.test_client()
        ready.wait()
        responses[index] = racer(client, index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert len(responses) == count
    return [responses[i] for i in range(count)]


def measure(key: str, title: str, quote: str = QUOTE) -> dict[str, Any]:
    return {
        "id": key,
        "type": "sanction",
        "status": "threatened",
        "title": title,
        "countries": [{"country": "KR", "role": "imposer"}],
        "citations": [{"source": ARTICLE, "quote": quote}],
    }


def posting(bodies: list[dict[str, Any]], headers: dict[str, str]) -> Racer:
    """A racer that POSTs the ``i``-th body."""
    return lambda client, i: client.post("/v1/measures", json=bodies[i], headers=headers)


def test_concurrent_creates_of_one_id_give_one_201_the_rest_409_and_keep_the_winner(
    live_app: Flask, backend: str
) -> None:
    racers, key = RACERS[backend], live_app.config["TEST_KEY"]
    for round_ in range(ROUNDS[backend]):
        new = f"race-{round_}"
        bodies = [measure(new, f"Title of racer {i}") for i in range(racers)]
        responses = race(live_app, racers, posting(bodies, key))
        statuses = Counter(r.status_code for r in responses)
        assert statuses == {201: 1, 409: racers - 1}, (round_, statuses)
        winner = next(r for r in responses if r.status_code == 201)
        for loser in (r for r in responses if r.status_code == 409):
            assert loser.mimetype == "application/problem+json"
            assert loser.json["errors"][0]["name"] == "id", loser.json
        stored = live_app.test_client().get(f"/v1/measures/{new}")
        assert stored.json == winner.json  # no other racer's body overwrote the winner's
        assert stored.headers["ETag"] == winner.headers["ETag"]


def test_concurrent_creates_citing_one_passage_never_cited_before_all_succeed(
    live_app: Flask, backend: str
) -> None:
    racers, key, client = RACERS[backend], live_app.config["TEST_KEY"], live_app.test_client()
    text = client.get(f"/v1/sources/{ARTICLE}").json["text"]
    located = Folded(text)
    for round_ in range(ROUNDS[backend]):
        # A passage no seed cites: every racer would add its citation (racers on
        # PostgreSQL meet at its key; the losers run again and cite the winner's row).
        start = 211 + 53 * round_
        passage = text[start : start + 24].strip()
        assert len(located.spans(passage)) == 1, passage
        bodies = [measure(f"cite-{round_}-{i}", "Cites", passage) for i in range(racers)]
        responses = race(live_app, racers, posting(bodies, key))
        assert Counter(r.status_code for r in responses) == {201: racers}, [
            r.json for r in responses if r.status_code != 201
        ]
        cited = {r.json["citations"][0]["start"] for r in responses}
        assert len(cited) == 1


def test_concurrent_posts_with_one_idempotency_key_make_one_record_and_replay_it(
    live_app: Flask, backend: str
) -> None:
    racers = RACERS[backend]
    for round_ in range(ROUNDS[backend]):
        new = f"idempotent-{round_}"
        headers = {**live_app.config["TEST_KEY"], "Idempotency-Key": f"key-{round_}"}
        responses = race(live_app, racers, posting([measure(new, "Sent again")] * racers, headers))
        assert Counter(r.status_code for r in responses) == {201: racers}, round_
        first = [r for r in responses if "Idempotent-Replayed" not in r.headers]
        assert len(first) == 1, round_
        assert all(r.json == first[0].json for r in responses)
        revisions = live_app.test_client().get(f"/v1/measures/{new}/revisions").json["items"]
        assert [v["op"] for v in revisions] == ["create"]


def linking(ids: list[str], etags: dict[str, str], key: dict[str, str]) -> Racer:
    """A racer that makes measure ``ids[i]`` a stage of its pair's other measure."""

    def link(client: FlaskClient, i: int) -> TestResponse:
        me, other = ids[i], ids[i ^ 1]  # racers 2k and 2k+1 link a to b and b to a
        headers = {**key, "If-Match": etags[me]}
        return client.patch(f"/v1/measures/{me}", json={"parent": other}, headers=headers)

    return link


def test_concurrent_links_of_two_measures_to_each_other_give_one_200_one_422_no_cycle(
    live_app: Flask, backend: str
) -> None:
    pairs, key, client = RACERS[backend] // 4, live_app.config["TEST_KEY"], live_app.test_client()
    for round_ in range(5):
        ids = [f"link-{round_}-{pair}-{side}" for pair in range(pairs) for side in "ab"]
        etags = {}
        for new in ids:
            r = client.post("/v1/measures", json=measure(new, new), headers=key)
            assert r.status_code == 201, r.json
            etags[new] = r.headers["ETag"]
        responses = race(live_app, 2 * pairs, linking(ids, etags, key))
        for a, b in zip(ids[::2], ids[1::2], strict=True):
            answers = {k: responses[ids.index(k)] for k in (a, b)}
            assert sorted(r.status_code for r in answers.values()) == [200, 422], [
                r.json for r in answers.values()
            ]
            refused = next(r for r in answers.values() if r.status_code == 422)
            assert refused.json["errors"][0]["name"] == "parent", refused.json
            parents = [client.get(f"/v1/measures/{k}").json["parent"] for k in (a, b)]
            assert parents.count(None) == 1, parents
