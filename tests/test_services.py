"""Service rules that the seeds and, later, API writes share."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import InvalidReference
from service.models import Measure
from service.schemas.measures import MeasureCreateSchema
from service.services import measures


def _as_input(measure: Measure, **changes: Any) -> dict[str, Any]:
    data = {
        "id": measure.id,
        "type": measure.type,
        "status": measure.status,
        "title": measure.title,
        "citations": [
            {"source": c.source_id, "quote": c.quote, "occurrence": None} for c in measure.citations
        ],
        "status_history": [],
    }
    for citation in data["citations"]:
        citation.pop("occurrence")
    data.update(changes)
    loaded: dict[str, Any] = MeasureCreateSchema().load(data)
    return loaded


def _package_with_stage(session: Session) -> tuple[Measure, Measure]:
    child = session.scalars(select(Measure).where(Measure.parent_id.is_not(None))).first()
    assert child is not None and child.parent_id is not None
    parent = session.get(Measure, child.parent_id)
    assert parent is not None
    return parent, child


def test_a_measure_cannot_become_a_stage_of_its_own_stage(session: Session) -> None:
    parent, child = _package_with_stage(session)
    with pytest.raises(InvalidReference, match="cannot be a stage of itself") as raised:
        measures.put(session, _as_input(parent, parent=child.id))
    assert raised.value.errors[0]["name"] == "parent"


def test_a_measure_naming_an_unknown_parent_is_rejected(session: Session) -> None:
    parent, _ = _package_with_stage(session)
    with pytest.raises(InvalidReference, match="no measure with id 'no-such-package'"):
        measures.put(session, _as_input(parent, parent="no-such-package"))


def test_updating_a_measure_bumps_updated_at_and_keeps_created_at(session: Session) -> None:
    parent, _ = _package_with_stage(session)
    created, updated = parent.created_at, parent.updated_at
    _, outcome = measures.put(session, _as_input(parent, title=parent.title + " (revised)"))
    session.flush()
    assert outcome == "updated"
    assert parent.created_at == created and parent.updated_at > updated


def test_a_measure_may_cite_the_same_words_twice(empty_session: Session) -> None:
    from service.services import countries, sources

    countries.sync_iso(empty_session, {})
    text = "Seoul will take phased measures, the office said."
    sources.put(
        empty_session,
        {
            "id": "office-release",
            "title": None,
            "publisher": None,
            "byline": None,
            "published_on": None,
            "revised_on": None,
            "url": None,
            "language": "en",
            "text": text,
        },
    )
    quote = {"source": "office-release", "quote": "will take phased measures"}
    data = MeasureCreateSchema().load(
        {
            "id": "kr-phased-measures",
            "type": "response_package",
            "status": "announced",
            "title": "Phased measures",
            "countries": [{"country": "kr", "role": "imposer"}],
            "citations": [quote],
            "status_history": [{"status": "announced", "citation": quote}],
        }
    )
    with empty_session.no_autoflush:
        measure, outcome = measures.put(empty_session, data)
    empty_session.flush()
    assert outcome == "created"
    assert measure.citations[0] is measure.status_history[0].citation
    assert text[measure.citations[0].start : measure.citations[0].end] == quote["quote"]
    assert measure.countries[0].country_code == "KR"


def test_a_committed_test_write_is_rolled_back_with_the_test(
    session: Session, seeded_engine: Any
) -> None:
    """Savepoints really nest on both databases (pysqlite would otherwise leak the write)."""
    from service.models import Actor

    actor = session.get(Actor, "yoon-suk-yeol")
    assert actor is not None
    actor.role = "A role no test should ever see"
    session.commit()
    with Session(seeded_engine) as other:
        stored = other.get(Actor, "yoon-suk-yeol")
        assert stored is not None and stored.role != "A role no test should ever see"
