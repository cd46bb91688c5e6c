"""International organisations hold roles as countries do, and never stand for their members."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from followthemoney import model
from sqlalchemy import select
from sqlalchemy.orm import Session

from service import vocabularies as vocab
from service.errors import InvalidReference
from service.models import Country, MeasureCountry, Organisation, Party
from service.seeding import load
from service.services import organisations
from tests.helpers import every
from tests.test_seeds import SEEDS
from tests.test_writes import new_actor, new_measure

EU_ON_RU = new_measure(
    id="test-eu-sanctions-on-russia",
    title="The EU sanctions Russia",
    status="in_force",
    countries=[{"country": "EU", "role": "imposer"}, {"country": "RU", "role": "target"}],
)


@pytest.fixture
def key(auth_headers: Callable[..., dict[str, str]]) -> dict[str, str]:
    return auth_headers("write")


@pytest.fixture
def eu_measure(client: FlaskClient, key: dict[str, str]) -> dict[str, Any]:
    r = client.post("/v1/measures", json=EU_ON_RU, headers=key)
    assert r.status_code == 201, r.json
    return dict(r.json)


def _ids(client: FlaskClient, query: str) -> set[str]:
    return {m["id"] for m in every(client, f"/v1/measures?{query}")}


def test_every_organisation_is_seeded_under_a_code_no_country_holds(session: Session) -> None:
    found = {o.code: o for o in session.scalars(select(Organisation))}
    assert set(found) == set(vocab.ORGANISATIONS)
    countries = set(session.scalars(select(Country.code)))
    assert len(countries) == 249 and not countries & set(found)
    assert found["EU"].name == "European Union" and found["EU"].alpha3 is None
    assert session.get(Country, "EU") is None
    assert isinstance(session.get(Party, "EU"), Organisation)


def test_a_measure_imposed_by_the_eu_is_accepted_and_filtered_by_it(
    client: FlaskClient, eu_measure: dict[str, Any]
) -> None:
    assert eu_measure["countries"] == [
        {"country": "EU", "role": "imposer"},
        {"country": "RU", "role": "target"},
    ]
    assert _ids(client, "country=EU&role=imposer") == {EU_ON_RU["id"]}
    assert _ids(client, "country=eu") == {EU_ON_RU["id"]}
    assert EU_ON_RU["id"] in _ids(client, "country=RU&role=target")
    nested = every(client, "/v1/organisations/eu/measures?role=imposer")
    assert [m["id"] for m in nested] == [EU_ON_RU["id"]]


def test_the_eu_imposing_makes_no_member_state_an_imposer(
    client: FlaskClient, session: Session, eu_measure: dict[str, Any]
) -> None:
    rows = session.scalars(
        select(MeasureCountry).where(MeasureCountry.measure_id == EU_ON_RU["id"])
    ).all()
    assert sorted((r.country_code, r.role) for r in rows) == [("EU", "imposer"), ("RU", "target")]
    for member in ("DE", "FR", "PL", "IT"):
        assert EU_ON_RU["id"] not in _ids(client, f"country={member}"), member
    edges = client.get("/v1/relations?country=RU").json["items"]
    assert {e["from"] for e in edges if EU_ON_RU["id"] in e.get("measure_ids", [])} == {"EU"}


def test_relations_show_an_edge_from_the_eu_to_russia(
    client: FlaskClient, eu_measure: dict[str, Any]
) -> None:
    r = client.get("/v1/relations?country=EU")
    assert r.status_code == 200, r.json
    edges = [(e["from"], e["to"], e["role"], e["type"]) for e in r.json["items"]]
    assert edges == [("EU", "RU", "target", "sanction")]
    assert r.json["items"][0]["measure_ids"] == [EU_ON_RU["id"]]


def test_a_trigger_and_an_actor_may_name_an_organisation(
    client: FlaskClient, key: dict[str, str]
) -> None:
    trigger = client.get("/v1/triggers/kp-troops-to-russia").json
    body = {k: trigger[k] for k in ("title", "kind", "verification")}
    body |= {
        "id": "test-unsc-trigger",
        "citations": [{"source": c["source"], "quote": c["quote"]} for c in trigger["citations"]],
        "countries": [{"country": "UNSC", "role": "affected"}],
    }
    r = client.post("/v1/triggers", json=body, headers=key)
    assert r.status_code == 201, r.json
    assert [t["id"] for t in every(client, "/v1/triggers?country=unsc")] == ["test-unsc-trigger"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/measures", new_measure(countries=[{"country": "NOPE", "role": "imposer"}])),
        ("/v1/measures", new_measure(countries=[{"country": "XX", "role": "imposer"}])),
    ],
)
def test_an_unknown_party_code_is_a_422_naming_the_field(
    client: FlaskClient, key: dict[str, str], path: str, body: dict[str, Any]
) -> None:
    r = client.post(path, json=body, headers=key)
    assert r.status_code == 422, r.json
    assert r.json["errors"][0]["name"] == "countries.0.country", r.json
    r = client.get("/v1/measures?country=NOPE")
    assert r.status_code == 422, r.json
    assert r.json["errors"][0]["name"] == "country", r.json


def test_organisations_have_their_own_collection_and_are_not_countries(
    client: FlaskClient,
) -> None:
    codes = [o["code"] for o in every(client, "/v1/organisations")]
    assert codes == sorted(vocab.ORGANISATIONS)
    assert client.get("/v1/organisations/eu").json["name"] == "European Union"
    assert client.get("/v1/organisations?q=Security Council").json["items"][0]["code"] == "UNSC"
    assert client.get("/v1/organisations/KR").status_code == 404
    assert client.get("/v1/countries/EU").status_code == 404
    countries = every(client, "/v1/countries")
    assert len(countries) == 249 and "EU" not in {c["code"] for c in countries}
    assert client.get("/v1/organisations/EU/timeline").status_code == 200


def test_csv_and_ndjson_exports_name_the_eu_as_imposer(
    client: FlaskClient, eu_measure: dict[str, Any]
) -> None:
    r = client.get("/v1/measures.csv?country=EU")
    assert r.status_code == 200, r.data
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [(row["id"], row["imposers"], row["targets"]) for row in rows] == [
        (EU_ON_RU["id"], "EU", "RU")
    ]
    r = client.get("/v1/export")
    lines = [json.loads(line) for line in r.get_data(as_text=True).splitlines()]
    measure = next(
        line["record"]
        for line in lines
        if line.get("collection") == "measures" and line["record"]["id"] == EU_ON_RU["id"]
    )
    assert measure["countries"] == eu_measure["countries"]
    parties = [
        line["record"]["code"] for line in lines if line.get("collection") == "organisations"
    ]
    assert "EU" in parties
    first = [line.get("collection") for line in lines]
    assert first.index("organisations") < first.index("measures")


def test_ftm_exports_the_eu_as_an_organization_without_members(
    client: FlaskClient, eu_measure: dict[str, Any]
) -> None:
    r = client.get("/v1/export/ftm")
    assert r.status_code == 200, r.data
    entities = {e["id"]: e for e in map(json.loads, r.get_data(as_text=True).splitlines())}
    eu = entities["register-organisation-eu"]
    assert eu["schema"] == "Organization"
    assert eu["properties"]["name"] == ["European Union"]
    assert "country" not in eu["properties"] and "jurisdiction" not in eu["properties"]
    assert model.get_proxy(eu, cleaned=False).to_dict() == eu
    event = entities[f"register-measure-{EU_ON_RU['id']}"]
    assert event["properties"]["organizer"] == ["register-organisation-eu"]
    assert event["properties"]["country"] == ["ru"]
    sanction = entities[f"register-measure-{EU_ON_RU['id']}-sanction-ru"]
    assert sanction["properties"]["authority"] == ["European Union"]
    assert "country" not in sanction["properties"]
    assert sanction["properties"]["entity"] == ["register-country-ru"]


def test_loading_the_organisations_twice_changes_nothing(session: Session) -> None:
    stamps = session.execute(select(Party.code, Party.updated_at).order_by(Party.code)).all()
    report = load(session, SEEDS)
    assert report.counts["organisations"] == {
        "created": 0,
        "updated": 0,
        "unchanged": len(vocab.ORGANISATIONS),
    }
    assert report.changed == 0, str(report)
    again = session.execute(select(Party.code, Party.updated_at).order_by(Party.code)).all()
    assert again == stamps


def test_the_seeds_name_exactly_the_organisations_of_the_vocabulary(session: Session) -> None:
    with pytest.raises(InvalidReference, match="not an organisation code"):
        organisations.seed(session, {"KR": {"name": "Korea"}})
    with pytest.raises(InvalidReference, match="missing organisations"):
        organisations.seed(session, {"EU": {"name": "European Union"}})


def test_an_actor_of_an_organisation_is_exported_without_a_country(
    client: FlaskClient, key: dict[str, str]
) -> None:
    body = new_actor(id="test-eu-spokesperson", kind="intergovernmental_org", country="eu")
    r = client.post("/v1/actors", json=body, headers=key)
    assert r.status_code == 201, r.json
    assert r.json["country"] == "EU"
    assert [a["id"] for a in every(client, "/v1/actors?country=EU")] == ["test-eu-spokesperson"]
    entities = {
        e["id"]: e
        for e in map(json.loads, client.get("/v1/export/ftm").get_data(as_text=True).splitlines())
    }
    actor = entities["register-actor-test-eu-spokesperson"]
    assert actor["schema"] == "Organization" and "country" not in actor["properties"]
