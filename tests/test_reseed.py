"""Reloading the seeds keeps what editors did through the API, unless told to overwrite it."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.models import Change
from service.seeding import load
from tests.conftest import SEEDS
from tests.test_writes import etag_of

MEASURE = "/v1/measures/kr-k2-tanks-poland"
ACTOR = "/v1/actors/yoon-suk-yeol"
STATEMENT = "/v1/statements/kp-un-representative-legitimate-cooperation"


def _api_work(client: FlaskClient, key: dict[str, str]) -> None:
    """An edit of a measure and of an actor, and a delete of a statement, by one key."""
    for path, body in ((MEASURE, {"title": "Edited by an editor"}), (ACTOR, {"role": "Edited"})):
        r = client.patch(path, json=body, headers={**key, "If-Match": etag_of(client, path)})
        assert r.status_code == 200, r.json
    r = client.delete(STATEMENT, headers={**key, "If-Match": etag_of(client, STATEMENT)})
    assert r.status_code == 204, r.data


def _feed_length(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Change)) or 0


def test_reseeding_keeps_api_edits_and_deletes_and_reports_them(
    client: FlaskClient, session: Session, auth_headers
) -> None:
    _api_work(client, auth_headers("write"))
    before = _feed_length(session)

    report = load(session, SEEDS)

    assert report.changed == 0, str(report)
    assert set(report.skipped) == {
        ("measures", "kr-k2-tanks-poland"),
        ("actors", "yoon-suk-yeol"),
        ("statements", "kp-un-representative-legitimate-cooperation"),
    }
    assert "deleted through the API" in report.skipped["statements", STATEMENT.rsplit("/")[-1]]
    assert "seed --force" in str(report) and "measures/kr-k2-tanks-poland" in str(report)
    assert _feed_length(session) == before
    assert client.get(MEASURE).json["title"] == "Edited by an editor"
    assert client.get(ACTOR).json["role"] == "Edited"
    assert client.get(STATEMENT).status_code == 404


def test_reseeding_with_force_puts_the_seeds_back(
    client: FlaskClient, session: Session, auth_headers
) -> None:
    seeded_title = client.get(MEASURE).json["title"]
    seeded_role = client.get(ACTOR).json["role"]
    _api_work(client, auth_headers("write"))

    report = load(session, SEEDS, force=True)

    assert report.skipped == {}
    assert report.counts["measures"]["updated"] == 1, str(report)
    assert report.counts["statements"]["created"] == 1, str(report)
    assert client.get(MEASURE).json["title"] == seeded_title
    assert client.get(ACTOR).json["role"] == seeded_role
    assert client.get(STATEMENT).status_code == 200
    # The seeds' version is now the latest revision: a plain reload leaves it alone.
    assert load(session, SEEDS).changed == 0


def test_records_the_seed_loader_wrote_last_are_still_reloaded(session: Session) -> None:
    report = load(session, SEEDS)
    assert report.skipped == {}
    assert sum(c["unchanged"] for c in report.counts.values()) > 100, str(report)
