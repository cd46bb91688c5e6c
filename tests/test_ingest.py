"""Ingestion: a new article goes in, the register proposes what it supports, a reviewer decides."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.models import Change, Proposal
from tests.servers import service
from tests.test_writes import footprint

ARTICLE = (
    "Japan imposes sanctions on North Korea over troops in Russia\n\n"
    "TOKYO, Dec 27 (Reuters) - Japan imposed sanctions on North Korea and Russia on Friday"
    " over their deepening military cooperation, the government said. Japan's top government"
    " spokesman condemned the deployment of North Korean troops to Russia. About 10,000 North"
    " Korean soldiers have been sent to Russia, the spokesman said.\n"
)
SOURCE = {
    "id": "jp-sanctions-test",
    "title": "Japan imposes sanctions on North Korea over troops in Russia",
    "publisher": "Reuters",
    "published_on": "2024-12-27",
    "published_on_precision": "day",
    "language": "en",
}


@pytest.fixture
def keys(auth_headers: Callable[..., dict[str, str]]) -> tuple[dict[str, str], dict[str, str]]:
    """A writer's key and a reviewer's."""
    return auth_headers("write"), auth_headers("review")


def test_a_new_article_is_stored_and_its_proposals_wait_for_review(
    client: FlaskClient, session: Session, keys: tuple[dict[str, str], dict[str, str]]
) -> None:
    writer, reviewer = keys
    feed_before = session.scalar(select(func.max(Change.seq))) or 0
    r = client.post("/v1/sources", json={**SOURCE, "text": ARTICLE}, headers=writer)
    assert r.status_code == 201, r.json
    assert r.json["text"] == ARTICLE  # byte for byte

    listed = client.get(f"/v1/proposals?source={SOURCE['id']}", headers=reviewer)
    assert listed.status_code == 200, listed.json
    found = listed.json["items"]
    measures = [p for p in found if p["kind"] == "measure"]
    assert measures, found
    sanction = measures[0]
    assert sanction["record"]["type"] == "sanction"
    assert sanction["record"]["status"] == "in_force"
    assert {"country": "JP", "role": "imposer"} in sanction["record"]["countries"]
    assert sanction["status"] == "pending" and sanction["extractor"].startswith("register-")
    assert any(reason.startswith("cue 'sanctions'") for reason in sanction["reasons"])
    for proposal in found:
        for citation in proposal["citations"]:
            assert ARTICLE[citation["start"] : citation["end"]] == citation["quote"]
    figures = [p["record"].get("figure") for p in found if p["kind"] == "statement"]
    assert {"value": 10000, "unit": "troops", "qualifier": "about"} in figures

    # Nothing proposed is public: the feed holds the source's creation alone.
    feed = session.scalars(select(Change).where(Change.seq > feed_before)).all()
    assert [(c.collection, c.op) for c in feed] == [("sources", "create")]
    public = client.get("/v1/measures", query_string={"q": "Japan sanctions"})
    assert all(m["citations"][0]["source"] != SOURCE["id"] for m in public.json["items"])


def test_the_same_text_again_is_a_409_naming_the_stored_source(
    client: FlaskClient, session: Session, keys: tuple[dict[str, str], dict[str, str]]
) -> None:
    writer, _ = keys
    assert (
        client.post("/v1/sources", json={**SOURCE, "text": ARTICLE}, headers=writer).status_code
        == 201
    )
    before = footprint(session), session.scalar(select(func.count()).select_from(Proposal))
    again = client.post(
        "/v1/sources", json={**SOURCE, "id": "another-id", "text": ARTICLE}, headers=writer
    )
    assert again.status_code == 409, again.json
    assert again.content_type == "application/problem+json"
    assert "'jp-sanctions-test'" in again.json["detail"]
    assert (footprint(session), session.scalar(select(func.count()).select_from(Proposal))) == (
        before
    )


def test_accept_edit_reject_and_re_extract_end_to_end(
    client: FlaskClient, session: Session, keys: tuple[dict[str, str], dict[str, str]]
) -> None:
    writer, reviewer = keys
    assert (
        client.post("/v1/sources", json={**SOURCE, "text": ARTICLE}, headers=writer).status_code
        == 201
    )
    found = client.get(f"/v1/proposals?source={SOURCE['id']}", headers=reviewer).json["items"]
    sanction = next(p for p in found if p["kind"] == "measure")
    others = [p for p in found if p["id"] != sanction["id"]]
    assert others, found

    # Accept the measure as proposed: it is written through POST /v1/measures's checks.
    accepted = client.post(f"/v1/proposals/{sanction['id']}/accept", headers=reviewer)
    assert accepted.status_code == 201, accepted.json
    measure_id = sanction["record"]["id"]
    assert accepted.headers["Location"] == f"/v1/measures/{measure_id}"
    stored = client.get(f"/v1/measures/{measure_id}")
    assert stored.status_code == 200, stored.json
    assert stored.json["citations"][0]["source"] == SOURCE["id"]
    change = session.scalars(select(Change).where(Change.record_id == measure_id)).one()
    assert change.proposal_id == sanction["id"] and change.key_id is not None

    # Reject another: it stays with its proposal, unpublished.
    rejected = client.post(
        f"/v1/proposals/{others[0]['id']}/reject",
        json={"reason": "Not what the article says."},
        headers=reviewer,
    )
    assert rejected.status_code == 200, rejected.json
    assert rejected.json["status"] == "rejected"

    # Re-extract: the pending ones are superseded, the decided ones stay as they were.
    again = client.post(f"/v1/sources/{SOURCE['id']}/extract", headers=reviewer)
    assert again.status_code == 200, again.json
    statuses = {
        p.id: p.status
        for p in session.scalars(select(Proposal).where(Proposal.source_id == SOURCE["id"]))
    }
    assert statuses[sanction["id"]] == "accepted"
    assert statuses[others[0]["id"]] == "rejected"
    assert all(statuses[p["id"]] == "superseded" for p in others[1:])
    assert {p["status"] for p in again.json["proposals"]} == {"pending"}

    # The accepted measure is in the register now: read again, it is matched to it, and
    # with every passage cited and the same status nothing is left to propose of it.
    assert [p for p in again.json["proposals"] if p["kind"] == "measure"] == []
    assert all(p["target"] != measure_id for p in again.json["proposals"])


def test_re_extracting_needs_a_review_key_and_a_known_source(
    client: FlaskClient, keys: tuple[dict[str, str], dict[str, str]]
) -> None:
    writer, reviewer = keys
    assert client.post(f"/v1/sources/{SOURCE['id']}/extract").status_code == 401
    assert client.post(f"/v1/sources/{SOURCE['id']}/extract", headers=writer).status_code == 403
    missing = client.post("/v1/sources/no-such-source/extract", headers=reviewer)
    assert missing.status_code == 404, missing.json


def test_the_ingest_command_stores_files_and_prints_what_it_proposed(
    migrated_url: str, tmp_path: Path
) -> None:
    seeded = service(migrated_url, "seed")
    assert seeded.returncode == 0, seeded.stderr
    article = tmp_path / "japan-sanctions.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Sanktionen gegen Nordkorea: Japan verhängt Maßnahmen".encode("latin-1"))
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    done = service(
        migrated_url, "ingest", str(article), str(latin), str(empty),
        "--published-on", "2024-12-27", "--publisher", "Reuters",
    )  # fmt: skip
    assert done.returncode == 1, done.stderr  # two of the three files are refused
    assert "japan-sanctions.txt: source japan-sanctions-" in done.stdout
    assert "measure" in done.stdout
    assert "latin1.txt: not ingested: not UTF-8 text" in done.stderr
    assert "empty.txt: not ingested: the file is empty" in done.stderr
    again = service(migrated_url, "ingest", str(article))
    assert again.returncode == 1
    assert "already stored as source 'japan-sanctions-" in again.stderr


@pytest.mark.parametrize(
    ("fields", "stored"),
    [
        (
            {"published_on": "2024-12-01", "published_on_precision": "month"},
            ("2024-12-01", "month"),
        ),
        ({"published_on": "2024-12-27"}, ("2024-12-27", "day")),  # a day unless told otherwise
        ({}, (None, None)),
    ],
)
def test_a_source_keeps_how_precisely_its_publication_date_is_known(
    client: FlaskClient,
    keys: tuple[dict[str, str], dict[str, str]],
    fields: dict[str, str],
    stored: tuple[str | None, str | None],
) -> None:
    writer, _ = keys
    body = {"id": "dated-source", "text": "Seoul said so.", "language": "en", **fields}
    r = client.post("/v1/sources", json=body, headers=writer)
    assert r.status_code == 201, r.json
    assert (r.json["published_on"], r.json["published_on_precision"]) == stored


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"published_on": "2024-12-27", "published_on_precision": "month"}, "published_on"),
        ({"published_on_precision": "year"}, "published_on_precision"),
        (
            {"published_on": "2024-12-01", "published_on_precision": "week"},
            "published_on_precision",
        ),
    ],
)
def test_a_publication_date_that_breaks_its_precision_is_a_422_naming_the_field(
    client: FlaskClient,
    session: Session,
    keys: tuple[dict[str, str], dict[str, str]],
    fields: dict[str, str],
    field: str,
) -> None:
    writer, _ = keys
    before = footprint(session)
    body = {"id": "dated-source", "text": "Seoul said so.", "language": "en", **fields}
    r = client.post("/v1/sources", json=body, headers=writer)
    assert r.status_code == 422, r.json
    assert r.json["errors"][0]["name"] == field
    assert footprint(session) == before
