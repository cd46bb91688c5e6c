"""``measures.country_roles`` mirrors each measure's countries, and filters exactly as they do."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import Measure
from service.schemas.measures import MeasureCreateSchema
from service.services import country_filter, measures
from tests.helpers import every
from tests.test_writes import new_measure

ROLES = ["imposer", "target", "beneficiary", "partner"]


def test_every_measure_carries_the_key_of_its_countries(session: Session) -> None:
    found = session.scalars(select(Measure)).all()
    assert found
    for measure in found:
        assert measure.country_roles == country_filter.key(measure.countries), measure.id
        for country in measure.countries:
            for token in (f"{country.country_code}:{country.role}", f"{country.country_code}:*"):
                assert f" {token} " in measure.country_roles


def test_a_write_that_changes_the_countries_changes_the_key(session: Session) -> None:
    data = new_measure(id="test-key", countries=[{"country": "kr", "role": "imposer"}])
    measures.put(session, MeasureCreateSchema().load(data))
    assert session.get(Measure, "test-key").country_roles == " *:imposer  KR:*  KR:imposer "  # type: ignore[union-attr]
    data["countries"] = [{"country": "UA", "role": "target"}, {"country": "KR", "role": "partner"}]
    measures.put(session, MeasureCreateSchema().load(data))
    measure = session.get(Measure, "test-key")
    assert measure is not None
    assert measure.country_roles == " *:partner  *:target  KR:*  KR:partner  UA:*  UA:target "


def _ids(client: FlaskClient, query: str) -> set[str]:
    return {m["id"] for m in every(client, f"/v1/measures?{query}")}


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


def test_on_postgresql_the_country_filter_is_served_by_its_gin_index(
    session: Session, backend: str
) -> None:
    """The filter's expression must be the index's, letter for letter, or it goes unused."""
    from sqlalchemy import text

    if backend != "postgresql":
        pytest.skip("SQLite has no GIN index: it tests the row and probes measure_countries")
    session.execute(text("SET LOCAL enable_seqscan = off"))
    stmt = select(Measure.id).where(country_filter.has("KR", "imposer"))
    compiled = stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    plan = "\n".join(session.execute(text(f"EXPLAIN {compiled}")).scalars())
    assert country_filter.TOKENS_INDEX in plan, plan
