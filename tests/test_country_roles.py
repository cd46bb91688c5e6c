"""``measures.country_roles`` mirrors each measure's countries, and filters exactly as they do."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import Measure
from service.schemas.measures import MeasureCreateSchema
from service.services import measures
from tests.test_writes import ARTICLE, SPY_AGENCY

ROLES = ["imposer", "target", "beneficiary", "partner"]


def test_every_measure_carries_the_key_of_its_countries(session: Session) -> None:
    found = session.scalars(select(Measure)).all()
    assert found
    for measure in found:
        assert measure.country_roles == measures.country_roles_key(measure.countries), measure.id
        for country in measure.countries:
            assert f" {country.country_code}:{country.role} " in measure.country_roles


def test_a_write_that_changes_the_countries_changes_the_key(session: Session) -> None:
    data: dict[str, Any] = {
        "id": "test-key",
        "type": "sanction",
        "status": "threatened",
        "title": "A test",
        "countries": [{"country": "kr", "role": "imposer"}],
        "citations": [{"source": ARTICLE, "quote": SPY_AGENCY}],
    }
    measures.put(session, MeasureCreateSchema().load(data))
    assert session.get(Measure, "test-key").country_roles == " KR:imposer "  # type: ignore[union-attr]
    data["countries"] = [{"country": "UA", "role": "target"}, {"country": "KR", "role": "partner"}]
    measures.put(session, MeasureCreateSchema().load(data))
    measure = session.get(Measure, "test-key")
    assert measure is not None
    assert measure.country_roles == " KR:partner  UA:target "


def _ids(client: FlaskClient, query: str) -> set[str]:
    ids: set[str] = set()
    url: str | None = f"/v1/measures?{query}&limit=200"
    while url:
        r = client.get(url)
        assert r.status_code == 200, r.json
        assert r.json is not None
        ids |= {m["id"] for m in r.json["items"]}
        cursor = r.json["next_cursor"]
        url = f"/v1/measures?{query}&limit=200&cursor={cursor}" if cursor else None
    return ids


@pytest.mark.parametrize("role", [None, *ROLES])
def test_country_and_role_filters_match_the_measures_countries(
    client: FlaskClient, session: Session, role: str | None
) -> None:
    every = session.scalars(select(Measure)).all()
    codes = sorted({c.country_code for m in every for c in m.countries})
    assert len(codes) > 3
    for code in [*codes, None]:
        if code is None and role is None:
            continue
        expected = {
            m.id
            for m in every
            if any(
                (code is None or c.country_code == code) and (role is None or c.role == role)
                for c in m.countries
            )
        }
        query = "&".join(
            part
            for part in (f"country={code.lower()}" if code else "", f"role={role}" if role else "")
            if part
        )
        assert _ids(client, query) == expected, query
