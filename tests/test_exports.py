"""Exports: lists as CSV and NDJSON, the whole register, and FollowTheMoney entities."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from followthemoney import model
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.exports.csv import cell, guard, item_text, partial_date
from service.models import (
    Actor,
    Citation,
    Country,
    Measure,
    Organisation,
    Source,
    Statement,
    Trigger,
)
from service.schemas.actors import ActorCreateSchema
from service.services import actors
from tests.helpers import every as _all

LISTS = [
    "/v1/measures",
    "/v1/triggers",
    "/v1/statements",
    "/v1/actors",
    "/v1/countries",
    "/v1/sources",
    "/v1/countries/KR/measures",
    "/v1/triggers/kp-troops-to-russia/measures",
    "/v1/sources/kr-considers-weapons-for-ukraine-article/citations",
]
MODELS = {
    "countries": Country,
    "organisations": Organisation,
    "sources": Source,
    "actors": Actor,
    "triggers": Trigger,
    "measures": Measure,
    "statements": Statement,
}


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _ndjson(text: str) -> list[Any]:
    return [json.loads(line) for line in text.splitlines()]


def test_measures_csv_has_a_header_and_one_readable_row_per_measure(client: FlaskClient) -> None:
    r = client.get("/v1/measures.csv")
    assert r.status_code == 200, r.data
    assert r.mimetype == "text/csv"
    assert r.headers["Content-Disposition"] == 'attachment; filename="measures.csv"'
    text = r.get_data(as_text=True)
    header = text.split("\r\n", 1)[0].split(",")
    assert header[:5] == ["id", "type", "status", "title", "summary"]
    assert {"imposers", "targets", "beneficiaries", "partners", "items", "triggers"} <= set(header)
    assert {"status_history", "citations", "announced_on_precision"} <= set(header)
    rows = _csv(text)
    assert [row["id"] for row in rows] == [m["id"] for m in _all(client, "/v1/measures")]
    k2 = next(row for row in rows if row["id"] == "kr-k2-tanks-poland")
    assert k2["imposers"] == "KR"
    assert k2["beneficiaries"] == "PL"
    assert k2["items"] == "K-2 tank (tank)"
    assert k2["conditional"] == "false"


def test_csv_joins_many_values_readably(client: FlaskClient) -> None:
    measures = {m["id"]: m for m in _all(client, "/v1/measures")}
    rows = _csv(client.get("/v1/measures.csv").get_data(as_text=True))
    row = next(r for r in rows if measures[r["id"]]["triggers"] and measures[r["id"]]["citations"])
    measure = measures[row["id"]]
    trigger = measure["triggers"][0]
    assert f"{trigger['trigger']} ({trigger['relation']})" in row["triggers"].split("; ")
    assert measure["citations"][0]["quote"] in row["citations"]
    assert row["status_history"].split("; ")[-1].startswith(measure["status"])


def test_statement_csv_flattens_figure_about_and_citation(client: FlaskClient) -> None:
    statements = _all(client, "/v1/statements?has_figure=true")
    rows = _csv(client.get("/v1/statements.csv?has_figure=true").get_data(as_text=True))
    assert len(rows) == len(statements) > 0
    for row, statement in zip(rows, statements, strict=True):
        assert row["figure_value"] == str(statement["figure"]["value"])
        assert row["figure_unit"] == statement["figure"]["unit"]
        assert row["citation_source"] == statement["citation"]["source"]
        assert row["citation_start"] == str(statement["citation"]["start"])
        about = statement["about"] or {"type": "", "id": ""}
        assert (row["about_type"], row["about_id"]) == (about["type"], about["id"])


def test_csv_honours_the_filters_and_sort_of_the_list(client: FlaskClient) -> None:
    query = "country=KR&role=imposer&sort=title"
    expected = [m["id"] for m in _all(client, f"/v1/measures?{query}")]
    r = client.get(f"/v1/measures.csv?{query}")
    assert r.status_code == 200, r.data
    assert [row["id"] for row in _csv(r.get_data(as_text=True))] == expected
    assert 0 < len(expected) < len(_all(client, "/v1/measures"))


@pytest.mark.parametrize("url", LISTS)
def test_ndjson_lines_are_the_json_items_of_every_page(client: FlaskClient, url: str) -> None:
    r = client.get(f"{url}.ndjson")
    assert r.status_code == 200, r.data
    assert r.mimetype == "application/x-ndjson"
    assert _ndjson(r.get_data(as_text=True)) == _all(client, url)


@pytest.mark.parametrize("url", LISTS)
def test_every_list_answers_csv_with_one_row_per_record(client: FlaskClient, url: str) -> None:
    r = client.get(url, headers={"Accept": "text/csv"}, follow_redirects=True)
    assert r.status_code == 200, r.data
    name = url.rsplit("/", 1)[-1]
    assert r.headers["Content-Disposition"] == f'attachment; filename="{name}.csv"'
    assert len(_csv(r.get_data(as_text=True))) == len(_all(client, url))


@pytest.mark.parametrize(
    ("accept", "mimetype"),
    [
        ("text/csv", "text/csv"),
        ("application/x-ndjson", "application/x-ndjson"),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        ("text/html, text/csv;q=0.5", "text/csv"),
    ],
)
def test_the_accept_header_picks_the_format(
    client: FlaskClient, accept: str, mimetype: str
) -> None:
    r = client.get("/v1/actors", headers={"Accept": accept}, follow_redirects=True)
    assert r.status_code == 200 and r.get_data(), r.data
    assert r.mimetype == mimetype
    assert "Accept" in r.headers.get("Vary", "")


def test_format_wins_over_accept(client: FlaskClient) -> None:
    r = client.get("/v1/actors?format=json", headers={"Accept": "text/csv"})
    assert r.status_code == 200, r.data
    assert r.mimetype == "application/json" and "items" in r.json
    r = client.get("/v1/actors.csv", headers={"Accept": "application/xml"}, follow_redirects=True)
    assert r.status_code == 200 and r.get_data(), r.data
    assert r.mimetype == "text/csv"


def test_an_accept_header_we_cannot_satisfy_is_a_406_problem(client: FlaskClient) -> None:
    r = client.get("/v1/measures", headers={"Accept": "application/xml"})
    assert r.status_code == 406, r.data
    assert r.content_type == "application/problem+json"
    assert "text/csv" in r.json["detail"]
    r = client.get("/v1/export", headers={"Accept": "text/csv"})
    assert r.status_code == 406, r.data


@pytest.mark.parametrize(
    ("url", "headers", "location"),
    [
        ("/v1/measures?format=csv", {}, "/v1/measures.csv"),
        (
            "/v1/countries/KR/measures?role=imposer&format=ndjson&limit=5",
            {},
            "/v1/countries/KR/measures.ndjson?role=imposer",
        ),
        ("/v1/actors?sort=name", {"Accept": "text/csv"}, "/v1/actors.csv?sort=name"),
    ],
)
def test_a_list_asked_for_a_download_answers_303_to_it(
    client: FlaskClient, url: str, headers: dict[str, str], location: str
) -> None:
    r = client.get(url, headers=headers)
    assert r.status_code == 303, r.data
    assert r.headers["Location"] == location
    assert "Accept" in r.headers["Vary"]
    assert client.get(location).status_code == 200


def test_the_303_location_is_quoted_whatever_the_path_holds(client: FlaskClient) -> None:
    r = client.get("/v1/triggers/a%0Ab/measures?format=csv")  # a newline in the id
    assert r.status_code == 303, r.data
    assert r.headers["Location"] == "/v1/triggers/a%0Ab/measures.csv"


def test_a_download_takes_no_limit_and_no_other_extension(client: FlaskClient) -> None:
    r = client.get("/v1/measures.csv?limit=5")
    assert r.status_code == 400, r.data
    assert r.json["errors"][0]["name"] == "limit"
    assert client.get("/v1/measures.xlsx").status_code == 404


def test_an_unknown_format_is_a_422(client: FlaskClient) -> None:
    r = client.get("/v1/measures?format=xlsx")
    assert r.status_code == 422, r.json
    assert r.json["errors"][0]["name"] == "format"


def test_a_bad_cursor_is_a_422_before_any_export_starts(client: FlaskClient) -> None:
    r = client.get("/v1/measures.csv?cursor=not-a-cursor")
    assert r.status_code == 422, r.data
    assert r.content_type == "application/problem+json"


def test_exports_stream_every_record_in_keyset_batches(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = [a["id"] for a in _all(client, "/v1/actors?sort=name")]
    calls: list[dict[str, Any]] = []
    list_ = actors.list_

    def counting(session: Session, args: dict[str, Any]) -> Any:
        calls.append(args)
        return list_(session, args)

    monkeypatch.setattr(actors, "list_", counting)
    monkeypatch.setitem(client.application.config, "EXPORT_BATCH_SIZE", 4)
    r = client.get("/v1/actors.ndjson?sort=name")
    assert r.status_code == 200, r.data
    assert [a["id"] for a in _ndjson(r.get_data(as_text=True))] == expected
    assert len(calls) == -(-len(expected) // 4) > 1
    assert {args["limit"] for args in calls} == {4}
    assert calls[0].get("cursor") is None and all(args["cursor"] for args in calls[1:])


def test_csv_cells_cannot_start_a_formula(client: FlaskClient, session: Session) -> None:
    citation = session.scalars(select(Citation).order_by(Citation.id)).first()
    assert citation is not None
    data = ActorCreateSchema().load(
        {
            "id": "formula-actor",
            "kind": "person",
            "name": '=HYPERLINK("http://evil.example","x")',
            "role": "+1 cmd",
            "aliases": ["@SUM(A1)", "-2+3"],
            "citations": [{"source": citation.source_id, "quote": citation.quote}],
        }
    )
    actors.put(session, data)
    session.flush()
    rows = _csv(client.get("/v1/actors.csv?q=HYPERLINK").get_data(as_text=True))
    assert len(rows) == 1
    assert rows[0]["name"] == "'" + data["name"]
    assert rows[0]["role"] == "'+1 cmd"
    assert rows[0]["aliases"] == "'@SUM(A1); -2+3"


def test_the_guard_leaves_numbers_and_plain_text_alone() -> None:
    assert guard("-5") == "'-5" and guard("\tx") == "'\tx" and guard("Seoul") == "Seoul"
    assert cell(-5) == -5 and cell(None) == "" and cell(True) == "true"
    assert cell(["a", "b"]) == "a; b"


def test_items_read_as_name_category_and_known_quantity() -> None:
    assert item_text({"name": "K9 howitzer", "category": "howitzer", "quantity": 212}) == (
        "K9 howitzer (howitzer) ×212"
    )
    assert item_text({"name": "K-2 tank", "category": "tank", "quantity": None}) == (
        "K-2 tank (tank)"
    )


def test_an_export_of_nothing_is_just_the_header(client: FlaskClient) -> None:
    r = client.get("/v1/measures.csv?q=zzzqqq")
    assert r.status_code == 200, r.data
    assert r.get_data(as_text=True).count("\r\n") == 1
    assert r.get_data(as_text=True).startswith("id,type,status,")
    r = client.get("/v1/measures.ndjson?q=zzzqqq")
    assert r.status_code == 200 and r.get_data() == b""


def test_partial_dates_keep_their_precision() -> None:
    assert partial_date("2024-10-22", "day") == "2024-10-22"
    assert partial_date("2024-10-01", "month") == "2024-10"
    assert partial_date("2024-01-01", "year") == "2024"
    assert partial_date(None, None) == ""


def test_an_export_answers_304_until_the_register_changes(
    client: FlaskClient, session: Session
) -> None:
    r = client.get("/v1/actors.csv")
    assert r.status_code == 200 and r.get_data(), r.data  # read it all: the stream ends
    etag = r.headers["ETag"]
    assert client.get("/v1/actors.csv", headers={"If-None-Match": etag}).status_code == 304
    other = client.get("/v1/actors.ndjson")
    assert other.get_data() and other.headers["ETag"] != etag
    citation = session.scalars(select(Citation).order_by(Citation.id)).first()
    assert citation is not None
    actors.put(
        session,
        ActorCreateSchema().load(
            {
                "id": "new-actor",
                "kind": "expert",
                "name": "New Analyst",
                "citations": [{"source": citation.source_id, "quote": citation.quote}],
            }
        ),
    )
    session.commit()  # the change feed, and so the register's version, moves on commit
    r = client.get("/v1/actors.csv", headers={"If-None-Match": etag})
    assert r.status_code == 200 and r.get_data(), r.data
    assert r.headers["ETag"] != etag


def _bulk(client: FlaskClient) -> list[dict[str, Any]]:
    r = client.get("/v1/export")
    assert r.status_code == 200, r.data
    assert r.mimetype == "application/x-ndjson"
    assert r.headers["Content-Disposition"] == 'attachment; filename="register.ndjson"'
    return _ndjson(r.get_data(as_text=True))


def test_bulk_export_has_every_record_once_and_a_counts_line(
    client: FlaskClient, session: Session
) -> None:
    lines = _bulk(client)
    meta = lines[-1]["meta"]
    records = lines[:-1]
    for name, table in MODELS.items():
        keys = [
            line["record"].get("id") or line["record"].get("code")
            for line in records
            if line["collection"] == name
        ]
        total = session.scalar(select(func.count()).select_from(table))
        assert len(keys) == len(set(keys)) == total == meta["counts"][name], name
    assert sum(meta["counts"].values()) == len(records)
    assert meta["last_updated_at"] == max(line["record"]["updated_at"] for line in records)


def test_bulk_export_records_are_the_item_representations(client: FlaskClient) -> None:
    lines = _bulk(client)
    measure = next(line["record"] for line in lines if line.get("collection") == "measures")
    assert client.get(f"/v1/measures/{measure['id']}").json == measure


def test_bulk_export_lists_every_reference_before_it_is_used(client: FlaskClient) -> None:
    seen: dict[str, set[str]] = {name: set() for name in MODELS}
    order = []
    for line in _bulk(client)[:-1]:
        name, record = line["collection"], line["record"]
        if not order or order[-1] != name:
            order.append(name)
        for citation in record.get("citations", []):
            assert citation["source"] in seen["sources"]
        if name == "measures":
            assert record["parent"] is None or record["parent"] in seen["measures"]
            parties = seen["countries"] | seen["organisations"]
            assert all(c["country"] in parties for c in record["countries"])
        if name == "statements":
            assert record["actor"] in seen["actors"]
            if record["about"]:
                assert record["about"]["id"] in seen[record["about"]["type"] + "s"]
        seen[name].add(record.get("id") or record["code"])
    assert order == list(MODELS)
    assert any(m["parent"] for m in _all(client, "/v1/measures")), "no package to order"


def test_bulk_export_answers_304_with_its_etag(client: FlaskClient) -> None:
    r = client.get("/v1/export")
    assert r.status_code == 200 and r.get_data(), r.data
    again = client.get("/v1/export", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304, again.data
    assert client.get("/v1/export?limit=5").status_code == 400


def _ftm(client: FlaskClient) -> list[dict[str, Any]]:
    r = client.get("/v1/export/ftm")
    assert r.status_code == 200, r.data
    assert r.mimetype == "application/x-ndjson"
    return _ndjson(r.get_data(as_text=True))


def test_every_ftm_entity_is_valid_by_the_library(client: FlaskClient) -> None:
    entities = _ftm(client)
    by_id = {e["id"]: e for e in entities}
    assert len(by_id) == len(entities), "entity ids are not unique"
    for data in entities:
        schema = model.get(data["schema"])
        assert schema is not None and not schema.abstract, data
        assert set(schema.required) <= set(data["properties"]), data
        for name, values in data["properties"].items():
            prop = schema.get(name)
            assert prop is not None, (data["schema"], name)
            assert values, (data["id"], name)
            for value in values:
                assert prop.type.validate(value), (data["id"], name, value)
                if prop.type.name == "entity":
                    assert value in by_id, (data["id"], name, value)
                    target = model.get(by_id[value]["schema"])
                    assert target is not None and target.is_a(prop.range), (name, value)
        assert schema.validate(data) is None
        assert model.get_proxy(data, cleaned=False).to_dict() == data


def test_ftm_maps_measures_sources_and_states(client: FlaskClient) -> None:
    entities = {e["id"]: e for e in _ftm(client)}
    k2 = entities["register-measure-kr-k2-tanks-poland"]
    assert k2["schema"] == "Event"
    assert k2["properties"]["organizer"] == ["register-country-kr"]
    assert "register-country-pl" in k2["properties"]["involved"]
    assert entities["register-country-kr"]["schema"] == "PublicBody"
    article = entities["register-source-kr-considers-weapons-for-ukraine-article"]
    assert article["schema"] == "Article" and article["properties"]["bodyText"]
    quotes = [
        e
        for e in entities.values()
        if e["schema"] == "Documentation" and e["properties"]["entity"] == [k2["id"]]
    ]
    assert quotes and all(q["properties"]["summary"] for q in quotes)
    sanctions = [e for e in entities.values() if e["schema"] == "Sanction"]
    measures = _all(client, "/v1/measures?type=sanction")
    targets = [c for m in measures for c in m["countries"] if c["role"] == "target"]
    assert len(sanctions) == len(targets) > 0
