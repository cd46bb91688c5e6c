"""The records a finding might be: narrowed in SQL, then scored (``similarity``).

Records are never read whole: measures of the finding's type that involve one of its
parties (the country filter's index), triggers of its kind that involve one, statements by
its speaker or by actors of the speaker's country, and any record of the kind citing a
passage the finding cites; at most ``SCANNED`` rows each, scored roughly on what those
rows hold (``similarity.rough_words``), and the best ``WEIGHED`` read in full (citations,
summary, status history) to be scored again. One article's findings weigh the same
records: each is read in full once (``Memo``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import Select, case, false, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from service.extraction import gazetteer
from service.extraction.drafts import Draft as Finding
from service.models import (
    Actor,
    Citation,
    Measure,
    Source,
    Statement,
    Trigger,
    TriggerCountry,
    measure_citations,
    trigger_citations,
)
from service.services import country_filter, similarity
from service.services.similarity import Day, Facts, Score

SCANNED: Final = 1000  # rows read to narrow the candidates of one finding
WEIGHED: Final = 25  # of those, the best read in full and scored again


@dataclass
class Memo:
    """What matching one article has read: the findings of an article weigh the same records."""

    facts: dict[tuple[str, str], Facts] = field(default_factory=dict)  # by (kind, id)
    countries: dict[str, str | None] = field(default_factory=dict)  # by actor


# --- What a finding says ----------------------------------------------------------------


def _passages(source: Source, finding: Finding) -> tuple[similarity.Passage, ...]:
    return tuple((source.id, c["start"], c["end"]) for c in finding.citations)


def found_in(
    session: Session, memo: Memo, source: Source, finding: Finding, reported: set[str]
) -> Facts:
    """What ``finding`` says, in the signals' terms; ``reported``: the article's triggers."""
    record = finding.record
    quotes = [c["quote"] for c in finding.citations]
    common: dict[str, Any] = {
        "words": similarity.content_words(*quotes),
        "passages": _passages(source, finding),
    }
    if finding.kind == "statement":
        actor = record.get("actor")
        figure = record.get("figure")
        return Facts(
            **common,
            actor=actor,
            country=_speaker_country(session, memo, actor, record.get("actor_name")),
            stance=record.get("stance"),
            figure=(figure["value"], figure.get("unit")) if figure else None,
        )
    names = ("announced_on", "effective_on", "expected_by", "occurred_on")
    days = [Day.of(record.get(n), record.get(f"{n}_precision")) for n in names]
    return Facts(
        **common,
        parties=frozenset((c["country"], c["role"]) for c in record.get("countries", [])),
        dates=tuple(d for d in days if d is not None),
        triggers=frozenset(reported),
    )


def _speaker_country(
    session: Session, memo: Memo, actor: str | None, name: str | None
) -> str | None:
    """The country of the speaker: its actor's, or the party it names ("Seoul" is KR)."""
    if actor is not None:
        if actor not in memo.countries:
            country = session.scalar(select(Actor.country_code).where(Actor.id == actor))
            memo.countries[actor] = country
        return memo.countries[actor]
    parties = [m for m in gazetteer.find(name or "") if m.kind != "actor"]
    return parties[0].code if parties else None


# --- Narrowing and weighing -------------------------------------------------------------


def weigh(session: Session, memo: Memo, finding: Finding, found: Facts) -> list[Score]:
    """The records of the finding's kind that might be its fact, best first."""
    if finding.kind == "measure":
        return _measures(session, memo, finding, found)
    if finding.kind == "trigger":
        return _triggers(session, memo, finding, found)
    return _statements(session, found)


def _citing(found: Facts) -> Select[Any]:
    """The ids of the citations that overlap a passage the finding cites."""
    overlapping = [
        (Citation.source_id == source) & (Citation.start < end) & (Citation.end > start)
        for source, start, end in found.passages
    ]
    return select(Citation.id).where(or_(*overlapping) if overlapping else false())


def _ranked(scores: Iterable[Score]) -> list[Score]:
    return sorted(scores, key=lambda s: (-s.value, s.id))


def _pairs(tokens: str) -> frozenset[similarity.Pair]:
    """A measure's ``country_roles`` tokens (" KR:imposer  KR:* ") as (code, role) pairs."""
    split = (token.split(":") for token in tokens.split())
    return frozenset((code, role) for code, role in split if "*" not in (code, role))


def _dated(*values: tuple[Any, str | None]) -> tuple[Day, ...]:
    return tuple(d for value, precision in values if (d := Day.of(value, precision)) is not None)


def _in_full(session: Session, memo: Memo, kind: str, keys: list[str]) -> list[tuple[str, Facts]]:
    """The facts of the records ``keys`` of ``kind``, each read in full once per article."""
    missing = [key for key in keys if (kind, key) not in memo.facts]
    if missing and kind == "measure":
        for m in session.scalars(select(Measure).where(Measure.id.in_(missing))):
            memo.facts[kind, m.id] = _measure_facts(m)
    elif missing:
        for t in session.scalars(select(Trigger).where(Trigger.id.in_(missing))):
            memo.facts[kind, t.id] = _trigger_facts(t)
    return [(key, memo.facts[kind, key]) for key in keys if (kind, key) in memo.facts]


def _measures(session: Session, memo: Memo, finding: Finding, found: Facts) -> list[Score]:
    codes = sorted({code for code, _ in found.parties})
    cite = select(measure_citations.c.measure_id).where(
        measure_citations.c.citation_id.in_(_citing(found))
    )
    rows = session.execute(
        select(
            Measure.id,
            Measure.title,
            Measure.country_roles,
            Measure.announced_on,
            Measure.announced_on_precision,
            Measure.effective_on,
            Measure.effective_on_precision,
            Measure.expected_by,
            Measure.expected_by_precision,
        )
        .where(Measure.type == finding.record["type"])
        # Its parties in any role (the extractor may mistake one), or a passage it cites.
        .where(or_(*(country_filter.has(code, None) for code in codes), Measure.id.in_(cite)))
        # Past SCANNED, the records changed last: the ones news is likeliest to tell again.
        .order_by(Measure.updated_at.desc(), Measure.id)
        .limit(SCANNED)
    ).all()
    first = _ranked(
        similarity.score(
            "measure",
            row.id,
            found,
            Facts(
                parties=_pairs(row.country_roles),
                words=similarity.rough_words(row.title),
                dates=_dated(
                    (row.announced_on, row.announced_on_precision),
                    (row.effective_on, row.effective_on_precision),
                    (row.expected_by, row.expected_by_precision),
                ),
            ),
        )
        for row in rows
    )
    keep = [s.id for s in first[:WEIGHED]]
    held = _in_full(session, memo, "measure", keep)
    return _ranked(similarity.score("measure", key, found, facts) for key, facts in held)


def _measure_facts(measure: Measure) -> Facts:
    changes = measure.status_history
    cited = [*measure.citations, *(change.citation for change in changes)]
    return Facts(
        parties=frozenset((c.country_code, c.role) for c in measure.countries),
        words=similarity.content_words(
            measure.title,
            measure.summary,
            measure.condition,
            *(item.name for item in measure.items),
            *(c.quote for c in cited),
        ),
        passages=tuple((c.source_id, c.start, c.end) for c in cited),
        dates=_dated(
            (measure.announced_on, measure.announced_on_precision),
            (measure.effective_on, measure.effective_on_precision),
            (measure.expected_by, measure.expected_by_precision),
            *((change.changed_on, change.changed_on_precision) for change in changes),
        ),
        triggers=frozenset(link.trigger_id for link in measure.triggers),
    )


def _trigger_facts(trigger: Trigger) -> Facts:
    return Facts(
        parties=frozenset((c.country_code, c.role) for c in trigger.countries),
        words=similarity.content_words(
            trigger.title, trigger.description, *(c.quote for c in trigger.citations)
        ),
        passages=tuple((c.source_id, c.start, c.end) for c in trigger.citations),
        dates=_dated((trigger.occurred_on, trigger.occurred_on_precision)),
    )


def _triggers(session: Session, memo: Memo, finding: Finding, found: Facts) -> list[Score]:
    codes = sorted({code for code, _ in found.parties})
    involved = select(TriggerCountry.trigger_id).where(TriggerCountry.country_code.in_(codes))
    cite = select(trigger_citations.c.trigger_id).where(
        trigger_citations.c.citation_id.in_(_citing(found))
    )
    rows = session.execute(
        select(Trigger.id, Trigger.title, Trigger.occurred_on, Trigger.occurred_on_precision)
        .where(Trigger.kind == finding.record["kind"])
        .where(or_(Trigger.id.in_(involved), Trigger.id.in_(cite)))
        .order_by(Trigger.updated_at.desc(), Trigger.id)
        .limit(SCANNED)
    ).all()
    roles: dict[str, set[similarity.Pair]] = {}
    ids = [row.id for row in rows]
    for start in range(0, len(ids), 500):
        held = select(TriggerCountry).where(TriggerCountry.trigger_id.in_(ids[start : start + 500]))
        for c in session.scalars(held):
            roles.setdefault(c.trigger_id, set()).add((c.country_code, c.role))
    first = _ranked(
        similarity.score(
            "trigger",
            row.id,
            found,
            Facts(
                parties=frozenset(roles.get(row.id, ())),
                words=similarity.rough_words(row.title),
                dates=_dated((row.occurred_on, row.occurred_on_precision)),
            ),
        )
        for row in rows
    )
    keep = [s.id for s in first[:WEIGHED]]
    full = _in_full(session, memo, "trigger", keep)
    return _ranked(similarity.score("trigger", key, found, facts) for key, facts in full)


def _statements(session: Session, found: Facts) -> list[Score]:
    speakers: list[ColumnElement[bool]] = [Statement.citation_id.in_(_citing(found))]
    if found.actor is not None:
        speakers.append(Statement.actor_id == found.actor)
    if found.country is not None:
        of_country = select(Actor.id).where(Actor.country_code == found.country)
        speakers.append(Statement.actor_id.in_(of_country))
    stmt = (
        select(
            Statement.id,
            Statement.actor_id,
            Statement.stance,
            Statement.quote,
            Statement.figure_value,
            Statement.figure_unit,
            Actor.country_code,
            Citation.source_id,
            Citation.start,
            Citation.end,
            Citation.quote.label("cited"),
        )
        .join(Citation, Citation.id == Statement.citation_id)
        .join(Actor, Actor.id == Statement.actor_id)
        .where(or_(*speakers))
        .order_by(case((Statement.actor_id == found.actor, 0), else_=1), Statement.id)
        .limit(SCANNED)
    )
    rows = {row.id: row for row in session.execute(stmt)}

    def held(row: Any, words: frozenset[str]) -> Facts:
        return Facts(
            words=words,
            passages=((row.source_id, row.start, row.end),),
            actor=row.actor_id,
            country=row.country_code,
            stance=row.stance,
            figure=None if row.figure_value is None else (row.figure_value, row.figure_unit),
        )

    first = _ranked(
        similarity.score("statement", key, found, held(row, similarity.rough_words(row.cited)))
        for key, row in rows.items()
    )
    return _ranked(
        similarity.score(
            "statement",
            s.id,
            found,
            held(rows[s.id], similarity.content_words(rows[s.id].cited, rows[s.id].quote)),
        )
        for s in first[:WEIGHED]
    )
