"""Relations: country-to-country edges drawn from the measures."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from flask.testing import FlaskClient

Key = tuple[str, str, str, str]


def _measures(client: FlaskClient, query: str = "") -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = ""
    while True:
        r = client.get(f"/v1/measures?limit=200{query}{cursor}")
        assert r.status_code == 200, r.json
        items += r.json["items"]
        if r.json["next_cursor"] is None:
            return items
        cursor = f"&cursor={r.json['next_cursor']}"


def _expected(measures: list[dict[str, Any]]) -> dict[Key, list[str]]:
    """The edges, computed independently from the measures' country roles."""
    edges: dict[Key, set[str]] = defaultdict(set)
    for measure in measures:
        imposers = [c["country"] for c in measure["countries"] if c["role"] == "imposer"]
        others = [c for c in measure["countries"] if c["role"] != "imposer"]
        for imposer in imposers:
            for other in others:
                if other["country"] != imposer:
                    key = (imposer, other["country"], other["role"], measure["type"])
                    edges[key].add(measure["id"])
    return {key: sorted(ids) for key, ids in edges.items()}


def _edges(client: FlaskClient, query: str = "") -> list[dict[str, Any]]:
    r = client.get(f"/v1/relations{query}")
    assert r.status_code == 200, r.json
    return list(r.json["items"])


def _as_dict(edges: list[dict[str, Any]]) -> dict[Key, list[str]]:
    return {(e["from"], e["to"], e["role"], e["type"]): e["measure_ids"] for e in edges}


def test_the_tank_deal_is_an_arms_transfer_from_korea_to_poland(client: FlaskClient) -> None:
    edges = _as_dict(_edges(client))
    assert "kr-k2-tanks-poland" in edges[("KR", "PL", "beneficiary", "arms_transfer")]


def test_korea_takes_measures_against_north_korea(client: FlaskClient) -> None:
    against = _edges(client, "?country=KP&direction=in&role=target")
    assert against
    assert {e["from"] for e in against} >= {"KR"}
    assert all(e["to"] == "KP" and e["role"] == "target" for e in against)
    kr_types = {e["type"] for e in against if e["from"] == "KR"}
    assert {"sanction", "diplomatic_action"} <= kr_types


def test_every_edge_counts_its_sorted_measures(client: FlaskClient) -> None:
    edges = _edges(client)
    assert edges
    for edge in edges:
        assert edge["count"] == len(edge["measure_ids"]) >= 1
        assert edge["measure_ids"] == sorted(set(edge["measure_ids"]))
    order = [(-e["count"], e["from"], e["to"], e["role"], e["type"]) for e in edges]
    assert order == sorted(order)


def test_the_edges_are_exactly_those_the_measures_imply(client: FlaskClient) -> None:
    assert _as_dict(_edges(client)) == _expected(_measures(client))


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("country=kr&direction=out", lambda k: k[0] == "KR"),
        ("country=KR&direction=in", lambda k: k[1] == "KR"),
        ("country=KR", lambda k: "KR" in k[:2]),
        ("country=KR&direction=any", lambda k: "KR" in k[:2]),
        ("type=arms_transfer,sanction", lambda k: k[3] in {"arms_transfer", "sanction"}),
        ("role=beneficiary", lambda k: k[2] == "beneficiary"),
        (
            "role=partner,target&type=sanction",
            lambda k: k[2] != "beneficiary" and k[3] == "sanction",
        ),
    ],
)
def test_relations_filter(client: FlaskClient, query: str, keep: Any) -> None:
    every = _as_dict(_edges(client))
    kept = _as_dict(_edges(client, f"?{query}"))
    assert kept
    assert kept == {key: ids for key, ids in every.items() if keep(key)}
    assert len(kept) < len(every)


def test_the_status_filter_keeps_the_edges_of_measures_with_that_status(
    client: FlaskClient,
) -> None:
    kept = _as_dict(_edges(client, "?status=threatened,announced"))
    assert kept
    assert kept == _expected(_measures(client, "&status=threatened,announced"))


def test_relations_as_of_a_date_count_only_measures_with_a_status_then(
    client: FlaskClient,
) -> None:
    then = _as_dict(_edges(client, "?as_of=2024-10-22"))
    assert then == _expected(_measures(client, "&as_of=2024-10-22"))
    assert "kr-weapons-to-ukraine" in then[("KR", "UA", "beneficiary", "military_aid")]
    before = _as_dict(_edges(client, "?as_of=2024-10-21"))
    assert ("KR", "UA", "beneficiary", "military_aid") not in before


@pytest.mark.parametrize(
    ("query", "status", "name"),
    [
        ("role=imposer", 422, "role"),
        ("direction=sideways&country=KR", 422, "direction"),
        ("country=XX", 422, "country"),
        ("type=embargo", 422, "type"),
        ("status=", 422, "status"),
        ("limit=10", 400, "limit"),
    ],
)
def test_a_bad_parameter_is_a_problem_naming_it(
    client: FlaskClient, query: str, status: int, name: str
) -> None:
    r = client.get(f"/v1/relations?{query}")
    assert r.status_code == status, r.json
    assert r.content_type == "application/problem+json"
    assert [e["name"] for e in r.json["errors"]] == [name]


def test_relations_carry_an_etag(client: FlaskClient) -> None:
    r = client.get("/v1/relations?country=KR")
    assert r.status_code == 200, r.json
    again = client.get("/v1/relations?country=KR", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
