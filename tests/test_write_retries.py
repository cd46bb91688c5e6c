"""A write the database aborts to break a race is run again, whole; one that keeps losing
is a 409 or a 503, never a 500."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from service.records import REGISTRY
from service.services import retries
from tests.test_writes import footprint, new_actor


class PostgresError(Exception):
    """Stands for a psycopg error: what the retry reads of it is its SQLSTATE."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


def sqlite_error(code: int, message: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code
    return error


def aborted(cause: Exception) -> DBAPIError:
    kind = IntegrityError if getattr(cause, "sqlstate", "").startswith("23") else OperationalError
    return kind("INSERT INTO actors ...", {}, cause)


@pytest.mark.parametrize(
    ("cause", "retried"),
    [
        (PostgresError("40P01"), True),  # deadlock_detected
        (PostgresError("40001"), True),  # serialization_failure
        (PostgresError("23505"), True),  # unique_violation: a concurrent writer took the key
        (PostgresError("23503"), True),  # foreign_key_violation: one deleted what we name
        (PostgresError("23502"), False),  # not_null_violation: a bug, not a race
        (PostgresError("57014"), False),  # query_canceled (a timeout): not ours to retry
        (sqlite_error(sqlite3.SQLITE_BUSY, "database is locked"), True),
        (sqlite_error(sqlite3.SQLITE_LOCKED, "database table is locked"), True),
        (sqlite_error(sqlite3.SQLITE_IOERR, "disk I/O error"), False),
    ],
)
def test_only_errors_that_break_a_race_are_retried(cause: Exception, retried: bool) -> None:
    assert retries._retryable(aborted(cause)) is retried


def failing_put(
    monkeypatch: pytest.MonkeyPatch, cause: Exception, times: int
) -> list[dict[str, Any]]:
    """Make the actors' ``put`` write, then abort with ``cause`` its first ``times`` calls."""
    calls: list[dict[str, Any]] = []
    actors = REGISTRY["actors"]

    def put(session: Session, data: dict[str, Any]) -> Any:
        calls.append(data)
        assert actors.put is not None
        written = actors.put(session, data)  # flushed: the abort must undo it
        if len(calls) <= times:
            raise aborted(cause)
        return written

    monkeypatch.setitem(REGISTRY.by_collection, "actors", dataclasses.replace(actors, put=put))
    monkeypatch.setattr(retries.time, "sleep", lambda _seconds: None)
    return calls


@pytest.mark.parametrize(
    "cause",
    [PostgresError("40P01"), sqlite_error(sqlite3.SQLITE_BUSY, "database is locked")],
    ids=["deadlock", "busy"],
)
def test_a_write_aborted_by_a_deadlock_runs_again_and_is_stored_once(
    client: FlaskClient,
    key: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    cause: Exception,
) -> None:
    calls = failing_put(monkeypatch, cause, times=1)
    r = client.post("/v1/actors", json=new_actor(), headers=key)
    assert r.status_code == 201, r.json
    assert len(calls) == 2
    assert client.get("/v1/actors/test-analyst").json == r.json
    revisions = client.get("/v1/actors/test-analyst/revisions").json["items"]
    assert [v["op"] for v in revisions] == ["create"]


def test_a_write_that_keeps_losing_races_is_a_503_with_retry_after_and_writes_nothing(
    client: FlaskClient, session: Session, key: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = footprint(session)
    calls = failing_put(monkeypatch, PostgresError("40P01"), times=retries.ATTEMPTS)
    r = client.post("/v1/actors", json=new_actor(), headers=key)
    assert r.status_code == 503, r.json
    assert r.mimetype == "application/problem+json"
    assert r.headers["Retry-After"] == "1"
    assert "Retry" in r.json["detail"]
    assert len(calls) == retries.ATTEMPTS
    assert footprint(session) == before


def test_a_write_that_keeps_meeting_a_taken_key_is_a_409_and_writes_nothing(
    client: FlaskClient, session: Session, key: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = footprint(session)
    failing_put(monkeypatch, PostgresError("23505"), times=retries.ATTEMPTS)
    r = client.post("/v1/actors", json=new_actor(), headers=key)
    assert r.status_code == 409, r.json
    assert footprint(session) == before


def test_a_patch_aborted_by_a_deadlock_runs_again_under_the_same_if_match(
    client: FlaskClient, key: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    etag = client.get("/v1/actors/yoon-suk-yeol").headers["ETag"]
    calls = failing_put(monkeypatch, PostgresError("40P01"), times=1)
    headers: dict[str, str] = {**key, "If-Match": etag}
    r = client.patch("/v1/actors/yoon-suk-yeol", json={"role": "Retried"}, headers=headers)
    assert r.status_code == 200, r.json
    assert r.json["role"] == "Retried"
    assert len(calls) == 2


@pytest.fixture
def key(auth_headers: Callable[..., dict[str, str]]) -> dict[str, str]:
    return auth_headers("write")
