"""The fast read path renders measures exactly as their schema documents them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import Measure
from service.schemas.measures import MeasureSchema
from service.services.as_of import MeasureAsOf
from service.services.measure_documents import documents


def test_documents_equal_the_schema_dump_of_every_measure(session: Session) -> None:
    measures = session.scalars(select(Measure).order_by(Measure.id)).all()
    assert len(measures) > 10
    assert documents(session, measures) == MeasureSchema(many=True).dump(measures)


@pytest.mark.parametrize(
    "day", ["2022-03-01", "2024-06-19", "2024-10-21", "2024-10-22", "2025-01-01"]
)
def test_documents_as_of_a_date_equal_the_schema_dump_of_the_as_of_views(
    session: Session, day: str
) -> None:
    as_of = dt.date.fromisoformat(day)
    views = [
        view
        for view in (MeasureAsOf(m, as_of) for m in session.scalars(select(Measure)))
        if view.status is not None
    ]
    assert documents(session, views, as_of) == MeasureSchema(many=True).dump(views)


def test_documents_keep_the_order_they_are_given(session: Session) -> None:
    measures = session.scalars(select(Measure).order_by(Measure.title.desc())).all()
    assert [d["id"] for d in documents(session, measures)] == [m.id for m in measures]
    assert documents(session, []) == []
