"""Relations: country-to-country edges drawn from the measures and the triggers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
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


def _expected_of_triggers(triggers: list[dict[str, Any]]) -> dict[Key, list[str]]:
    """The trigger edges, computed independently: originator to each other country."""
    edges: dict[Key, set[str]] = defaultdict(set)
    for trigger in triggers:
        origins = [c["country"] for c in trigger["countries"] if c["role"] == "originator"]
        for origin in origins:
            for other in trigger["countries"]:
                if other["role"] != "originator" and other["country"] != origin:
                    edges[(origin, other["country"], other["role"], trigger["kind"])].add(
                        trigger["id"]
                    )
    return {key: sorted(ids) for key, ids in edges.items()}


def _edges(client: FlaskClient, query: str = "") -> list[dict[str, Any]]:
    r = client.get(f"/v1/relations{query}")
    assert r.status_code == 200, r.json
    return list(r.json["items"])


def _as_dict(edges: list[dict[str, Any]], edge: str = "measure") -> dict[Key, list[str]]:
    return {
        (e["from"], e["to"], e["role"], e["type"]): e[f"{edge}_ids"]
        for e in edges
        if e["edge"] == edge
    }


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


def test_every_edge_counts_its_sorted_records(client: FlaskClient) -> None:
    edges = _edges(client)
    assert {e["edge"] for e in edges} == {"measure", "trigger"}
    for edge in edges:
        ids = edge[f"{edge['edge']}_ids"]
        assert edge["count"] == len(ids) >= 1
        assert ids == sorted(set(ids))
        assert edge["measure_ids" if edge["edge"] == "trigger" else "trigger_ids"] == []
    order = [(-e["count"], e["from"], e["to"], e["role"], e["type"], e["edge"]) for e in edges]
    assert order == sorted(order)


def test_the_edges_are_exactly_those_the_measures_and_triggers_imply(
    client: FlaskClient,
) -> None:
    edges = _edges(client)
    assert _as_dict(edges) == _expected(_measures(client))
    triggers = client.get("/v1/triggers?limit=200").json["items"]
    assert _as_dict(edges, "trigger") == _expected_of_triggers(triggers)


def test_the_troop_deployment_is_an_edge_from_north_korea_to_russia(client: FlaskClient) -> None:
    edges = _as_dict(_edges(client, "?country=KP&direction=out&edge=trigger"), "trigger")
    assert "kp-troops-to-russia" in edges[("KP", "RU", "host", "troop_deployment")]
    assert "kp-troops-to-russia" in edges[("KP", "UA", "affected", "troop_deployment")]
    only = _edges(client, "?trigger_kind=troop_deployment&role=host")
    assert {(e["edge"], e["from"], e["to"]) for e in only} == {("trigger", "KP", "RU")}


@pytest.mark.parametrize(
    ("query", "kinds"),
    [
        ("edge=measure", {"measure"}),
        ("edge=trigger", {"trigger"}),
        ("type=sanction", {"measure"}),
        ("status=announced", {"measure"}),
        ("trigger_kind=treaty,summit", {"trigger"}),
        ("role=host", {"trigger"}),
        ("role=target", {"measure"}),
        ("role=target,host", {"measure", "trigger"}),
    ],
)
def test_a_filter_of_one_kind_of_record_lists_only_its_edges(
    client: FlaskClient, query: str, kinds: set[str]
) -> None:
    assert {e["edge"] for e in _edges(client, f"?{query}")} == kinds


def test_an_undated_trigger_counts_from_the_first_article_that_reports_it(
    client: FlaskClient, auth_headers: Callable[..., dict[str, str]]
) -> None:
    key = ("KP", "RU", "host", "troop_deployment")
    assert client.get("/v1/triggers/kp-troops-to-russia").json["occurred_on"] is None
    # The seeded articles carry no date: as of any day, nobody can say it was known yet.
    assert key not in _as_dict(_edges(client, "?as_of=2099-01-01&edge=trigger"), "trigger")
    path = "/v1/sources/kr-phased-measures-article"  # one of the articles citing it
    r = client.patch(
        path,
        json={"published_on": "2024-10-25"},
        headers={**auth_headers("write"), "If-Match": client.get(path).headers["ETag"]},
    )
    assert r.status_code == 200, r.json
    assert key in _as_dict(_edges(client, "?as_of=2024-10-25&edge=trigger"), "trigger")
    assert key not in _as_dict(_edges(client, "?as_of=2024-10-24&edge=trigger"), "trigger")
    # A dated one counts from its date: the treaty of 19 June 2024.
    treaty = ("RU", "KP", "host", "summit")
    assert treaty in _as_dict(_edges(client, "?as_of=2024-06-19&edge=trigger"), "trigger")
    assert treaty not in _as_dict(_edges(client, "?as_of=2024-06-18&edge=trigger"), "trigger")


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("country=kr&direction=out", lambda k: k[0] == "KR"),
        ("country=RU&direction=in", lambda k: k[1] == "RU"),
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
    before = _as_dict(_edges(client, "?as_of=2024-06-22"))
    assert ("KR", "UA", "beneficiary", "military_aid") not in before


@pytest.mark.parametrize(
    ("query", "status", "name"),
    [
        ("role=imposer", 422, "role"),
        ("direction=sideways&country=KR", 422, "direction"),
        ("country=XX", 422, "country"),
        ("type=embargo", 422, "type"),
        ("trigger_kind=sanction", 422, "trigger_kind"),
        ("edge=statement", 422, "edge"),
        ("role=originator", 422, "role"),
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
