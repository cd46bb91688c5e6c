"""The read API: collections, items, nested routes, filters, sorting, paging, ETags, errors."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from service import vocabularies
from service.records import REGISTRY
from tests.helpers import every as _all

COLLECTIONS = list(REGISTRY.collections)


def _key(collection: str) -> str:
    return REGISTRY[collection].key


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_every_collection_lists_and_every_item_is_readable(
    client: FlaskClient, collection: str
) -> None:
    r = client.get(f"/v1/{collection}?limit=3")
    assert r.status_code == 200, r.json
    assert len(r.json["items"]) == 3
    item = r.json["items"][0]
    one = client.get(f"/v1/{collection}/{item[_key(collection)]}")
    assert one.status_code == 200, one.json
    assert one.json == item


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_an_unknown_id_is_a_404_problem(client: FlaskClient, collection: str) -> None:
    r = client.get(f"/v1/{collection}/zz-no-such-record")
    assert r.status_code == 404, r.json
    assert r.content_type == "application/problem+json"
    assert r.json["status"] == 404 and "zz-no-such-record" in r.json["detail"]


def test_country_lookups_ignore_case(client: FlaskClient) -> None:
    r = client.get("/v1/countries/kr")
    assert r.status_code == 200, r.json
    assert r.json["code"] == "KR" and r.json["alpha3"] == "KOR"


def test_measures_of_a_country_in_a_role(client: FlaskClient) -> None:
    imposed = _all(client, "/v1/countries/kr/measures?role=imposer")
    assert imposed
    for measure in imposed:
        assert {"country": "KR", "role": "imposer"} in measure["countries"]
    assert _all(client, "/v1/measures?country=KR&role=imposer") == imposed
    targets = {m["id"] for m in _all(client, "/v1/measures?country=kp&role=target")}
    assert targets and not targets & {m["id"] for m in imposed if m["id"] not in targets}


def test_measures_of_a_trigger(client: FlaskClient) -> None:
    trigger = max(
        _all(client, "/v1/triggers"),
        key=lambda t: len(_all(client, f"/v1/triggers/{t['id']}/measures")),
    )
    linked = _all(client, f"/v1/triggers/{trigger['id']}/measures")
    assert linked
    for measure in linked:
        assert trigger["id"] in {t["trigger"] for t in measure["triggers"]}
    assert {m["id"] for m in _all(client, f"/v1/measures?trigger={trigger['id']}")} == {
        m["id"] for m in linked
    }


def test_citations_of_a_source_are_verbatim_spans_of_its_text(client: FlaskClient) -> None:
    for source in _all(client, "/v1/sources"):
        citations = _all(client, f"/v1/sources/{source['id']}/citations")
        assert citations, source["id"]
        for citation in citations:
            assert citation["source"] == source["id"]
            assert source["text"][citation["start"] : citation["end"]] == citation["quote"]


def test_nested_routes_404_for_an_unknown_parent(client: FlaskClient) -> None:
    for url in (
        "/v1/countries/xk-/measures",
        "/v1/triggers/no-such-trigger/measures",
        "/v1/sources/no-such-source/citations",
    ):
        r = client.get(url)
        assert r.status_code == 404, (url, r.json)
        assert r.content_type == "application/problem+json"


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("type=arms_transfer", lambda m: m["type"] == "arms_transfer"),
        (
            "status=threatened,under_consideration",
            lambda m: m["status"] in {"threatened", "under_consideration"},
        ),
        ("conditional=true", lambda m: m["conditional"] is True and m["condition"]),
        ("conditional=false", lambda m: m["conditional"] is False),
        ("role=beneficiary", lambda m: any(c["role"] == "beneficiary" for c in m["countries"])),
        (
            "announced_from=2024-10-01&announced_to=2024-10-31",
            lambda m: "2024-10-01" <= m["announced_on"] <= "2024-10-31",
        ),
    ],
)
def test_measures_filter(client: FlaskClient, query: str, check: Any) -> None:
    every = _all(client, "/v1/measures")
    matching = _all(client, f"/v1/measures?{query}")
    assert matching, query
    assert all(check(m) for m in matching), query
    assert [m for m in every if m in matching] == matching
    assert len(matching) < len(every)


def test_measures_filter_by_announcing_actor(client: FlaskClient) -> None:
    every = _all(client, "/v1/measures")
    actor = next(m["announced_by"] for m in every if m["announced_by"])
    matching = _all(client, f"/v1/measures?actor={actor}")
    assert matching and all(m["announced_by"] == actor for m in matching)
    assert len(matching) == sum(m["announced_by"] == actor for m in every)


def test_measures_search_finds_the_tank_deal_and_the_weapons_for_ukraine(
    client: FlaskClient,
) -> None:
    tanks = _all(client, "/v1/measures?q=K-2")
    assert any(any("K-2" in i["name"] for i in m["items"]) for m in tanks), tanks
    weapons = _all(client, "/v1/measures?q=weapons%20Ukraine")
    assert any(
        {"country": "UA", "role": "beneficiary"} in m["countries"] and m["conditional"]
        for m in weapons
    )
    assert _all(client, "/v1/measures?q=zeppelin") == []


def test_measures_sort_by_announcement_newest_first_with_undated_last(
    client: FlaskClient,
) -> None:
    dates = [m["announced_on"] for m in _all(client, "/v1/measures?sort=-announced_on")]
    dated = [d for d in dates if d is not None]
    assert dated and dated == sorted(dated, reverse=True)
    assert dates == dated + [None] * (len(dates) - len(dated))


def test_lists_sort_ascending_and_descending(client: FlaskClient) -> None:
    titles = [m["title"] for m in _all(client, "/v1/measures?sort=title")]
    assert titles == sorted(titles)
    ids = [a["id"] for a in _all(client, "/v1/actors?sort=-id")]
    assert ids == sorted(ids, reverse=True)


@pytest.mark.parametrize(
    "url",
    [
        "/v1/measures?sort=-announced_on",
        "/v1/measures?sort=title",
        "/v1/statements?sort=said_on",
        "/v1/countries?sort=name",
        "/v1/actors",
    ],
)
def test_cursor_pages_walk_the_whole_list_once(client: FlaskClient, url: str) -> None:
    every = [i.get("id", i.get("code")) for i in _all(client, url)]
    seen: list[str] = []
    size = 50 if url.startswith("/v1/countries") else 3
    page_url = f"{url}&limit={size}" if "?" in url else f"{url}?limit={size}"
    pages = 0
    while True:
        r = client.get(page_url)
        assert r.status_code == 200, r.json
        seen += [i.get("id", i.get("code")) for i in r.json["items"]]
        pages += 1
        links = r.headers["Link"]
        assert 'rel="first"' in links
        if r.json["next_cursor"] is None:
            assert 'rel="next"' not in links
            break
        next_link = next(p for p in links.split(", ") if p.endswith('rel="next"'))
        page_url = next_link[next_link.index("/v1/") : next_link.index(">")]
        assert f"cursor={r.json['next_cursor']}" in page_url
    assert seen == every
    assert len(seen) == len(set(seen))
    assert pages > 1


def test_a_cursor_from_another_sort_is_rejected(client: FlaskClient) -> None:
    cursor = client.get("/v1/measures?limit=1&sort=id").json["next_cursor"]
    r = client.get(f"/v1/measures?limit=1&sort=title&cursor={cursor}")
    assert r.status_code == 422, r.json
    assert r.json["errors"][0]["name"] == "cursor"


def test_a_forged_cursor_is_rejected(client: FlaskClient) -> None:
    r = client.get("/v1/measures?cursor=not-a-cursor")
    assert r.status_code == 422, r.json
    assert r.json["errors"] == [
        {"name": "cursor", "in": "query", "reason": "the cursor is not one this service issued"}
    ]


@pytest.mark.parametrize(
    "url", ["/v1/measures", "/v1/measures?type=sanction", "/v1/countries/KR", "/v1/vocabularies"]
)
def test_reads_carry_an_etag_and_answer_304_when_it_matches(client: FlaskClient, url: str) -> None:
    first = client.get(url)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b"" and again.headers["ETag"] == etag
    stale = client.get(url, headers={"If-None-Match": '"stale"'})
    assert stale.status_code == 200 and stale.headers["ETag"] == etag


def test_the_etag_changes_when_the_record_changes(client: FlaskClient) -> None:
    from service.extensions import db
    from service.models import Measure

    item = _all(client, "/v1/measures")[0]
    before = client.get(f"/v1/measures/{item['id']}").headers["ETag"]
    measure = db.session.get(Measure, item["id"])
    assert measure is not None
    measure.title += " (changed)"
    db.session.commit()
    r = client.get(f"/v1/measures/{item['id']}", headers={"If-None-Match": before})
    assert r.status_code == 200 and r.headers["ETag"] != before


def test_an_unknown_query_parameter_is_a_400_naming_it(client: FlaskClient) -> None:
    r = client.get("/v1/measures?stauts=threatened")
    assert r.status_code == 400, r.json
    assert r.content_type == "application/problem+json"
    assert r.json["errors"] == [{"name": "stauts", "in": "query", "reason": "Unknown field."}]
    assert "stauts" in r.json["detail"]


@pytest.mark.parametrize(
    "query",
    [
        "status=threatened&status=announced",  # what generated clients send (explode: true)
        "status=threatened,announced",
        "status=threatened&status=announced,threatened",
    ],
)
def test_a_list_filter_takes_repeated_keys_and_commas_alike(
    client: FlaskClient, query: str
) -> None:
    both = _all(client, f"/v1/measures?{query}")
    threatened = _all(client, "/v1/measures?status=threatened")
    announced = _all(client, "/v1/measures?status=announced")
    assert threatened and announced
    assert sorted(m["id"] for m in both) == sorted(m["id"] for m in threatened + announced)


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/v1/measures?cursor=not-issued", "cursor"),
        ("/v1/measures/kr-k2-tanks-poland/revisions?cursor=not-issued", "cursor"),
        ("/v1/changes?since=not-issued", "since"),
    ],
)
def test_a_cursor_the_server_did_not_issue_is_a_422_naming_its_parameter(
    client: FlaskClient, url: str, name: str
) -> None:
    r = client.get(url)
    assert r.status_code == 422, r.json
    assert r.content_type == "application/problem+json"
    assert [e["name"] for e in r.json["errors"]] == [name]
    assert f"'{name}'" in r.json["detail"]


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/v1/measures?sort=id&sort=-id", "sort"),
        ("/v1/measures?country=KR&country=PL", "country"),
        ("/v1/countries/KR/measures?role=imposer&role=target", "role"),
        ("/v1/changes?limit=1&limit=2", "limit"),
        ("/v1/timeline?from=2024-01-01&from=2024-02-01", "from"),
    ],
)
def test_a_single_valued_parameter_given_twice_is_a_400_naming_it(
    client: FlaskClient, url: str, name: str
) -> None:
    r = client.get(url)
    assert r.status_code == 400, r.json
    assert r.content_type == "application/problem+json"
    assert r.json["errors"] == [
        {"name": name, "in": "query", "reason": "Given more than once; it takes one value."}
    ]
    assert name in r.json["detail"]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("status=rumoured", "status"),
        ("type=sanction,embargo", "type"),
        ("country=XX", "country"),
        ("announced_from=22-10-2024", "announced_from"),
        ("conditional=perhaps", "conditional"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("sort=-colour", "sort"),
    ],
)
def test_a_bad_filter_value_is_a_422_naming_the_parameter(
    client: FlaskClient, query: str, name: str
) -> None:
    r = client.get(f"/v1/measures?{query}")
    assert r.status_code == 422, r.json
    assert r.content_type == "application/problem+json"
    assert [e["name"] for e in r.json["errors"]] == [name]
    assert r.json["errors"][0]["in"] == "query"
    assert f"'{name}'" in r.json["detail"]


def test_a_wrong_method_is_a_405_problem_with_allow(client: FlaskClient) -> None:
    r = client.delete("/v1/measures")
    assert r.status_code == 405
    assert r.content_type == "application/problem+json"
    assert "GET" in r.headers["Allow"]


def test_vocabularies_serve_every_term_with_its_definition(client: FlaskClient) -> None:
    r = client.get("/v1/vocabularies")
    assert r.status_code == 200, r.json
    served = {v["name"]: {t["term"]: t["definition"] for t in v["terms"]} for v in r.json["items"]}
    assert served == {name: dict(terms) for name, terms in vocabularies.ALL.items()}
    assert "threatened" in served["measure_status"]


def test_statement_figures_and_about_are_objects(client: FlaskClient) -> None:
    figures = _all(client, "/v1/statements?has_figure=true")
    assert figures
    for statement in figures:
        assert statement["figure"]["value"] > 0 and statement["figure"]["unit"]
        assert statement["about"] is None or statement["about"]["type"] in {"trigger", "measure"}
    without = _all(client, "/v1/statements?has_figure=false")
    assert all(s["figure"] is None for s in without)


@pytest.mark.parametrize("collection", ["measures", "triggers", "statements", "actors", "sources"])
def test_search_wildcards_match_themselves(client: FlaskClient, collection: str) -> None:
    assert _all(client, f"/v1/{collection}?q=%25") == []
    assert _all(client, f"/v1/{collection}?q=_") == []


@pytest.mark.parametrize("query", ["status=", "type=", "q=%00war", "announced_from="])
def test_an_empty_or_nul_filter_is_a_422_not_ignored(client: FlaskClient, query: str) -> None:
    r = client.get(f"/v1/measures?{query}")
    assert r.status_code == 422, r.json
    assert r.json["errors"][0]["name"] == query.split("=")[0]
