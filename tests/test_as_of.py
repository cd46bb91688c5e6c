"""Measures as of a date: the status each certainly had then, from its dated history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import Measure, MeasureStatusChange
from service.schemas.measures import MeasureCreateSchema
from service.services import as_of, measures
from tests.helpers import every as _all

# under_consideration 2024-06-23 (its year inferred), then threatened 2024-10-22
WEAPONS = "kr-weapons-to-ukraine"
UNDATED = "kr-phased-measures"  # announced, undated


def _ids(client: FlaskClient, url: str) -> list[str]:
    return [m["id"] for m in _all(client, url)]


def _put_with_history(session: Session, measure_id: str, history: list[dict[str, Any]]) -> None:
    """A copy of the weapons measure with ``history`` ({status, changed_on, precision})."""
    model = session.get(Measure, WEAPONS)
    assert model is not None
    quote = {"source": model.citations[0].source_id, "quote": model.citations[0].quote}
    data = MeasureCreateSchema().load(
        {
            "id": measure_id,
            "type": "military_aid",
            "status": history[-1]["status"],
            "title": "A measure with a coarse history",
            "countries": [
                {"country": "KR", "role": "imposer"},
                {"country": "PL", "role": "target"},
            ],
            "citations": [quote],
            "status_history": [
                {
                    "status": h["status"],
                    "changed_on": h["changed_on"],
                    "changed_on_precision": h["precision"],
                    "citation": quote,
                }
                for h in history
            ],
        }
    )
    with session.no_autoflush:
        measures.put(session, data)
    session.flush()


def test_a_measure_is_absent_before_its_first_dated_status_change(client: FlaskClient) -> None:
    assert WEAPONS not in _ids(client, "/v1/measures?as_of=2024-06-22")
    assert WEAPONS in _ids(client, "/v1/measures")
    # A change dated by inference counts like any other (its basis is in `provenance`).
    then = {m["id"]: m for m in _all(client, "/v1/measures?as_of=2024-10-21")}
    assert then[WEAPONS]["status"] == "under_consideration"


def test_a_measure_whose_only_change_is_undated_is_never_listed_as_of(client: FlaskClient) -> None:
    assert UNDATED in _ids(client, "/v1/measures")
    assert UNDATED not in _ids(client, "/v1/measures?as_of=2030-01-01")


def test_a_measure_has_the_status_of_its_last_counting_change(client: FlaskClient) -> None:
    listed = {m["id"]: m for m in _all(client, "/v1/measures?as_of=2024-10-22")}
    weapons = listed[WEAPONS]
    assert weapons["status"] == "threatened" and weapons["as_of"] == "2024-10-22"
    assert [h["changed_on"] for h in weapons["status_history"]] == ["2024-06-23", "2024-10-22"]
    r = client.get(f"/v1/measures/{WEAPONS}?as_of=2024-10-22")
    assert r.status_code == 200, r.json
    assert r.json == weapons


def test_without_as_of_the_record_says_as_of_null(client: FlaskClient) -> None:
    r = client.get(f"/v1/measures/{WEAPONS}")
    assert r.status_code == 200, r.json
    assert r.json["as_of"] is None
    assert len(r.json["status_history"]) == 2


def test_every_listed_measure_has_a_history_that_counts_by_then(client: FlaskClient) -> None:
    listed = _all(client, "/v1/measures?as_of=2030-01-01")
    every = _all(client, "/v1/measures")
    dated = [m["id"] for m in every if any(h["changed_on"] for h in m["status_history"])]
    assert sorted(m["id"] for m in listed) == sorted(dated)
    for measure in listed:
        assert measure["status_history"], measure["id"]
        assert all(h["changed_on"] <= "2030-01-01" for h in measure["status_history"])
        assert measure["status"] == measure["status_history"][-1]["status"]


def test_an_item_before_its_first_dated_change_is_a_404_saying_why(client: FlaskClient) -> None:
    r = client.get(f"/v1/measures/{WEAPONS}?as_of=2024-06-22")
    assert r.status_code == 404, r.json
    assert r.content_type == "application/problem+json"
    assert "no dated status on 2024-06-22" in r.json["detail"]


def test_an_unknown_measure_as_of_a_date_is_a_404(client: FlaskClient) -> None:
    r = client.get("/v1/measures/zz-no-such-measure?as_of=2024-10-22")
    assert r.status_code == 404, r.json
    assert "zz-no-such-measure" in r.json["detail"]


@pytest.mark.parametrize(
    ("as_of_date", "expected"),
    [
        ("2024-10-15", None),  # mid-month: the October change may not have happened yet
        ("2024-10-30", None),
        ("2024-10-31", "in_force"),  # October has ended by the end of the 31st
        ("2024-11-15", "in_force"),
    ],
)
def test_a_month_precision_change_counts_only_once_its_month_has_ended(
    client: FlaskClient, session: Session, as_of_date: str, expected: str | None
) -> None:
    _put_with_history(
        session,
        "kr-coarse-measure",
        [{"status": "in_force", "changed_on": "2024-10-01", "precision": "month"}],
    )
    r = client.get(f"/v1/measures/kr-coarse-measure?as_of={as_of_date}")
    listed = _ids(client, f"/v1/measures?as_of={as_of_date}")
    if expected is None:
        assert r.status_code == 404, r.json
        assert "kr-coarse-measure" not in listed
    else:
        assert r.status_code == 200, r.json
        assert r.json["status"] == expected
        assert "kr-coarse-measure" in listed


def test_a_year_precision_change_counts_from_the_last_day_of_its_year(
    client: FlaskClient, session: Session
) -> None:
    _put_with_history(
        session,
        "kr-coarse-measure",
        [
            {"status": "announced", "changed_on": "2023-01-01", "precision": "year"},
            {"status": "in_force", "changed_on": "2024-06-03", "precision": "day"},
        ],
    )
    statuses = {
        day: client.get(f"/v1/measures/kr-coarse-measure?as_of={day}")
        for day in ("2023-12-30", "2023-12-31", "2024-06-02", "2024-06-03")
    }
    assert statuses["2023-12-30"].status_code == 404, statuses["2023-12-30"].json
    assert statuses["2023-12-31"].json["status"] == "announced"
    assert statuses["2024-06-02"].json["status"] == "announced"
    assert statuses["2024-06-03"].json["status"] == "in_force"
    assert len(statuses["2024-06-03"].json["status_history"]) == 2


def test_the_status_filter_uses_the_status_as_of_the_date(
    client: FlaskClient, session: Session
) -> None:
    _put_with_history(
        session,
        "kr-coarse-measure",
        [
            {"status": "threatened", "changed_on": "2024-09-02", "precision": "day"},
            {"status": "in_force", "changed_on": "2024-11-04", "precision": "day"},
        ],
    )
    then = _ids(client, "/v1/measures?as_of=2024-10-01&status=threatened")
    assert "kr-coarse-measure" in then
    assert "kr-coarse-measure" not in _ids(client, "/v1/measures?as_of=2024-10-01&status=in_force")
    assert "kr-coarse-measure" in _ids(client, "/v1/measures?as_of=2024-12-01&status=in_force")
    assert "kr-coarse-measure" not in _ids(client, "/v1/measures?status=threatened")


def test_sorting_by_status_as_of_a_date_pages_through_every_measure_once(
    client: FlaskClient, session: Session
) -> None:
    _put_with_history(
        session,
        "kr-coarse-measure",
        [
            {"status": "threatened", "changed_on": "2024-09-02", "precision": "day"},
            {"status": "announced", "changed_on": "2024-10-01", "precision": "month"},
        ],
    )
    for sort in ("status", "-status", "announced_on", "-id"):
        whole = _all(client, f"/v1/measures?as_of=2024-10-23&sort={sort}")
        paged: list[dict[str, Any]] = []
        url, cursor = f"/v1/measures?as_of=2024-10-23&sort={sort}&limit=1", ""
        while True:
            r = client.get(url + cursor)
            assert r.status_code == 200, r.json
            paged += r.json["items"]
            if r.json["next_cursor"] is None:
                break
            cursor = f"&cursor={r.json['next_cursor']}"
        assert paged == whole, sort
        assert len({m["id"] for m in whole}) == len(whole) >= 3
    by_status = _all(client, "/v1/measures?as_of=2024-10-23&sort=status")
    assert [m["status"] for m in by_status] == sorted(m["status"] for m in by_status)
    coarse = next(m for m in by_status if m["id"] == "kr-coarse-measure")
    assert coarse["status"] == "threatened"  # the October change has not certainly happened


def test_nested_measure_lists_take_as_of(client: FlaskClient) -> None:
    kr = _ids(client, "/v1/countries/kr/measures?as_of=2024-10-22")
    assert WEAPONS in kr and WEAPONS not in _ids(
        client, "/v1/countries/kr/measures?as_of=2024-06-22"
    )
    trigger = client.get(f"/v1/measures/{WEAPONS}").json["triggers"][0]["trigger"]
    assert WEAPONS in _ids(client, f"/v1/triggers/{trigger}/measures?as_of=2024-10-22")
    assert WEAPONS not in _ids(client, f"/v1/triggers/{trigger}/measures?as_of=2024-06-22")


@pytest.mark.parametrize(
    "url",
    [
        "/v1/measures?as_of=2024-13-01",
        "/v1/measures?as_of=yesterday",
        f"/v1/measures/{WEAPONS}?as_of=2024-02-30",
        "/v1/countries/kr/measures?as_of=10/22/2024",
    ],
)
def test_a_bad_as_of_date_is_a_422_naming_it(client: FlaskClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 422, r.json
    assert r.content_type == "application/problem+json"
    assert [e["name"] for e in r.json["errors"]] == ["as_of"]


def test_the_sql_and_python_rules_agree_with_the_period_end(session: Session) -> None:
    _put_with_history(
        session,
        "kr-coarse-measure",
        [
            {"status": "threatened", "changed_on": "2023-01-01", "precision": "year"},
            {"status": "announced", "changed_on": "2024-02-01", "precision": "month"},
            {"status": "in_force", "changed_on": "2024-03-31", "precision": "day"},
        ],
    )
    measure = session.get(Measure, "kr-coarse-measure")
    assert measure is not None
    history = measure.status_history
    for day in (dt.date(2023, 12, 25) + dt.timedelta(days=n) for n in range(110)):
        expected = [c.position for c in history if _period_end(c) <= day]
        assert [c.position for c in history if as_of.counts(c, day)] == expected, day
        sql = session.scalars(
            select(MeasureStatusChange.position)
            .where(MeasureStatusChange.measure_id == "kr-coarse-measure", as_of.counting(day))
            .order_by(MeasureStatusChange.position)
        ).all()
        assert sql == expected, day


def _period_end(change: MeasureStatusChange) -> dt.date:
    """The last day of the period a change is dated to, computed independently."""
    start = change.changed_on
    assert start is not None
    if change.changed_on_precision == "day":
        return start
    if change.changed_on_precision == "month":
        following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return following - dt.timedelta(days=1)
    return start.replace(month=12, day=31)
