"""The benchmark's registers build as an existing register would: at 0001, then upgraded."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.bench import databases
from service.extensions import make_engine
from service.models import Measure, MeasureDocument


def test_a_small_synthetic_register_builds_and_upgrades_to_head(
    backend: str, empty_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # empty_url: PostgreSQL's half skips, or fails under REQUIRE_POSTGRES, as every test's.
    url = databases.build(backend, 300, tmp_path)
    request.addfinalizer(lambda: databases.drop(backend, url))
    assert databases.existing(url, 300)
    engine = make_engine(url)
    with engine.connect() as connection:
        documents = connection.scalar(select(func.count()).select_from(MeasureDocument))
        unkeyed = connection.scalar(
            select(func.count()).select_from(Measure).where(Measure.country_roles == "")
        )
    engine.dispose()
    assert documents == 300  # every measure's document, from the upgrade's backfill
    assert unkeyed == 0  # every synthetic measure has countries, so a country_roles key
