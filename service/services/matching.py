"""Match the extractor's findings against what the register already holds.

Each finding is weighed against the existing records of its kind
(:mod:`service.services.similarity` says how a score is made), and becomes:

- a **create**, when no record scores over ``similarity.SAME``: its ``candidates`` are
  the best few records weighed, and a reason names the closest and why;
- an **update** of the best record, when it scores over ``SAME``: the fact told again.
  The update adds the article's passages the record does not cite yet and, for a measure
  the article reports further along than the record holds it (``later``), the status
  change as a dated, cited entry of its status history. Its ``record`` is the PATCH that
  makes those changes (whole lists, as a PATCH replaces them); accepting it re-bases
  them onto the record as it stands then (``services/rebase.py``);
- nothing, when the best record already holds all of it (every passage cited, the
  status the same): an update that changes nothing is never proposed. A statement cites
  one passage, so one is never updated: told again elsewhere it is a create whose reason
  names the statement it repeats; one whose passage is on record as a statement with its
  stance (and no other figure) is dropped.

Updates of one record from one article merge into one proposal with all the passages.

Records are narrowed in SQL first, never read whole: measures of the finding's type that
involve one of its parties (the country filter's index), triggers of its kind that
involve one, statements by its speaker or by actors of the speaker's country, and any
record of the kind citing a passage the finding cites; at most
``SCANNED`` rows each, scored on what those rows hold, and the best ``WEIGHED`` read in
full (citations, summary, status history) to be scored again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import Select, case, false, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from service import vocabularies as vocab
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
from service.records import REGISTRY
from service.schemas.common import Document
from service.services import country_filter, similarity
from service.services.documents import document
from service.services.proposals import Candidate, Draft
from service.services.records import folded
from service.services.similarity import SAME, Day, Facts, Score
from service.services.writes import as_input

KEPT: Final = 5  # candidates a proposal lists
SCANNED: Final = 2000  # rows read to narrow the candidates of one finding
WEIGHED: Final = 25  # of those, the best read in full and scored again

# How far along a measure is, in order; a suspension or a withdrawal can follow any of them.
LIFECYCLE: Final = (
    "under_consideration",
    "threatened",
    "announced",
    "agreed",
    "in_force",
    "completed",
)
ENDS: Final = ("suspended", "withdrawn")
assert set(LIFECYCLE + ENDS) == set(vocab.MEASURE_STATUSES)


def later(found: str, held: str) -> bool:
    """Whether status ``found`` is further along than ``held``: a change to propose.

    Along the lifecycle, a later stage; a suspension or withdrawal of anything not yet
    withdrawn. Nothing comes after a withdrawal, and a suspended measure in force again is
    left to the reviewer (an article may well tell of the time before the suspension).
    """
    if found == held or held in ENDS:
        return False
    if found in ENDS:
        return True
    return LIFECYCLE.index(found) > LIFECYCLE.index(held)


def match(session: Session, source: Source, pairs: Sequence[tuple[Finding, Draft]]) -> list[Draft]:
    """The drafts to propose for ``source``: each finding weighed against the register.

    ``pairs`` are the extractor's findings, each with its draft as a create. Triggers are
    weighed first: a measure that responds to a trigger the article reports scores so.
    """
    reported: set[str] = set()
    decided: dict[int, Draft | None] = {}
    memo = _Memo()
    for index in sorted(range(len(pairs)), key=lambda i: pairs[i][0].kind != "trigger"):
        finding, draft = pairs[index]
        found = _found(session, memo, source, finding, reported)
        scores = _weigh(session, memo, finding, found)
        if finding.kind == "trigger" and scores and scores[0].value > SAME:
            reported.add(scores[0].id)
        decided[index] = _decide(session, source, finding, draft, scores)
    return _merged([d for i in range(len(pairs)) if (d := decided[i]) is not None])


@dataclass
class _Memo:
    """What matching one article has read: the findings of an article weigh the same records."""

    facts: dict[tuple[str, str], Facts] = field(default_factory=dict)  # by (kind, id)
    countries: dict[str, str | None] = field(default_factory=dict)  # by actor


# --- What a finding says ----------------------------------------------------------------


def _passages(source: Source, finding: Finding) -> tuple[similarity.Passage, ...]:
    return tuple((source.id, c["start"], c["end"]) for c in finding.citations)


def _found(
    session: Session, memo: _Memo, source: Source, finding: Finding, reported: set[str]
) -> Facts:
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
    session: Session, memo: _Memo, actor: str | None, name: str | None
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


def _weigh(session: Session, memo: _Memo, finding: Finding, found: Facts) -> list[Score]:
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


def _in_full(session: Session, memo: _Memo, kind: str, keys: list[str]) -> list[tuple[str, Facts]]:
    """The facts of the records ``keys`` of ``kind``, each read in full once per article."""
    missing = [key for key in keys if (kind, key) not in memo.facts]
    if missing and kind == "measure":
        for m in session.scalars(select(Measure).where(Measure.id.in_(missing))):
            memo.facts[kind, m.id] = _measure_facts(m)
    elif missing:
        for t in session.scalars(select(Trigger).where(Trigger.id.in_(missing))):
            memo.facts[kind, t.id] = _trigger_facts(t)
    return [(key, memo.facts[kind, key]) for key in keys if (kind, key) in memo.facts]


def _measures(session: Session, memo: _Memo, finding: Finding, found: Facts) -> list[Score]:
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
                words=similarity.content_words(row.title),
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


def _triggers(session: Session, memo: _Memo, finding: Finding, found: Facts) -> list[Score]:
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
                words=similarity.content_words(row.title),
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
    return _ranked(
        similarity.score(
            "statement",
            row.id,
            found,
            Facts(
                words=similarity.content_words(row.cited, row.quote),
                passages=((row.source_id, row.start, row.end),),
                actor=row.actor_id,
                country=row.country_code,
                stance=row.stance,
                figure=None if row.figure_value is None else (row.figure_value, row.figure_unit),
            ),
        )
        for row in session.execute(stmt)
    )


# --- Deciding ---------------------------------------------------------------------------


def _decide(
    session: Session, source: Source, finding: Finding, draft: Draft, scores: list[Score]
) -> Draft | None:
    """The finding as a create, as an update of its best match, or None: nothing new."""
    candidates: list[Candidate] = [{"id": s.id, "score": s.value} for s in scores[:KEPT]]
    reasons = list(draft["reasons"])
    kind = finding.kind
    best = scores[0] if scores else None
    if kind == "statement" and any(_on_record(s) for s in scores):
        return None  # this very passage is on record as a statement with this stance
    if best is None:
        reasons.append(f"no {kind} of the register is like it")
    elif best.value <= SAME:
        reasons.append(f"closest {kind}: {best.id} (score {best.value:.2f}: {best.why})")
    elif kind == "statement":
        reasons.append(
            f"probably the statement {best.id} told again (score {best.value:.2f}: {best.why});"
            " a statement cites one passage, so this is proposed as one of its own"
        )
    else:
        update = _update(session, source, finding, best)
        if update is None:
            return None
        record, said = update
        return {
            **draft,
            "action": "update",
            "target": best.id,
            "record": record,
            "reasons": [*reasons, *said],
            "candidates": candidates,
        }
    return {**draft, "reasons": reasons, "candidates": candidates}


def _on_record(scored: Score) -> bool:
    """A statement citing the finding's passage with its stance and no other figure.

    The speaker is not asked for: of one passage, the extractor may name another speaker
    (the country of a spokesman the register knows by name).
    """
    return (
        scored.same_passage
        and scored.signal("stance").value == 1.0
        and scored.signal("figure").value != 0.0
    )


def _citation(session: Session, source: Source, span: dict[str, Any]) -> Document:
    """A passage of ``source`` as a record cites it: with ``occurrence`` where it repeats."""
    cited: Document = {"source": source.id, "quote": span["quote"]}
    which = folded(session, source).occurrence(span["quote"], span["start"])
    if which is not None:
        cited["occurrence"] = which
    return cited


def _update(
    session: Session, source: Source, finding: Finding, best: Score
) -> tuple[Document, list[str]] | None:
    """The PATCH that adds what the finding tells of record ``best``, and why; None if nothing."""
    kind = REGISTRY[f"{finding.kind}s"]
    record: Measure | Trigger | None = (
        session.get(Measure, best.id)
        if finding.kind == "measure"
        else session.get(Trigger, best.id)
    )
    assert record is not None and kind.create_schema is not None
    held = as_input(session, kind.create_schema(), document(session, record))
    cited = [(c.source_id, c.start, c.end) for c in record.citations]
    new = [
        span
        for span in finding.citations
        if not any(s == source.id and span["start"] < e and b < span["end"] for s, b, e in cited)
    ]
    said = [f"the same {finding.kind} as {best.id} (score {best.value:.2f}: {best.why})"]
    patch: Document = {}
    if new:
        patch["citations"] = [*held["citations"], *(_citation(session, source, s) for s in new)]
        said.append(f"adds {len(new)} passage(s) of this article to its citations")
    if isinstance(record, Measure):
        patch.update(_status_change(session, source, finding, record, held, said))
    return (patch, said) if patch else None


def _status_change(
    session: Session,
    source: Source,
    finding: Finding,
    measure: Measure,
    held: Document,
    said: list[str],
) -> Document:
    """The status change the finding tells of, as a PATCH; empty if it tells of none."""
    status = finding.record["status"]
    if not later(status, measure.status):
        if status != measure.status:
            said.append(
                f"the article has it {status}, the record {measure.status}: its status stays"
            )
        return {}
    which = "effective_on" if finding.record.get("effective_on") else "announced_on"
    changed_on = finding.record.get(which)
    precision = finding.record.get(f"{which}_precision") if changed_on else None
    dated = [c.changed_on.isoformat() for c in measure.status_history if c.changed_on]
    if changed_on is not None and dated and changed_on < max(dated):
        said.append(
            f"the article has it {status} on {changed_on}, before the record's last change"
            f" ({max(dated)}): its status stays"
        )
        return {}
    change = {
        "status": status,
        "changed_on": changed_on,
        "changed_on_precision": precision,
        "citation": _citation(session, source, finding.citations[0]),
    }
    when = f"on {changed_on}" if changed_on else "undated: the article does not say when"
    said.append(f"status {measure.status} → {status}, {when}")
    patch: Document = {"status": status, "status_history": [*held["status_history"], change]}
    if status == "in_force" and which == "effective_on" and measure.effective_on is None:
        patch["effective_on"] = changed_on
        patch["effective_on_precision"] = precision
    return patch


# --- Merging ----------------------------------------------------------------------------


def _merged(drafts: list[Draft]) -> list[Draft]:
    """``drafts`` with the updates of one record made one, in the order first proposed."""
    out: list[Draft] = []
    first: dict[tuple[str, str | None], Draft] = {}
    for draft in drafts:
        key = (draft["kind"], draft["target"])
        if draft["action"] != "update":
            out.append(draft)
        elif key not in first:
            first[key] = draft
            out.append(draft)
        else:
            _merge(first[key], draft)
    return out


def _merge(into: Draft, other: Draft) -> None:
    """Fold ``other`` (an update of the same record) into ``into``."""
    spans = {(c["start"], c["end"]) for c in into["citations"]}
    into["citations"] += [c for c in other["citations"] if (c["start"], c["end"]) not in spans]
    record, theirs = into["record"], other["record"]
    if "citations" in theirs:
        mine = record.setdefault("citations", list(theirs["citations"]))
        mine += [c for c in theirs["citations"] if c not in mine]
    reasons = other["reasons"]
    # One status change: the later one, and only its reason.
    if "status" in theirs and ("status" not in record or later(theirs["status"], record["status"])):
        into["reasons"] = [r for r in into["reasons"] if not r.startswith("status ")]
        for name in ("status", "status_history", "effective_on", "effective_on_precision"):
            if name in theirs:
                record[name] = theirs[name]
    else:
        reasons = [r for r in reasons if not r.startswith("status ")]
    into["reasons"] += [r for r in reasons if r not in into["reasons"]]
    into["confidence"] = max(into["confidence"], other["confidence"])
    scores: dict[str, float] = {}
    for candidate in [*into["candidates"], *other["candidates"]]:
        scores[candidate["id"]] = max(scores.get(candidate["id"], 0.0), candidate["score"])
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:KEPT]
    into["candidates"] = [{"id": key, "score": value} for key, value in ranked]
