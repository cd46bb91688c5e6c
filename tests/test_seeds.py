"""The seeds capture the articles, cite them letter for letter, and load safely."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.models import (
    Actor,
    Citation,
    Country,
    Measure,
    MeasureStatusChange,
    Source,
    Statement,
    Trigger,
)
from service.seeding import SeedError, load
from tests.conftest import SEEDS


def _roles(measure: Measure) -> set[tuple[str, str]]:
    return {(c.country_code, c.role) for c in measure.countries}


def test_every_citation_is_the_exact_text_at_its_offsets(session: Session) -> None:
    citations = session.scalars(select(Citation)).all()
    assert len(citations) > 50
    for citation in citations:
        source = session.get(Source, citation.source_id)
        assert source is not None
        assert source.text[citation.start : citation.end] == citation.quote, citation.id


def test_every_source_is_an_article_stored_byte_for_byte(session: Session) -> None:
    sources = session.scalars(select(Source)).all()
    articles = sorted((SEEDS / "articles").glob("*.txt"))
    assert len(sources) == len(articles) == 5
    assert {s.text for s in sources} == {a.read_text(encoding="utf-8") for a in articles}


def test_every_record_cites_at_least_one_quote(session: Session) -> None:
    for model in (Actor, Trigger, Measure):
        for record in session.scalars(select(model)):
            assert record.citations, f"{model.__name__} {record.id} cites nothing"
    for measure in session.scalars(select(Measure)):
        assert measure.status_history, measure.id
        assert measure.status_history[-1].status == measure.status, measure.id


def test_all_iso_countries_are_loaded_with_the_aliases_the_articles_use(session: Session) -> None:
    assert session.scalar(select(func.count()).select_from(Country)) == 249
    korea_north = session.get(Country, "KP")
    assert korea_north is not None
    assert {"Pyongyang", "DPRK"} <= set(korea_north.aliases)


def test_seeds_capture_the_k2_tank_deal_for_poland(session: Session) -> None:
    deals = [
        m
        for m in session.scalars(select(Measure).where(Measure.type == "arms_transfer"))
        if any("K-2" in item.name and item.category == "tank" for item in m.items)
    ]
    assert len(deals) == 1
    assert {("KR", "imposer"), ("PL", "beneficiary")} <= _roles(deals[0])


def test_seeds_capture_conditional_weapons_for_ukraine(session: Session) -> None:
    weapons = [
        m
        for m in session.scalars(select(Measure).where(Measure.conditional.is_(True)))
        if ("UA", "beneficiary") in _roles(m) and m.type in {"military_aid", "arms_transfer"}
    ]
    assert weapons, "South Korea's conditional supply of weapons to Ukraine is missing"
    assert all(("KR", "imposer") in _roles(m) and m.condition for m in weapons)


def test_seeds_capture_the_phased_measures_and_their_stages(session: Session) -> None:
    packages = session.scalars(select(Measure).where(Measure.type == "response_package")).all()
    assert any(len(p.children) >= 2 for p in packages), [p.id for p in packages]


def test_seeds_keep_each_troop_figure_with_who_reported_it(session: Session) -> None:
    figures = session.scalars(select(Statement).where(Statement.figure_value.is_not(None))).all()
    values = {s.figure_value for s in figures}
    assert {1500, 3000, 10000, 12000} <= values, values
    for statement in figures:
        assert statement.actor_id and statement.figure_unit, statement.id
    vladivostok = [s for s in figures if s.figure_place == "Vladivostok"]
    assert [s.figure_value for s in vladivostok] == [1500]


TROOPS = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+) (?:North Korean )?(?:troops|soldiers)")
ATTRIBUTED = re.compile(r"\b(said|reported|according to|told|informed|revealed|claims)\b")


def _sentences(text: str) -> list[tuple[int, str]]:
    """``(offset, sentence)``: a full stop ends one only after a lower-case word ("U.S." not)."""
    ends = [m.end() for m in re.finditer(r"(?<=[a-z0-9”’)]\.)\s+(?=[A-Z“])|\n+", text)]
    starts = [0, *ends]
    return [(a, text[a:b]) for a, b in zip(starts, [*ends, len(text)], strict=True)]


def test_every_troop_number_an_article_attributes_is_a_figure(session: Session) -> None:
    """Each number of troops in a sentence that says who gave it is a statement's figure."""
    figures = session.scalars(select(Statement).where(Statement.figure_value.is_not(None))).all()
    spans = [
        (s.citation.source_id, s.figure_value, s.citation.start, s.citation.end) for s in figures
    ]
    checked = []
    for source in session.scalars(select(Source)):
        for start, sentence in _sentences(source.text):
            if not ATTRIBUTED.search(sentence):
                continue
            for number in TROOPS.finditer(sentence):
                value = int(number.group(1).replace(",", ""))
                at = start + number.start()
                cited = [
                    span
                    for span in spans
                    if span[:2] == (source.id, value) and span[2] <= at < span[3]
                ]
                assert cited, (source.id, value, sentence.strip())
                checked.append((source.id, value))
    assert len(checked) >= 8, checked


def test_seeds_keep_every_denial_with_who_denied(session: Session) -> None:
    denials = session.scalars(select(Statement).where(Statement.stance == "deny")).all()
    deniers = {session.get(Actor, s.actor_id).country_code for s in denials}
    assert {"RU", "KP"} <= deniers
    assert any("fake news" in s.citation.quote for s in denials)
    assert any("groundless" in s.citation.quote for s in denials)


def test_seeds_keep_condemnations_warnings_and_demands(session: Session) -> None:
    stances = set(session.scalars(select(Statement.stance).distinct()))
    assert {"condemn", "warn", "demand", "pledge", "report", "deny", "assess"} <= stances


def _dates(
    session: Session,
) -> Iterator[tuple[str, str, dt.date, str | None, dict[str, Any], list[Citation]]]:
    """Every recorded date: (record, path of its flag, date, precision, flag, citations)."""
    stated = {"basis": "stated", "note": None}

    def flag(record: Measure | Trigger | Statement, path: str) -> dict[str, Any]:
        return record.provenance.get(path, stated)

    for m in session.scalars(select(Measure)):
        every = [*m.citations, *(h.citation for h in m.status_history)]
        for index, change in enumerate(m.status_history):
            if change.changed_on:
                path = f"status_history.{index}"
                precision = change.changed_on_precision
                yield m.id, path, change.changed_on, precision, flag(m, path), [change.citation]
        for name in ("announced_on", "effective_on", "expected_by"):
            if (value := getattr(m, name)) is not None:
                precision = getattr(m, f"{name}_precision")
                yield m.id, name, value, precision, flag(m, name), every
    for s in session.scalars(select(Statement)):
        if s.said_on:
            yield s.id, "said_on", s.said_on, s.said_on_precision, flag(s, "said_on"), [s.citation]
        if s.figure_as_of:
            as_of, precision = s.figure_as_of, s.figure_as_of_precision
            yield s.id, "figure", as_of, precision, flag(s, "figure"), [s.citation]
    for t in session.scalars(select(Trigger).where(Trigger.occurred_on.is_not(None))):
        precision = t.occurred_on_precision
        yield t.id, "occurred_on", t.occurred_on, precision, flag(t, "occurred_on"), t.citations


def test_a_date_is_recorded_only_where_a_cited_article_gives_its_year(session: Session) -> None:
    """Stated: written in a cited quote. Derived: the year in a cited article, and a note
    saying how. A date no cited article gives the year of is inferred, with a note."""
    bases = []
    for key, path, date, precision, flag, citations in _dates(session):
        where = (key, path, flag)
        bases.append(flag["basis"])
        if flag["basis"] == "inferred":
            assert flag["note"], where
            continue
        articles = " ".join(session.get(Source, c.source_id).text for c in citations)
        assert str(date.year) in articles, where
        if flag["basis"] == "derived":
            assert flag["note"], where
            continue
        quotes = " ".join(c.quote for c in citations)
        assert str(date.year) in quotes, where
        if precision in ("month", "day"):
            assert date.strftime("%b") in quotes, where
        if precision == "day":
            assert re.search(rf"{date.strftime('%b')}\w*\.? {date.day}\b", quotes), where
    assert {"stated", "derived", "inferred"} <= set(bases), bases


def test_the_june_dates_are_all_inferred_alike(session: Session) -> None:
    """The June summit's year is stated nowhere: every June date carries the same basis."""
    june = [
        (key, path, flag["basis"])
        for key, path, date, _, flag, _ in _dates(session)
        if date.month == 6
    ]
    assert len(june) >= 5, june
    assert {basis for *_, basis in june} == {"inferred"}, june


def test_a_derived_or_inferred_claim_says_how_it_is_known(session: Session) -> None:
    flagged = 0
    for model in (Measure, Trigger, Statement):
        for record in session.scalars(select(model)):
            for path, flag in record.provenance.items():
                if flag["basis"] != "stated":
                    assert flag["note"], (record.id, path)
                    flagged += 1
            bases = [f["basis"] for f in record.provenance.values()]
            weakest = max(bases, key=["stated", "derived", "inferred"].index, default="stated")
            assert record.basis == weakest, record.id
    assert flagged >= 35


def test_loading_the_seeds_again_changes_nothing(session: Session) -> None:
    stamps = session.execute(select(Measure.id, Measure.updated_at).order_by(Measure.id)).all()
    report = load(session, SEEDS)
    assert report.changed == 0, str(report)
    assert (
        session.execute(select(Measure.id, Measure.updated_at).order_by(Measure.id)).all() == stamps
    )


def _copy_seeds(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def _edit(seeds: Path, file: str, index: int, **changes: object) -> str:
    path = seeds / file
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    records[index].update(changes)
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(records[index]["id"])


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_quote_not_in_the_article_fails_the_whole_load(
    empty_session: Session, tmp_path: Path
) -> None:
    seeds = _copy_seeds(tmp_path)
    record = _edit(
        seeds,
        "measures.yaml",
        -1,
        citations=[{"source": "nowhere", "quote": "x"}],
    )
    with pytest.raises(SeedError) as raised:
        load(empty_session, seeds)
    assert raised.value.file == "measures.yaml" and raised.value.record == record
    assert "no source with id 'nowhere'" in raised.value.reason
    for model in (Country, Source, Actor, Trigger, Measure, MeasureStatusChange, Citation):
        assert _count(empty_session, model) == 0, model


def test_a_misquoted_citation_names_file_record_and_reason(
    empty_session: Session, tmp_path: Path
) -> None:
    seeds = _copy_seeds(tmp_path)
    records = yaml.safe_load((seeds / "statements.yaml").read_text(encoding="utf-8"))
    source = records[-1]["citation"]["source"]
    record = _edit(
        seeds, "statements.yaml", -1, citation={"source": source, "quote": "sit idly by forever"}
    )
    with pytest.raises(SeedError, match="does not occur verbatim") as raised:
        load(empty_session, seeds)
    assert str(raised.value).startswith(f"statements.yaml, record '{record}': citation.quote")
    assert _count(empty_session, Statement) == 0 and _count(empty_session, Measure) == 0


def test_a_value_outside_its_vocabulary_fails_the_load(
    empty_session: Session, tmp_path: Path
) -> None:
    seeds = _copy_seeds(tmp_path)
    record = _edit(seeds, "triggers.yaml", 0, verification="rumoured")
    with pytest.raises(SeedError) as raised:
        load(empty_session, seeds)
    assert raised.value.record == record
    assert raised.value.reason.startswith("verification: Must be one of:")
    assert _count(empty_session, Trigger) == 0


def test_the_same_record_twice_in_a_file_fails_the_load(
    empty_session: Session, tmp_path: Path
) -> None:
    seeds = _copy_seeds(tmp_path)
    records = yaml.safe_load((seeds / "actors.yaml").read_text(encoding="utf-8"))
    records.append(records[0])
    (seeds / "actors.yaml").write_text(yaml.safe_dump(records, allow_unicode=True))
    with pytest.raises(SeedError, match="id used twice"):
        load(empty_session, seeds)
    assert _count(empty_session, Actor) == 0
