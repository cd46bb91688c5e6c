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

The records weighed are narrowed in SQL first, never read whole (``candidates.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy.orm import Session

from service import vocabularies as vocab
from service.extraction.drafts import Draft as Finding
from service.models import Measure, Source, Trigger
from service.records import REGISTRY
from service.schemas.common import Document
from service.services import candidates as weighing
from service.services.documents import document
from service.services.proposals import Candidate, Draft
from service.services.records import folded
from service.services.similarity import SAME, Score
from service.services.writes import as_input

KEPT: Final = 5  # candidates a proposal lists

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
    memo = weighing.Memo()
    for index in sorted(range(len(pairs)), key=lambda i: pairs[i][0].kind != "trigger"):
        finding, draft = pairs[index]
        found = weighing.found_in(session, memo, source, finding, reported)
        scores = weighing.weigh(session, memo, finding, found)
        if finding.kind == "trigger" and scores and scores[0].value > SAME:
            reported.add(scores[0].id)
        decided[index] = _decide(session, source, finding, draft, scores)
    return _merged([d for i in range(len(pairs)) if (d := decided[i]) is not None])


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
