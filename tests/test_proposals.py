"""Review: proposals are listed and decided with a `review` key; only accepted ones publish.

Proposals are made here through ``proposals.propose``, the seam the extractor calls.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from service import create_app
from service.config import Config
from service.errors import InvalidBody
from service.extensions import db, make_engine
from service.models import Change, Proposal, Source
from service.services import keys, proposals
from service.services.changes import cursor_at
from service.services.proposals import Draft
from tests.conftest import GENEROUS_LIMITS
from tests.test_writes import ARTICLE, footprint, new_actor, new_measure

EXTRACTOR = "test-extractor 0.1"
PHRASE = "National Intelligence Service"


def span(session: Session, phrase: str = PHRASE, source: str = ARTICLE) -> dict[str, Any]:
    """``phrase`` where it is in the text of ``source``."""
    found = session.get(Source, source)
    assert found is not None
    start = found.text.index(phrase)
    return {"quote": phrase, "start": start, "end": start + len(phrase)}


def draft(session: Session, kind: str = "measure", **fields: Any) -> Draft:
    record = new_measure() if kind == "measure" else new_actor()
    base: dict[str, Any] = {
        "kind": kind,
        "action": "create",
        "target": None,
        "record": record,
        "citations": [span(session)],
        "confidence": 0.8,
        "reasons": ["cue 'threatens sanctions' → sanction, threatened"],
        "candidates": [{"id": "kr-phased-measures", "score": 0.4}],
    }
    made: Draft = {**base, **fields}  # type: ignore[typeddict-item]
    return made


def propose(session: Session, *drafts: Draft, source: str = ARTICLE) -> list[str]:
    """Store ``drafts`` for ``source`` as the extractor would; their ids."""
    return [p.id for p in proposals.propose(session, source, drafts, EXTRACTOR)]


def key_id(headers: dict[str, str]) -> str:
    return headers["Authorization"].split("_")[1]  # reg_<key id>_<secret>


@pytest.fixture
def reviewer(auth_headers: Callable[..., dict[str, str]]) -> dict[str, str]:
    return auth_headers("review")


def feed(session: Session) -> list[Change]:
    return list(session.scalars(select(Change).order_by(Change.seq)))


# --- Reading ----------------------------------------------------------------------------


def test_proposals_need_a_key_with_the_review_scope(
    client: FlaskClient, session: Session, auth_headers: Callable[..., dict[str, str]]
) -> None:
    (pid,) = propose(session, draft(session))
    for path in ("/v1/proposals", f"/v1/proposals/{pid}"):
        assert client.get(path).status_code == 401
        r = client.get(path, headers=auth_headers("write"))
        assert r.status_code == 403, r.json
        assert "`review`" in r.json["detail"]
        for scopes in (("review",), ("admin",)):  # admin implies review
            r = client.get(path, headers=auth_headers(*scopes))
            assert r.status_code == 200, r.json
    r = client.post(f"/v1/proposals/{pid}/accept", headers=auth_headers("write"))
    assert r.status_code == 403, r.json
    r = client.post(f"/v1/proposals/{pid}/reject", json={"reason": "no"})
    assert r.status_code == 401, r.json


def test_a_proposal_reads_as_the_contract_shapes_it(
    client: FlaskClient, session: Session, reviewer: dict[str, str]
) -> None:
    (pid,) = propose(session, draft(session))
    r = client.get(f"/v1/proposals/{pid}", headers=reviewer)
    assert r.status_code == 200, r.json
    assert "ETag" in r.headers
    body = r.json
    assert body["source"] == ARTICLE
    assert (body["kind"], body["action"], body["target"]) == ("measure", "create", None)
    assert body["record"] == new_measure()
    assert body["citations"] == [span(session)]
    assert body["confidence"] == 0.8
    assert body["candidates"] == [{"id": "kr-phased-measures", "score": 0.4}]
    assert (body["status"], body["extractor"]) == ("pending", EXTRACTOR)
    for field in ("decided_by", "decided_at", "record_id", "reason", "edited"):
        assert body[field] is None, field
    assert client.get("/v1/proposals/nope", headers=reviewer).status_code == 404


def test_list_filters_by_source_status_and_kind_and_pages_by_cursor(
    client: FlaskClient, session: Session, reviewer: dict[str, str]
) -> None:
    ids = propose(session, draft(session), draft(session, "actor"), draft(session))
    other = "kr-considers-weapons-for-ukraine-article"
    (elsewhere,) = propose(session, draft(session, citations=[]), source=other)
    listed = []
    params: dict[str, Any] = {"limit": 1, "source": ARTICLE}
    while True:
        r = client.get("/v1/proposals", query_string=params, headers=reviewer)
        assert r.status_code == 200, r.json
        listed += [p["id"] for p in r.json["items"]]
        if r.json["next_cursor"] is None:
            break
        assert 'rel="next"' in r.headers["Link"]
        params["cursor"] = r.json["next_cursor"]
    assert sorted(listed) == sorted(ids) and len(listed) == 3
    r = client.get("/v1/proposals?kind=actor", headers=reviewer)
    assert [p["id"] for p in r.json["items"]] == [ids[1]]
    r = client.get(f"/v1/proposals?source={other}&status=pending", headers=reviewer)
    assert [p["id"] for p in r.json["items"]] == [elsewhere]
    r = client.get("/v1/proposals?status=accepted", headers=reviewer)
    assert r.json["items"] == []
    assert client.get("/v1/proposals?status=maybe", headers=reviewer).status_code == 422
    assert client.get("/v1/proposals?colour=red", headers=reviewer).status_code == 400


def test_nothing_proposed_is_public_until_accepted(
    client: FlaskClient, session: Session, reviewer: dict[str, str]
) -> None:
    before = footprint(session)
    propose(session, draft(session))
    assert footprint(session) == before  # no record, no citation, no feed row
    assert client.get("/v1/measures/test-kr-sanctions").status_code == 404


# --- Accepting --------------------------------------------------------------------------


def test_accepting_as_is_writes_the_record_crediting_the_reviewer_and_naming_the_proposal(
    client: FlaskClient,
    session: Session,
    reviewer: dict[str, str],
    auth_headers: Callable[..., dict[str, str]],
) -> None:
    (pid,) = propose(session, draft(session))
    r = client.post(f"/v1/proposals/{pid}/accept", headers=reviewer)
    assert r.status_code == 201, r.json
    assert r.headers["Location"] == "/v1/measures/test-kr-sanctions"
    assert r.json["status"] == "accepted"
    assert r.json["record_id"] == "test-kr-sanctions"
    assert r.json["decided_by"] == key_id(reviewer)
    assert r.json["decided_at"] is not None and r.json["edited"] is None
    record = client.get(r.headers["Location"])
    assert record.status_code == 200, record.json
    assert record.json["citations"][0]["source"] == ARTICLE
    last = feed(session)[-1]
    assert (last.collection, last.record_id, last.op) == ("measures", "test-kr-sanctions", "create")
    assert (last.key_id, last.proposal_id) == (key_id(reviewer), pid)
    # The change feed shows it as the write it made.
    since = cursor_at(last.seq - 1)
    (change,) = client.get("/v1/changes", query_string={"since": since}).json["items"]
    assert (change["id"], change["op"]) == ("test-kr-sanctions", "create")
    assert "proposal_id" not in change and "key_id" not in change
    # The revisions name the proposal to reviewers, the key to admins, neither to the public.
    path = "/v1/measures/test-kr-sanctions/revisions"
    public = client.get(path).json["items"][-1]
    assert "proposal_id" not in public and "key_id" not in public and public["by"] == "api"
    shown = client.get(path, headers=reviewer).json["items"][-1]
    assert shown["proposal_id"] == pid and "key_id" not in shown
    admin = client.get(path, headers=auth_headers("admin")).json["items"][-1]
    assert (admin["proposal_id"], admin["key_id"]) == (pid, key_id(reviewer))


def test_accepting_an_edited_record_writes_the_edit_and_keeps_the_proposal_beside_it(
    client: FlaskClient, session: Session, reviewer: dict[str, str]
) -> None:
    (pid,) = propose(session, draft(session))
    edited = new_measure(title="South Korea weighs sanctions", status="under_consideration")
    r = client.post(f"/v1/proposals/{pid}/accept", json={"record": edited}, headers=reviewer)
    assert r.status_code == 201, r.json
    assert r.json["edited"] == edited
    assert r.json["record"] == new_measure()  # as proposed, kept
    record = client.get("/v1/measures/test-kr-sanctions").json
    assert (record["title"], record["status"]) == (edited["title"], edited["status"])


def test_accepting_an_update_patches_its_target_as_patch_does(
    client: FlaskClient, session: Session, reviewer: dict[str, str]
) -> None:
    update = draft(
        session, "actor", action="update", target="yoon-suk-yeol", record={"role": "President"}
    )
    (pid,) = propose(session, update)
    before = client.get("/v1/actors/yoon-suk-yeol").json
    r = client.post(f"/v1/proposals/{pid}/accept", headers=reviewer)
    assert r.status_code == 200, r.json
    assert r.headers["Location"] == "/v1/actors/yoon-suk-yeol"
    assert r.json["record_id"] == "yoon-suk-yeol"
    after = client.get("/v1/actors/yoon-suk-yeol").json
    assert after["role"] == "President"
    assert after["aliases"] == before["aliases"] and after["citations"] == before["citations"]
    last = feed(session)[-1]
    assert (last.op, last.record_id, last.proposal_id) == ("update", "yoon-suk-yeol", pid)


def test_an_invalid_record_is_a_422_naming_the_field_and_leaves_the_proposal_pending(
    client: FlaskClient, session: Session, reviewer: dict[str, str]
) -> None:
    (pid,) = propose(session, draft(session))
    before = footprint(session)
    bad = new_measure(type="embargo-ish")
    r = client.post(f"/v1/proposals/{pid}/accept", json={"record": bad}, headers=reviewer)
    assert r.status_code == 422, r.json
    assert [e["name"] for e in r.json["errors"]] == ["record.type"]
    # A reference the service checks (not the schema) is named the same way.
    unknown = new_measure(announced_by="nobody-at-all")
    r = client.post(f"/v1/proposals/{pid}/accept", json={"record": unknown}, headers=reviewer)
    assert r.status_code == 422, r.json
    assert [e["name"] for e in r.json["errors"]] == ["record.announced_by"]
    assert footprint(session) == before
    assert client.get(f"/v1/proposals/{pid}", headers=reviewer).json["status"] == "pending"
    assert client.get("/v1/measures/test-kr-sanctions").status_code == 404
    r = client.post(
        f"/v1/proposals/{pid}/accept", data="record", content_type="text/plain", headers=reviewer
    )
    assert r.status_code == 415, r.json


def test_an_update_of_a_record_that_is_gone_is_a_409(
    client: FlaskClient, session: Session, reviewer: dict[str, str]
) -> None:
    update = draft(session, "actor", action="update", target="no-such-actor", record={"role": "X"})
    (pid,) = propose(session, update)
    r = client.post(f"/v1/proposals/{pid}/accept", headers=reviewer)
    assert r.status_code == 409, r.json
    assert client.get(f"/v1/proposals/{pid}", headers=reviewer).json["status"] == "pending"


# --- Rejecting, deciding twice, superseding ---------------------------------------------


def test_rejecting_keeps_the_reason_with_the_proposal_and_publishes_nothing(
    client: FlaskClient, session: Session, reviewer: dict[str, str]
) -> None:
    (pid,) = propose(session, draft(session))
    before = footprint(session)
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        r = client.post(f"/v1/proposals/{pid}/reject", json=body, headers=reviewer)
        assert r.status_code == 422, (body, r.json)
        assert r.json["errors"][0]["name"] == "reason"
    r = client.post(
        f"/v1/proposals/{pid}/reject", json={"reason": "It was a threat."}, headers=reviewer
    )
    assert r.status_code == 200, r.json
    assert (r.json["status"], r.json["reason"]) == ("rejected", "It was a threat.")
    assert r.json["decided_by"] == key_id(reviewer) and r.json["record_id"] is None
    assert footprint(session) == before  # no record, no feed row
    assert client.get("/v1/measures/test-kr-sanctions").status_code == 404
    exported = client.get("/v1/measures.ndjson")
    assert exported.status_code == 200
    assert b"test-kr-sanctions" not in exported.get_data()


def test_only_a_pending_proposal_can_be_decided_the_409_says_its_status(
    client: FlaskClient, session: Session, reviewer: dict[str, str]
) -> None:
    accepted, rejected = propose(session, draft(session), draft(session, "actor"))
    assert client.post(f"/v1/proposals/{accepted}/accept", headers=reviewer).status_code == 201
    reject = {"reason": "duplicate"}
    r = client.post(f"/v1/proposals/{rejected}/reject", json=reject, headers=reviewer)
    assert r.status_code == 200, r.json
    for pid, status in ((accepted, "accepted"), (rejected, "rejected")):
        for action, body in (("accept", None), ("reject", reject)):
            r = client.post(f"/v1/proposals/{pid}/{action}", json=body, headers=reviewer)
            assert r.status_code == 409, r.json
            assert f"is {status}, not pending" in r.json["detail"]


def test_proposing_again_for_a_source_supersedes_its_pending_proposals(
    client: FlaskClient, session: Session, reviewer: dict[str, str]
) -> None:
    first, decided = propose(session, draft(session), draft(session, "actor"))
    other = "kr-considers-weapons-for-ukraine-article"
    (elsewhere,) = propose(session, draft(session, citations=[]), source=other)
    assert client.post(f"/v1/proposals/{decided}/accept", headers=reviewer).status_code == 201
    (second,) = propose(session, draft(session))
    listed = client.get("/v1/proposals?limit=200", headers=reviewer).json["items"]
    status = {p["id"]: p["status"] for p in listed}
    assert status == {
        first: "superseded",
        decided: "accepted",
        elsewhere: "pending",
        second: "pending",
    }
    r = client.post(f"/v1/proposals/{first}/accept", headers=reviewer)
    assert r.status_code == 409 and "superseded" in r.json["detail"], r.json


def test_a_draft_whose_quote_is_not_at_its_offsets_is_refused(session: Session) -> None:
    wrong = {**span(session), "start": 0}
    with pytest.raises(ValueError, match="is not at"):
        propose(session, draft(session, citations=[wrong]))
    with pytest.raises(ValueError, match="target"):
        propose(session, draft(session, action="update"))
    assert session.scalar(select(func.count()).select_from(Proposal)) == 0


# --- Two reviewers at once --------------------------------------------------------------

REVIEWERS = 6


@pytest.fixture
def live_app(seeded_copy: str, seeded_engine: Engine) -> Iterator[Flask]:
    """An app on a database of its own, committing for real, with a review key."""
    engine = make_engine(seeded_copy)
    with Session(engine) as session:
        token = keys.create(session, "reviewer", ["review"]).token
        (pid,) = propose(session, draft(session))
    app = create_app(Config(database_url=seeded_copy, **GENEROUS_LIMITS), engine=engine)
    app.config["TEST_KEY"] = {"Authorization": f"Bearer {token}"}
    app.config["PROPOSAL"] = pid
    yield app
    db.bind(seeded_engine)  # the shared test app's binding, for the tests that follow
    engine.dispose()


def test_reviewers_accepting_at_once_one_wins_the_others_get_409(live_app: Flask) -> None:
    pid, key = live_app.config["PROPOSAL"], live_app.config["TEST_KEY"]
    ready = threading.Barrier(REVIEWERS)
    statuses: list[int] = []
    details: set[str] = set()

    def reviewer() -> None:
        client = live_app.test_client()
        ready.wait()
        r = client.post(f"/v1/proposals/{pid}/accept", headers=key)
        statuses.append(r.status_code)
        if r.status_code == 409:
            details.add(r.json["detail"])

    threads = [threading.Thread(target=reviewer) for _ in range(REVIEWERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Counter(statuses) == {201: 1, 409: REVIEWERS - 1}, statuses
    # Each loser waited on the proposal's lock and then saw the decision, not a collision.
    assert details == {
        f"The proposal '{pid}' is accepted, not pending: only a pending proposal"
        " can be accepted or rejected."
    }, details
    client = live_app.test_client()
    revisions = client.get("/v1/measures/test-kr-sanctions/revisions").json["items"]
    assert [v["op"] for v in revisions] == ["create"]


def test_a_failed_accept_leaves_the_session_seeing_the_proposal_pending(session: Session) -> None:
    (pid,) = propose(session, draft(session))
    with pytest.raises(InvalidBody):
        proposals.accept(session, pid, new_measure(type="x"), None)
    proposal = proposals.get(session, pid)
    assert (proposal.status, proposal.decided_at, proposal.record_id) == ("pending", None, None)
