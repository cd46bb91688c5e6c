"""Writes over HTTP: create, update, delete, with citations checked against the sources."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import quotes
from service.models import Actor, Change, Citation, IdempotentRequest, Measure, Source, Statement

SPY_AGENCY = "South Korea's National Intelligence Service reported Friday"  # straight quote
ARTICLE = "kr-phased-measures-article"


@pytest.fixture
def key(auth_headers: Callable[..., dict[str, str]]) -> dict[str, str]:
    """Headers of a client allowed to write."""
    return auth_headers("write")


def new_actor(**fields: Any) -> dict[str, Any]:
    actor = {
        "id": "test-analyst",
        "kind": "expert",
        "name": "A. Analyst",
        "country": "KR",
        "role": "Analyst",
        "aliases": [],
        "citations": [{"source": ARTICLE, "quote": SPY_AGENCY}],
    }
    return {**actor, **fields}


def new_measure(**fields: Any) -> dict[str, Any]:
    measure = {
        "id": "test-kr-sanctions",
        "type": "sanction",
        "status": "threatened",
        "title": "South Korea threatens sanctions",
        "countries": [{"country": "KR", "role": "imposer"}, {"country": "KP", "role": "target"}],
        "announced_by": "yoon-suk-yeol",
        "announced_on": "2024-10-22",
        "announced_on_precision": "day",
        "triggers": [{"trigger": "kp-troops-to-russia", "relation": "responds_to"}],
        "citations": [{"source": ARTICLE, "quote": SPY_AGENCY}],
    }
    return {**measure, **fields}


def footprint(session: Session) -> tuple[int, ...]:
    """Row counts that any write, even a partial one, would move."""
    models = (Measure, Actor, Statement, Source, Citation, Change, IdempotentRequest)
    return tuple(session.scalar(select(func.count()).select_from(m)) or 0 for m in models)


def etag_of(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.json
    return str(response.headers["ETag"])


def test_create_actor_answers_201_with_location_etag_and_located_citation(
    client: FlaskClient, key: dict[str, str]
) -> None:
    r = client.post("/v1/actors", json=new_actor(), headers=key)
    assert r.status_code == 201, r.json
    assert r.headers["Location"] == "/v1/actors/test-analyst"
    citation = r.json["citations"][0]
    text = client.get(f"/v1/sources/{ARTICLE}").json["text"]
    # The offsets point into the original text, curly apostrophe and all.
    assert text[citation["start"] : citation["end"]] == citation["quote"]
    assert "\u2019" in citation["quote"]
    read = client.get("/v1/actors/test-analyst")
    assert read.json == r.json
    assert read.headers["ETag"] == r.headers["ETag"]


def test_create_measure_is_served_like_the_seeded_ones(
    client: FlaskClient, key: dict[str, str]
) -> None:
    r = client.post("/v1/measures", json=new_measure(), headers=key)
    assert r.status_code == 201, r.json
    listed = client.get("/v1/measures?trigger=kp-troops-to-russia&limit=200").json["items"]
    assert r.json in listed
    found = client.get("/v1/measures?q=threatens sanctions").json["items"]
    assert [m["id"] for m in found] == ["test-kr-sanctions"]


def test_create_with_a_quote_not_in_the_source_is_a_422_that_says_so(
    client: FlaskClient, session: Session, key: dict[str, str]
) -> None:
    before = footprint(session)
    body = new_actor(citations=[{"source": ARTICLE, "quote": "words nobody wrote"}])
    r = client.post("/v1/actors", json=body, headers=key)
    assert r.status_code == 422, r.json
    assert r.json["errors"][0]["name"] == "citations.0.quote"
    assert "does not occur verbatim" in r.json["errors"][0]["reason"]
    assert footprint(session) == before


def test_create_with_a_taken_id_is_a_409(client: FlaskClient, key: dict[str, str]) -> None:
    r = client.post("/v1/actors", json=new_actor(id="yoon-suk-yeol"), headers=key)
    assert r.status_code == 409, r.json
    assert "already exists" in r.json["detail"]


def test_post_source_stores_text_with_hash_and_same_text_is_a_409_naming_the_stored_source(
    client: FlaskClient, session: Session, key: dict[str, str]
) -> None:
    text = "Seoul said on Monday it would review its options. \u201cWe will act,\u201d it said."
    source = {"id": "test-article", "title": "Seoul reviews options", "language": "en"}
    r = client.post("/v1/sources", json={**source, "text": text}, headers=key)
    assert r.status_code == 201, r.json
    assert r.json["content_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert r.json["text"] == text
    again = client.post(
        "/v1/sources", json={**source, "id": "another-id", "text": text}, headers=key
    )
    assert again.status_code == 409, again.json
    assert "source 'test-article'" in again.json["detail"]
    assert again.json["errors"][0]["name"] == "text"
    assert (
        session.scalar(select(func.count()).select_from(Source).where(Source.id == "another-id"))
        == 0
    )


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        (
            new_measure(countries=[{"country": "XX", "role": "imposer"}]),
            "countries.0.country",
            "ISO",
        ),
        (new_measure(announced_by="nobody"), "announced_by", "no actor"),
        (
            new_measure(triggers=[{"trigger": "nothing", "relation": "responds_to"}]),
            "triggers.0.trigger",
            "no trigger",
        ),
        (
            new_measure(citations=[{"source": "nowhere", "quote": "x"}]),
            "citations.0.source",
            "no source",
        ),
        (new_measure(type="embargo"), "type", "Must be one of"),
        (
            new_measure(expected_by="2024-10-01", expected_by_precision="day"),
            "expected_by",
            "before",
        ),
        (new_measure(parent="test-kr-sanctions"), "parent", "own parent"),
        (new_measure(conditional=True), "condition", "condition"),
    ],
    ids=["country", "actor", "trigger", "source", "vocabulary", "dates", "self-parent", "rule"],
)
def test_create_measure_explains_what_is_wrong_and_writes_nothing(
    client: FlaskClient,
    session: Session,
    key: dict[str, str],
    body: dict[str, Any],
    field: str,
    reason: str,
) -> None:
    before = footprint(session)
    r = client.post("/v1/measures", json=body, headers=key)
    assert r.status_code == 422, r.json
    assert r.headers["Content-Type"] == "application/problem+json"
    assert {"name": field, "in": "body"}.items() <= r.json["errors"][0].items(), r.json
    assert reason in r.json["errors"][0]["reason"], r.json
    assert footprint(session) == before


def test_a_measure_cannot_become_a_stage_of_its_own_stage(
    client: FlaskClient, session: Session, key: dict[str, str]
) -> None:
    stage = client.get("/v1/measures?parent=kr-phased-measures&limit=1").json["items"][0]["id"]
    path = "/v1/measures/kr-phased-measures"
    before = footprint(session)
    r = client.patch(
        path, json={"parent": stage}, headers={**key, "If-Match": etag_of(client, path)}
    )
    assert r.status_code == 422, r.json
    assert r.json["errors"][0]["name"] == "parent"
    assert "stage of itself" in r.json["errors"][0]["reason"]
    assert footprint(session) == before


@pytest.mark.parametrize(
    ("data", "content_type", "status", "name"),
    [
        ('{"id": ', "application/json", 400, "(body)"),
        ("id=x", "application/x-www-form-urlencoded", 415, "Content-Type"),
        ("[1, 2]", "application/json", 422, "(body)"),
        ('{"id": "x", "' + "a" * 1_100_000 + '": 1}', "application/json", 413, None),
    ],
    ids=["malformed-json", "form", "not-an-object", "oversized"],
)
def test_a_bad_body_is_a_problem_and_writes_nothing(
    client: FlaskClient,
    session: Session,
    key: dict[str, str],
    data: str,
    content_type: str,
    status: int,
    name: str | None,
) -> None:
    before = footprint(session)
    r = client.post("/v1/actors", data=data, headers={**key, "Content-Type": content_type})
    assert r.status_code == status, r.json
    assert r.headers["Content-Type"] == "application/problem+json"
    if name is not None:
        assert r.json["errors"][0]["name"] == name, r.json
    assert footprint(session) == before


def test_patch_changes_the_given_fields_and_keeps_the_rest(
    client: FlaskClient, key: dict[str, str]
) -> None:
    path = "/v1/measures/kr-phased-measures"
    old = client.get(path)
    r = client.patch(
        path,
        json={"title": "South Korea's phased measures (retitled)"},
        headers={**key, "If-Match": old.headers["ETag"]},
    )
    assert r.status_code == 200, r.json
    assert r.json["title"] == "South Korea's phased measures (retitled)"
    unchanged = {k: v for k, v in old.json.items() if k not in ("title", "updated_at")}
    assert {k: r.json[k] for k in unchanged} == unchanged  # citations cite the same passages
    assert r.headers["ETag"] != old.headers["ETag"]
    assert client.get(path).headers["ETag"] == r.headers["ETag"]


def test_patch_checks_the_record_it_makes_as_a_whole(
    client: FlaskClient, session: Session, key: dict[str, str]
) -> None:
    path = "/v1/measures/kr-phased-measures"  # conditional, with its condition
    before = footprint(session)
    r = client.patch(
        path, json={"condition": None}, headers={**key, "If-Match": etag_of(client, path)}
    )
    assert r.status_code == 422, r.json
    assert r.json["errors"][0]["name"] == "condition"
    assert footprint(session) == before


def test_patch_cannot_change_the_id(client: FlaskClient, key: dict[str, str]) -> None:
    path = "/v1/actors/yoon-suk-yeol"
    r = client.patch(path, json={"id": "yoon"}, headers={**key, "If-Match": etag_of(client, path)})
    assert r.status_code == 422, r.json
    assert r.json["errors"][0]["name"] == "id"


def test_patch_and_delete_without_if_match_are_428(
    client: FlaskClient, session: Session, key: dict[str, str]
) -> None:
    before = footprint(session)
    r = client.patch("/v1/actors/yoon-suk-yeol", json={"role": "x"}, headers=key)
    assert r.status_code == 428, r.json
    assert r.json["errors"][0]["name"] == "If-Match"
    assert (
        client.delete(
            "/v1/statements/kp-un-representative-legitimate-cooperation", headers=key
        ).status_code
        == 428
    )
    assert footprint(session) == before


def test_patch_and_delete_with_a_stale_etag_are_412(
    client: FlaskClient, session: Session, key: dict[str, str]
) -> None:
    path = "/v1/actors/yoon-suk-yeol"
    stale = etag_of(client, path)
    first = client.patch(path, json={"role": "President"}, headers={**key, "If-Match": stale})
    assert first.status_code == 200, first.json
    before = footprint(session)
    second = client.patch(path, json={"role": "Ex-president"}, headers={**key, "If-Match": stale})
    assert second.status_code == 412, second.json
    assert client.get(path).json["role"] == "President"
    assert footprint(session) == before


def test_delete_with_a_stale_etag_is_a_412(
    client: FlaskClient, session: Session, key: dict[str, str]
) -> None:
    path = "/v1/statements/kp-un-representative-legitimate-cooperation"
    stale = etag_of(client, path)
    changed = client.patch(
        path, json={"said_on": None, "said_on_precision": None}, headers={**key, "If-Match": stale}
    )
    assert changed.status_code == 200, changed.json
    before = footprint(session)
    r = client.delete(path, headers={**key, "If-Match": stale})
    assert r.status_code == 412, r.json
    assert client.get(path).status_code == 200
    assert footprint(session) == before


def test_an_invalid_patch_is_a_422_even_with_a_stale_etag(
    client: FlaskClient, key: dict[str, str]
) -> None:
    # RFC 9110 13.2.1: a request that fails anyway is answered with its own failure.
    path = "/v1/statements/kp-un-representative-legitimate-cooperation"
    r = client.patch(path, json={"actor": "nobody"}, headers={**key, "If-Match": '"old"'})
    assert r.status_code == 422, r.json
    assert r.json["errors"][0] == {
        "name": "actor",
        "in": "body",
        "reason": "no actor with id 'nobody'",
    }


def test_unknown_record_is_a_404_for_patch_and_delete(
    client: FlaskClient, key: dict[str, str]
) -> None:
    headers = {**key, "If-Match": "*"}
    assert client.patch("/v1/actors/nobody", json={}, headers=headers).status_code == 404
    assert client.delete("/v1/actors/nobody", headers=headers).status_code == 404


def test_delete_of_a_record_others_refer_to_is_a_409_naming_them(
    client: FlaskClient, key: dict[str, str]
) -> None:
    path = "/v1/triggers/kp-troops-to-russia"
    r = client.delete(path, headers={**key, "If-Match": etag_of(client, path)})
    assert r.status_code == 409, r.json
    assert "measures/" in r.json["detail"]
    assert client.get(path).status_code == 200


def test_delete_removes_from_reads_keeps_revisions_and_leaves_a_tombstone(
    client: FlaskClient, key: dict[str, str]
) -> None:
    path = "/v1/statements/kp-un-representative-legitimate-cooperation"
    last_seq = client.get("/v1/changes?limit=1000").json
    document = client.get(path).json
    r = client.delete(path, headers={**key, "If-Match": etag_of(client, path)})
    assert r.status_code == 204, r.data
    assert r.data == b""
    assert client.get(path).status_code == 404
    listed = client.get("/v1/statements?limit=200").json["items"]
    assert document["id"] not in [s["id"] for s in listed]
    feed = client.get(f"/v1/changes?since={last_seq['next_cursor']}").json["items"]
    assert [(c["op"], c["id"]) for c in feed] == [("delete", document["id"])]
    revisions = client.get(f"{path}/revisions").json["items"]
    assert [v["op"] for v in revisions] == ["create", "delete"]
    gone = revisions[-1]["changes"]
    assert gone["quote"] == {"before": document["quote"], "after": None}


def test_revisions_record_who_changed_what_before_and_after(
    client: FlaskClient, key: dict[str, str], auth_headers: Callable[..., dict[str, str]]
) -> None:
    path = "/v1/actors/yoon-suk-yeol"
    old = client.get(path).json
    aliases = [*old["aliases"], "Yoon"]
    r = client.patch(
        path, json={"aliases": aliases}, headers={**key, "If-Match": etag_of(client, path)}
    )
    assert r.status_code == 200, r.json
    revisions = client.get(f"{path}/revisions").json["items"]
    assert [v["revision"] for v in revisions] == [1, 2]
    latest = revisions[-1]
    assert latest["op"] == "update"
    assert latest["changes"] == {"aliases": {"before": old["aliases"], "after": aliases}}
    assert latest["changed_at"] > old["updated_at"]
    assert [v["by"] for v in revisions] == ["local", "api"]  # the seed loader, then a key
    # Which key wrote is for admins only: the public, and a writer, see no key ids.
    for headers in ({}, key):
        shown = client.get(f"{path}/revisions", headers=headers).json["items"]
        assert all("key_id" not in v for v in shown), shown
    admin = client.get(f"{path}/revisions", headers=auth_headers("admin")).json["items"]
    assert admin[-1]["key_id"] == key["Authorization"].split("_")[1]  # reg_<key id>_<secret>
    assert admin[0]["key_id"] is None


def test_revisions_page_by_cursor(client: FlaskClient, key: dict[str, str]) -> None:
    path = "/v1/actors/yoon-suk-yeol"
    for role in ("One", "Two", "Three"):
        r = client.patch(
            path, json={"role": role}, headers={**key, "If-Match": etag_of(client, path)}
        )
        assert r.status_code == 200, r.json
    first = client.get(f"{path}/revisions?limit=2").json
    rest = client.get(f"{path}/revisions?limit=2&cursor={first['next_cursor']}").json
    assert [v["revision"] for v in first["items"] + rest["items"]] == [1, 2, 3, 4]
    assert rest["next_cursor"] is None
    assert rest["items"][0]["changes"]["role"]["before"] == "One"


def test_revisions_of_an_unknown_record_are_a_404(client: FlaskClient) -> None:
    r = client.get("/v1/measures/nothing-here/revisions")
    assert r.status_code == 404, r.json


def test_an_idempotent_post_retried_returns_the_first_response_and_creates_once(
    client: FlaskClient, session: Session, key: dict[str, str]
) -> None:
    headers = {**key, "Idempotency-Key": "5d0f3a8e-retry"}
    first = client.post("/v1/actors", json=new_actor(), headers=headers)
    assert first.status_code == 201, first.json
    again = client.post("/v1/actors", json=new_actor(), headers=headers)
    assert again.status_code == 201, again.json
    assert again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert (
        session.scalar(select(func.count()).select_from(Actor).where(Actor.id == "test-analyst"))
        == 1
    )


def test_an_idempotency_key_reused_for_another_request_is_a_422(
    client: FlaskClient, session: Session, key: dict[str, str]
) -> None:
    headers = {**key, "Idempotency-Key": "once"}
    assert client.post("/v1/actors", json=new_actor(), headers=headers).status_code == 201
    before = footprint(session)
    r = client.post("/v1/actors", json=new_actor(id="other-analyst"), headers=headers)
    assert r.status_code == 422, r.json
    assert r.json["errors"][0]["name"] == "Idempotency-Key"
    assert footprint(session) == before


def test_a_failed_idempotent_post_is_not_remembered(
    client: FlaskClient, key: dict[str, str]
) -> None:
    headers = {**key, "Idempotency-Key": "fix-and-retry"}
    bad = new_actor(country="XX")
    assert client.post("/v1/actors", json=bad, headers=headers).status_code == 422
    # Nothing was kept for the key: the corrected request goes through with it.
    fixed = client.post("/v1/actors", json=new_actor(), headers=headers)
    assert fixed.status_code == 201, fixed.json


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE"])
def test_a_write_without_a_key_is_a_401_and_writes_nothing(
    client: FlaskClient, session: Session, method: str
) -> None:
    before = footprint(session)
    path = "/v1/actors" if method == "POST" else "/v1/actors/yoon-suk-yeol"
    headers = {"If-Match": "*"}
    r = client.open(path, method=method, json=new_actor(), headers=headers)
    assert r.status_code == 401, r.json
    assert r.headers["Content-Type"] == "application/problem+json"
    assert footprint(session) == before


def test_a_revoked_key_cannot_write(
    client: FlaskClient, session: Session, auth_headers: Callable[..., dict[str, str]]
) -> None:
    admin, writer = auth_headers("admin"), auth_headers("write")
    key_id = writer["Authorization"].split("_")[1]
    assert client.delete(f"/v1/keys/{key_id}", headers=admin).status_code == 204
    before = footprint(session)
    r = client.post("/v1/actors", json=new_actor(), headers=writer)
    assert r.status_code == 401, r.json
    assert footprint(session) == before


def test_deleting_a_stage_removes_it_from_its_package_and_search(
    client: FlaskClient, key: dict[str, str]
) -> None:
    package = "/v1/measures/kr-phased-measures"
    stages = client.get(package).json["children"]
    deleted = None
    for stage in stages:  # the first stage nothing else refers to
        path = f"/v1/measures/{stage}"
        r = client.delete(path, headers={**key, "If-Match": etag_of(client, path)})
        if r.status_code == 204:
            deleted = stage
            break
        assert r.status_code == 409, r.json
    assert deleted is not None, stages
    assert deleted not in client.get(package).json["children"]
    assert client.get(f"/v1/measures/{deleted}").status_code == 404
    everything = client.get("/v1/measures?limit=200").json["items"]
    assert deleted not in [m["id"] for m in everything]
    revisions = client.get(f"{package}/revisions").json["items"]
    assert revisions[-1]["changes"]["children"]["after"] == [s for s in stages if s != deleted]


def test_a_write_citing_one_source_many_times_folds_its_text_once(
    client: FlaskClient, key: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = client.get(f"/v1/sources/{ARTICLE}").json["text"]
    located = quotes.Folded(text)
    windows = (text[start : start + 30] for start in range(0, len(text) - 30, 37))
    passages = [w for w in windows if w.strip() == w and len(located.spans(w)) == 1][:30]
    assert len(passages) >= 20
    folds: list[str] = []

    def counted(folded: str) -> str:
        folds.append(folded)
        return unfolded(folded)

    unfolded = quotes.fold
    monkeypatch.setattr(quotes, "fold", counted)
    citations = [{"source": ARTICLE, "quote": passage} for passage in passages]
    r = client.post("/v1/measures", json=new_measure(citations=citations), headers=key)
    assert r.status_code == 201, r.json
    assert len(r.json["citations"]) == len(passages)
    # One pass over the article for the request, however many quotes it locates.
    assert folds.count(text) == 1
    assert len(folds) == 1 + len(passages)

    folds.clear()
    headers = {**key, "If-Match": r.headers["ETag"]}
    r = client.patch("/v1/measures/test-kr-sanctions", json={"title": "Renamed"}, headers=headers)
    assert r.status_code == 200, r.json
    assert folds.count(text) == 1  # the PATCH re-reads and re-locates every citation
