"""The timeline: dated triggers, statements and status changes, in date order."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from service.models import Statement
from service.schemas.statements import StatementCreateSchema
from service.services import statements
from tests.helpers import every as _walk


def _key(entry: dict[str, Any]) -> tuple[str, str, str, int]:
    return (entry["date"], entry["kind"], entry["id"], entry["position"] or 0)


def _everything(client: FlaskClient, path: str) -> list[dict[str, Any]]:
    return _walk(client, f"/v1/{path}")


def _dated_records(client: FlaskClient) -> set[tuple[str, str, str, int]]:
    """What the timeline should hold, read from the collections themselves."""
    expected = {
        (t["occurred_on"], "trigger", t["id"], 0)
        for t in _everything(client, "triggers")
        if t["occurred_on"]
    }
    expected |= {
        (s["said_on"], "statement", s["id"], 0)
        for s in _everything(client, "statements")
        if s["said_on"]
    }
    for measure in _everything(client, "measures"):
        for position, change in enumerate(measure["status_history"], start=1):
            if change["changed_on"]:
                expected.add((change["changed_on"], "status_change", measure["id"], position))
    return expected


def test_the_timeline_holds_every_dated_record_once_and_nothing_undated(
    client: FlaskClient,
) -> None:
    entries = _walk(client, "/v1/timeline")
    keys = [_key(e) for e in entries]
    assert len(keys) == len(set(keys))
    assert set(keys) == _dated_records(client)
    assert {e["kind"] for e in entries} == {"trigger", "statement", "status_change"}


def test_entries_come_in_date_then_kind_then_id_order(client: FlaskClient) -> None:
    ascending = _walk(client, "/v1/timeline")
    assert [_key(e) for e in ascending] == sorted(_key(e) for e in ascending)
    descending = _walk(client, "/v1/timeline?sort=-date")
    assert descending == ascending[::-1]


@pytest.mark.parametrize("limit", [1, 2, 7])
def test_cursor_pages_walk_every_entry_once(client: FlaskClient, limit: int) -> None:
    for sort in ("date", "-date"):
        whole = _walk(client, f"/v1/timeline?sort={sort}")
        assert _walk(client, f"/v1/timeline?sort={sort}", size=limit) == whole


def test_entries_carry_their_kind_specific_fields(client: FlaskClient) -> None:
    entries = _walk(client, "/v1/timeline")
    triggers = {t["id"]: t for t in _everything(client, "triggers")}
    statements_ = {s["id"]: s for s in _everything(client, "statements")}
    for entry in entries:
        if entry["kind"] == "trigger":
            trigger = triggers[entry["id"]]
            assert entry["text"] == trigger["title"]
            assert entry["trigger_kind"] == trigger["kind"]
            assert entry["date_precision"] == trigger["occurred_on_precision"]
            assert sorted(c["id"] for c in entry["citations"]) == sorted(
                c["id"] for c in trigger["citations"]
            )
            assert entry["stance"] is None and entry["status"] is None
        elif entry["kind"] == "statement":
            statement = statements_[entry["id"]]
            assert entry["stance"] == statement["stance"]
            assert entry["actor"] == statement["actor"] and entry["actor_name"]
            assert entry["about"] == statement["about"]
            assert entry["citations"] == [statement["citation"]]
            assert entry["text"] == (statement["quote"] or statement["citation"]["quote"])
        else:
            measure = client.get(f"/v1/measures/{entry['id']}").json
            change = measure["status_history"][entry["position"] - 1]
            assert entry["status"] == change["status"]
            assert entry["text"] == measure["title"]
            assert entry["citations"] == [change["citation"]]


def test_citations_are_verbatim_spans_of_their_sources(client: FlaskClient) -> None:
    texts: dict[str, str] = {}
    entries = _walk(client, "/v1/timeline")
    for entry in entries:
        assert entry["citations"], entry
        for citation in entry["citations"]:
            source = citation["source"]
            if source not in texts:
                texts[source] = client.get(f"/v1/sources/{source}").json["text"]
            assert texts[source][citation["start"] : citation["end"]] == citation["quote"]


def test_the_kind_filter_keeps_only_those_kinds(client: FlaskClient) -> None:
    every = _walk(client, "/v1/timeline")
    for kinds in ("trigger", "statement,status_change"):
        kept = _walk(client, f"/v1/timeline?kind={kinds}")
        assert kept == [e for e in every if e["kind"] in kinds.split(",")]
        assert kept


def _period(entry: dict[str, Any]) -> tuple[dt.date, dt.date]:
    """The first and last day of the day, month or year an entry is dated to."""
    start = dt.date.fromisoformat(entry["date"])
    if entry["date_precision"] == "day":
        return start, start
    if entry["date_precision"] == "month":
        following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return start, following - dt.timedelta(days=1)
    return start, start.replace(month=12, day=31)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2024-10-15", None),  # keeps the statements dated to October 2024
        (None, "2024-10-09"),
        ("2024-10-10", "2024-10-21"),
        ("2023-07-01", "2023-07-31"),  # inside a year-precision trigger's year
        ("2024-11-01", None),
        ("2024-10-21", "2024-10-10"),  # an empty range: nothing
    ],
)
def test_a_date_range_keeps_the_entries_whose_period_overlaps_it(
    client: FlaskClient, start: str | None, end: str | None
) -> None:
    low = dt.date.fromisoformat(start) if start else dt.date.min
    high = dt.date.fromisoformat(end) if end else dt.date.max
    query = "&".join(f"{k}={v}" for k, v in (("from", start), ("to", end)) if v)
    expected = [e for e in _walk(client, "/v1/timeline") if _overlaps(_period(e), low, high)]
    assert _walk(client, f"/v1/timeline?{query}") == expected


def _overlaps(period: tuple[dt.date, dt.date], low: dt.date, high: dt.date) -> bool:
    return period[0] <= high and period[1] >= low


def test_coarse_entries_are_kept_by_ranges_that_only_overlap_their_period(
    client: FlaskClient,
) -> None:
    october = _walk(client, "/v1/timeline?from=2024-10-15&to=2024-10-16")
    assert any(e["date_precision"] == "month" for e in october)
    year = _walk(client, "/v1/timeline?from=2023-07-01&to=2023-07-31")
    assert [e["date_precision"] for e in year] == ["year"]


def _put_polish_statement(session: Session) -> None:
    """A dated statement by Poland's president, about a trigger not involving South Korea."""
    # Yoon's words ("We agreed"), given to Duda for the test: the seeds quote Duda nowhere.
    model = session.get(Statement, "duda-kp-deployment-provocation")
    assert model is not None
    data = StatementCreateSchema().load(
        {
            "id": "duda-dated-statement",
            "actor": "andrzej-duda",
            "stance": model.stance,
            "about": {"type": "trigger", "id": model.about_trigger_id},
            "said_on": "2024-10-25",
            "said_on_precision": "day",
            "citation": {"source": model.citation.source_id, "quote": model.citation.quote},
        }
    )
    statements.put(session, data)
    session.flush()


def test_a_country_timeline_holds_the_records_that_involve_it(
    client: FlaskClient, session: Session
) -> None:
    _put_polish_statement(session)
    every = _walk(client, "/v1/timeline")
    kr = _walk(client, "/v1/countries/kr/timeline")
    pl = _walk(client, "/v1/countries/PL/timeline")
    assert [e["id"] for e in pl] == ["duda-dated-statement"]
    assert "duda-dated-statement" not in {e["id"] for e in kr}
    assert kr and [e for e in every if e in kr] == kr  # a subsequence, in the same order
    for entry in kr:
        assert _involves(client, entry, "KR"), entry
    for entry in every:
        if entry not in kr:
            assert not _involves(client, entry, "KR"), entry


def _involves(client: FlaskClient, entry: dict[str, Any], code: str) -> bool:
    def countries(kind: str, record_id: str) -> set[str]:
        record = client.get(f"/v1/{kind}s/{record_id}").json
        return {c["country"] for c in record["countries"]}

    if entry["kind"] == "trigger":
        return code in countries("trigger", entry["id"])
    if entry["kind"] == "status_change":
        return code in countries("measure", entry["id"])
    actor = client.get(f"/v1/actors/{entry['actor']}").json
    about = entry["about"]
    return actor["country"] == code or (
        about is not None and code in countries(about["type"], about["id"])
    )


def test_changed_since_keeps_the_entries_of_records_changed_since(
    client: FlaskClient, session: Session
) -> None:
    _put_polish_statement(session)
    since = client.get("/v1/statements/duda-dated-statement").json["updated_at"]
    path = {"trigger": "triggers", "statement": "statements", "status_change": "measures"}
    expected = [
        e
        for e in _walk(client, "/v1/timeline")
        if client.get(f"/v1/{path[e['kind']]}/{e['id']}").json["updated_at"] >= since
    ]
    assert any(e["id"] == "duda-dated-statement" for e in expected)
    assert _walk(client, f"/v1/timeline?changed_since={quote(since)}") == expected


def test_the_timeline_exports_as_ndjson_with_the_same_entries(client: FlaskClient) -> None:
    r = client.get("/v1/timeline.ndjson?kind=statement")
    assert r.status_code == 200, r.data
    lines = [json.loads(line) for line in r.get_data(as_text=True).splitlines() if line]
    assert lines == _walk(client, "/v1/timeline?kind=statement")


def test_a_country_timeline_takes_the_same_filters(client: FlaskClient) -> None:
    kr = _walk(client, "/v1/countries/kr/timeline")
    only = _walk(client, "/v1/countries/kr/timeline?kind=status_change&from=2024-10-22")
    assert only == [e for e in kr if e["kind"] == "status_change" and e["date"] >= "2024-10-22"]
    assert only


def test_an_unknown_country_timeline_is_a_404(client: FlaskClient) -> None:
    r = client.get("/v1/countries/zz/timeline")
    assert r.status_code == 404, r.json
    assert r.content_type == "application/problem+json"


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("kind=rumour", "kind"),
        ("kind=", "kind"),
        ("from=2024-13-01", "from"),
        ("to=soon", "to"),
        ("sort=id", "sort"),
        ("limit=0", "limit"),
        ("cursor=not-a-cursor", "cursor"),
    ],
)
def test_a_bad_parameter_is_a_422_naming_it(client: FlaskClient, query: str, name: str) -> None:
    r = client.get(f"/v1/timeline?{query}")
    assert r.status_code == 422, r.json
    assert r.content_type == "application/problem+json"
    assert [e["name"] for e in r.json["errors"]] == [name]


def test_an_unknown_parameter_is_a_400(client: FlaskClient) -> None:
    r = client.get("/v1/countries/kr/timeline?country=KR")
    assert r.status_code == 400, r.json
    assert r.json["errors"][0]["name"] == "country"


def test_a_cursor_from_the_other_sort_is_rejected(client: FlaskClient) -> None:
    cursor = client.get("/v1/timeline?limit=1").json["next_cursor"]
    r = client.get(f"/v1/timeline?sort=-date&cursor={cursor}")
    assert r.status_code == 422, r.json
    assert "sort=date" in r.json["detail"]
