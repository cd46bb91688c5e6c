"""How well proposals match hand-labelled records: precision and recall, per kind and field.

Both sides are records in the shape ``POST /v1/<kind>s`` takes (a proposal's ``record``,
a label from ``tests/extraction/<article>/labels.json``), their citations holding quotes
of the article. A quote is located in the article (verbatim, first occurrence unless an
offset is given), so two records *overlap* when any of their cited spans intersect.

- **Records.** A proposal and a label of the same kind whose quotes overlap are paired
  one to one, greedily: pairs that agree first, then by the largest quote overlap. A
  paired proposal is a *hit* when the kind's key fields agree: for a measure its type,
  status and imposers (the issue's definition); for a trigger its kind; for a statement
  its stance. Precision = hits / proposals, recall = hits / labels.
- **Statements with figures.** Recall over the labelled statements that carry a figure:
  a hit needs the same figure value and unit, and an overlapping quote.
- **Fields.** Over the paired records of each kind, each field's precision (agreeing
  pairs / proposals giving the field) and recall (agreeing pairs / labels giving it).
- **Quotes.** Every proposal citation must be the article's text at its offsets.
- **Dates.** Every date a proposal gives must be read from words in a passage it cites
  (an undated article gives no relative date).

Everything is a pure function of the records and the text, so a run is reproducible.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.extraction.dates import DateMention
from service.extraction.drafts import drafts
from service.extraction.pipeline import analyse

Record = Mapping[str, Any]
Span = tuple[int, int]

KINDS = ("measure", "trigger", "statement")
# The fields compared on paired records, by kind.
FIELDS: dict[str, tuple[str, ...]] = {
    "measure": ("type", "status", "countries", "announced_on", "effective_on", "quote"),
    "trigger": ("kind", "countries", "occurred_on", "quote"),
    "statement": ("stance", "actor", "said_on", "figure", "quote"),
}


@dataclass
class Score:
    """Counts of one comparison, and the ratios they give."""

    hits: int = 0
    proposed: int = 0
    labelled: int = 0

    @property
    def precision(self) -> float:
        """Hits over proposals (1.0 when nothing was proposed)."""
        return self.hits / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        """Hits over labels (1.0 when nothing was labelled)."""
        return self.hits / self.labelled if self.labelled else 1.0

    def add(self, other: Score) -> None:
        """Add ``other``'s counts to these."""
        self.hits += other.hits
        self.proposed += other.proposed
        self.labelled += other.labelled


@dataclass
class Report:
    """The figures of an evaluation, summed over articles."""

    kinds: dict[str, Score] = field(default_factory=dict)
    fields: dict[tuple[str, str], Score] = field(default_factory=dict)
    figures: Score = field(default_factory=Score)
    quotes: Score = field(default_factory=Score)  # hits: verbatim at their offsets
    dates: Score = field(default_factory=Score)  # hits: read from words in a cited passage

    def add(self, other: Report) -> None:
        """Add the counts of ``other`` (another article's report) to these."""
        for key, score in other.kinds.items():
            self.kinds.setdefault(key, Score()).add(score)
        for pair, score in other.fields.items():
            self.fields.setdefault(pair, Score()).add(score)
        self.figures.add(other.figures)
        self.quotes.add(other.quotes)
        self.dates.add(other.dates)

    def lines(self) -> list[str]:
        """The report as a table a terminal shows."""
        out = [f"{'what':<28} {'precision':>9} {'recall':>7} {'hits':>5} {'prop':>5} {'lab':>5}"]

        def row(name: str, s: Score) -> None:
            out.append(
                f"{name:<28} {s.precision:>9.2f} {s.recall:>7.2f} {s.hits:>5} {s.proposed:>5}"
                f" {s.labelled:>5}"
            )

        for kind, score in self.kinds.items():
            row(kind, score)
        row("statements with figures", self.figures)
        for (kind, name), score in sorted(self.fields.items()):
            row(f"  {kind}.{name}", score)
        out.append(f"quotes verbatim at offsets: {self.quotes.hits} of {self.quotes.proposed}")
        out.append(f"dates with a textual basis: {self.dates.hits} of {self.dates.proposed}")
        return out


def spans(text: str, record: Record) -> list[Span]:
    """Where ``record``'s citations (and a statement's ``citation``) sit in ``text``."""
    cited = list(record.get("citations") or [])
    if record.get("citation"):
        cited.append(record["citation"])
    for change in record.get("status_history") or []:
        if change.get("citation"):
            cited.append(change["citation"])
    found: list[Span] = []
    for citation in cited:
        start = citation.get("start")
        quote = citation.get("quote") or ""
        if start is None:
            start = text.find(quote)
            if start < 0:
                continue
        found.append((start, start + len(quote)))
    return found


def overlap(a: Sequence[Span], b: Sequence[Span]) -> int:
    """How many characters the spans ``a`` and ``b`` share."""
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def imposers(record: Record) -> frozenset[str]:
    """The codes a measure names as imposers."""
    return frozenset(
        str(c.get("country", "")).upper()
        for c in record.get("countries") or []
        if c.get("role") == "imposer"
    )


def _countries(record: Record) -> frozenset[tuple[str, str]]:
    return frozenset(
        (str(c.get("country", "")).upper(), str(c.get("role", "")))
        for c in record.get("countries") or []
    )


def _value(kind: str, name: str, record: Record) -> Any:
    """A field's comparable value; None when the record does not give it."""
    if name == "countries":
        return _countries(record) or None
    if name == "quote":
        return None  # compared by overlap, below
    if name == "actor" and kind == "statement":
        # Labels name their speaker (``actor_name``): ids are local to a labels file.
        speaker = record.get("actor_name") or record.get("actor")
        return None if speaker is None else Speaker(str(speaker))
    if name == "figure":
        figure = record.get("figure")
        if not figure:
            return None
        return (float(figure.get("value")), figure.get("unit"), figure.get("qualifier"))
    if name.endswith("_on"):
        value = record.get(name)
        return None if value is None else (str(value), record.get(f"{name}_precision"))
    return record.get(name)


_NAME_WORD = re.compile(r"[^\W\d_]+")
_NOT_NAMES = frozenset({"the", "of", "s", "and", "for", "a", "an"})


class Speaker(str):
    """A speaker's name, equal to another that names the same speaker.

    Labels name speakers in full ("Penny Wong, Australia's Foreign Affairs Minister");
    a text names them as it goes ("Wong said"). Two names agree when the words of one are
    all among the words of the other, case and apostrophes aside.
    """

    __hash__ = str.__hash__

    def words(self) -> frozenset[str]:
        """The name's words, lower case, without articles and possessive endings."""
        found = {w.casefold() for w in _NAME_WORD.findall(self.replace("’", "'"))}
        return frozenset(found - _NOT_NAMES)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, str):
            return NotImplemented
        mine, theirs = self.words(), Speaker(other).words()
        return bool(mine and theirs) and (mine <= theirs or theirs <= mine)


def hit(kind: str, proposal: Record, label: Record) -> bool:
    """Whether a paired proposal gets the kind's key fields right."""
    if kind == "measure":
        return (
            proposal.get("type") == label.get("type")
            and proposal.get("status") == label.get("status")
            and imposers(proposal) == imposers(label)
        )
    if kind == "trigger":
        return proposal.get("kind") == label.get("kind")
    return proposal.get("stance") == label.get("stance")


def pair(
    text: str, proposals: Sequence[Record], labels: Sequence[Record], kind: str
) -> list[tuple[int, int]]:
    """One-to-one pairs ``(proposal index, label index)`` of records whose quotes overlap."""
    prop_spans = [spans(text, p) for p in proposals]
    label_spans = [spans(text, label) for label in labels]
    # Of the pairs whose quotes overlap, those that agree pair first (the key fields, then
    # the same figure), then the larger overlap: a proposal quoting two labels' sentence
    # pairs with the one it gets right.
    weighed = sorted(
        (
            (
                overlap(ps, ls),
                _figure(proposals[i]) == _figure(labels[j]),
                hit(kind, proposals[i], labels[j]),
                i,
                j,
            )
            for i, ps in enumerate(prop_spans)
            for j, ls in enumerate(label_spans)
        ),
        key=lambda t: (t[0] <= 0, not t[2], not t[1], -t[0], t[3], t[4]),
    )
    used_p: set[int] = set()
    used_l: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for shared, _, _, i, j in weighed:
        if shared <= 0:
            break
        if i in used_p or j in used_l:
            continue
        used_p.add(i)
        used_l.add(j)
        pairs.append((i, j))
    return pairs


def evaluate(
    text: str, proposals: Iterable[Mapping[str, Any]], labels: Mapping[str, Sequence[Record]]
) -> Report:
    """Score ``proposals`` (as the API lists them) against ``labels`` of one article.

    ``labels`` maps ``measures``, ``triggers`` and ``statements`` to records.
    """
    report = Report()
    proposals = list(proposals)
    for citation in (c for p in proposals for c in p.get("citations") or []):
        report.quotes.proposed += 1
        start, end = citation.get("start"), citation.get("end")
        if start is not None and end is not None and text[start:end] == citation.get("quote"):
            report.quotes.hits += 1
    for kind in KINDS:
        mine = [p["record"] for p in proposals if p.get("kind") == kind]
        theirs = list(labels.get(f"{kind}s") or [])
        pairs = pair(text, mine, theirs, kind)
        score = Score(proposed=len(mine), labelled=len(theirs))
        score.hits = sum(hit(kind, mine[i], theirs[j]) for i, j in pairs)
        report.kinds[kind] = score
        for name in FIELDS[kind]:
            field_score = Score(
                proposed=sum(_value(kind, name, p) is not None or name == "quote" for p in mine),
                labelled=sum(
                    _value(kind, name, lab) is not None or name == "quote" for lab in theirs
                ),
            )
            field_score.hits = sum(
                (
                    overlap(spans(text, mine[i]), spans(text, theirs[j])) > 0
                    if name == "quote"
                    else _value(kind, name, mine[i]) is not None
                    and _value(kind, name, mine[i]) == _value(kind, name, theirs[j])
                )
                for i, j in pairs
            )
            report.fields[kind, name] = field_score
        if kind == "statement":
            with_figures = [j for j, lab in enumerate(theirs) if lab.get("figure")]
            report.figures.labelled = len(with_figures)
            report.figures.proposed = sum(1 for p in mine if p.get("figure"))
            report.figures.hits = sum(
                1
                for i, j in pairs
                if j in with_figures
                and _figure(mine[i]) is not None
                and _figure(mine[i]) == _figure(theirs[j])
            )
    return report


def _figure(record: Record) -> tuple[float, str] | None:
    figure = record.get("figure")
    if not figure or figure.get("value") is None:
        return None
    return float(figure["value"]), str(figure.get("unit"))


def evaluate_dir(root: Path) -> Report:
    """Extract every labelled article under ``root`` and score the drafts (see README)."""
    total = Report()
    for folder in sorted(p for p in root.iterdir() if (p / "labels.json").is_file()):
        text = (folder / "article.txt").read_text(encoding="utf-8")
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
        published = meta.get("published_on")
        # An undated article is read undated: its relative dates have no basis.
        published_on = dt.date.fromisoformat(published) if published else None
        analysis = analyse(text, published_on)
        found = drafts(analysis, folder.name)
        proposals = [{"kind": d.kind, "record": d.record, "citations": d.citations} for d in found]
        report = evaluate(text, proposals, labels)
        report.dates = based(analysis.dates, proposals)
        total.add(report)
    return total


DATE_FIELDS = ("announced_on", "effective_on", "expected_by", "occurred_on", "said_on")


def based(mentions: Iterable[DateMention], proposals: Iterable[Mapping[str, Any]]) -> Score:
    """How many of the proposals' dates a date the text gives, in a cited passage, reads."""
    mentions = list(mentions)
    score = Score()
    for proposal in proposals:
        cited = [(c["start"], c["end"]) for c in proposal.get("citations") or []]
        for name in DATE_FIELDS:
            value = proposal["record"].get(name)
            if value is None:
                continue
            score.proposed += 1
            score.hits += any(
                m.value.isoformat() == value and any(s <= m.start < e for s, e in cited)
                for m in mentions
            )
    return score
