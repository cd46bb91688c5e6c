"""From an article's analysis to drafts of records: what the register will propose.

Each draft is the body ``POST /v1/<kind>s`` takes (its citations quote the article's
sentences verbatim), with the confidence and the reasons (the cues that fired) behind
it. The rules, sentence by sentence:

- **Measures.** Each measure cue (:func:`cues.measure_cues`) is a measure of its type.
  Its status is :func:`cues.status_of`'s; without a status cue the measure is not
  proposed (no status without words for it). The imposer is the nearest party named
  before the cue (the sentence's subject in wire style); parties after "on", "against"
  or "targeting" are targets, after "to" or "for" beneficiaries (aid and arms). A date in
  the sentence dates the announcement; "takes effect on …" dates its entry into force.
- **Triggers.** A deployment of troops (troops, soldiers, forces with deploy, send,
  dispatch) by one party to another is a ``troop_deployment`` trigger.
- **Statements.** Reported speech (:func:`cues.speech`) by a named actor, or a party
  speaking for its government, is a statement with its stance (``report`` when the
  words carry none); a figure in the sentence is its figure.
- **Repeats merge.** Drafts of one kind that agree on what makes them the same fact (a
  measure's type, status and imposers; a trigger's kind and parties) are one draft with
  several citations. A statement cites one passage, so each stands alone.

Deterministic: the same analysis gives the same drafts in the same order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from service.extraction import cues
from service.extraction.figures import REGISTER
from service.extraction.gazetteer import Mention
from service.extraction.pipeline import Analysis, SentenceAnalysis

DraftKind = Literal["measure", "trigger", "statement"]

_TARGET_BEFORE = re.compile(r"\b(?:on|against|targeting|over|toward|towards)\s+(?:the\s+)?$", re.I)
_BENEFICIARY_BEFORE = re.compile(r"\b(?:to|for|with)\s+(?:the\s+)?$", re.I)
_PASSIVE = re.compile(
    r"^\W*(?:\w+\s+){0,2}?(?:was|were|been|being|is|are)\s+(?:also\s+)?"
    r"(?:sanctioned|designated|blacklisted|targeted|hit)\b",
    re.I,
)
_PASSIVE_BEFORE = re.compile(
    r"\b(?:was|were|been|being|is|are)\s+(?:also\s+)?(?:sanctioned|designated|blacklisted)\W*$",
    re.I,
)
_ON = re.compile(r"\b(?:on|against)\b", re.I)
_BY_BEFORE = re.compile(r"\bby\s+(?:the\s+)?$", re.I)
_OWNED = re.compile(r"\s+(?:government|officials?|authorities|ministry|president|leader)\b", re.I)
_LISTED = re.compile(r"(?:,|\band|\bor)\s+(?:the\s+)?$", re.I)
_AID_TYPES = frozenset({"military_aid", "humanitarian_aid", "non_lethal_aid", "arms_transfer"})
_EFFECT = re.compile(r"\b(?:takes?|took|will take) effect\b|\bcomes? into force\b", re.I)
_DEPLOYMENT = re.compile(
    r"\b(?:troops|soldiers|forces|personnel)\b.{0,80}\b(?:deploy\w*|sen[dt]\w*|dispatch\w*)\b"
    r"|\b(?:deploy\w*|sen[dt]\w*|dispatch\w*)\b.{0,60}\b(?:troops|soldiers|forces)\b",
    re.I,
)
_PARTY_KINDS = frozenset({"country", "organisation"})
# Measures done once and for all: in the past tense, carried out in full.
_ONE_OFF = frozenset({"diplomatic_action"})


@dataclass
class Draft:
    """A record the extractor proposes, and why."""

    kind: DraftKind
    record: dict[str, Any]
    citations: list[dict[str, Any]] = field(default_factory=list)
    confidence: float = 0.5
    reasons: list[str] = field(default_factory=list)
    key: tuple[Any, ...] = ()  # what makes two drafts one fact
    # Where the citations start, to find one in constant time: an article repeating one
    # sentence a thousand times cites it a thousand times. Rebuilt when out of step.
    _starts: set[int] = field(default_factory=set, repr=False, compare=False)

    def cite(self, sentence: SentenceAnalysis, source: str) -> None:
        """Add ``sentence`` as a citation, once."""
        s = sentence.sentence
        if len(self._starts) != len(self.citations):
            self._starts = {c["start"] for c in self.citations}
        if s.start in self._starts:
            return
        self._starts.add(s.start)
        self.citations.append({"quote": s.text, "start": s.start, "end": s.end})
        cited = self.record.setdefault("citations", [])
        cited.append({"source": source, "quote": s.text})


def _parties(sentence: SentenceAnalysis) -> list[Mention]:
    return [m for m in sentence.mentions if m.kind in _PARTY_KINDS]


def _roles(sentence: SentenceAnalysis, cue: cues.Cue, measure_type: str) -> list[dict[str, str]]:
    """The parties of a measure and their roles, read around its cue.

    Active voice names the imposer first ("Japan imposed sanctions on …"); passive voice
    names the target first and the imposer after "by" ("… were sanctioned by the EU"). A
    party named as an adjective just before a noun ("the North Korean military's chief")
    is not the subject. Of an arms deal, the buyer that signs is the beneficiary and the
    supplier, named as the weapons' origin ("South Korean K2 tanks"), the imposer.
    """
    base = sentence.sentence.start
    at = base + cue.start
    text = sentence.sentence.text
    passive = (
        _PASSIVE.search(text[cue.end :]) is not None
        or _PASSIVE_BEFORE.search(text[: cue.end]) is not None
    )
    roles: dict[str, str] = {}
    before = [m for m in _parties(sentence) if m.end <= at]
    after = [m for m in _parties(sentence) if m.start >= base + cue.start]
    subjects = [m for m in before if m.how != "demonym" or _OWNED.match(text[m.end - base :])]
    if passive:
        for mention in before:
            roles.setdefault(mention.code, "target")
    elif subjects:
        roles[subjects[0].code] = "imposer"
    last: str | None = None  # the role of the party named just before, for a list
    for mention in after:
        lead = text[: mention.start - base]
        if mention.code in roles:
            continue
        if passive and _BY_BEFORE.search(lead[-12:]):
            last = roles[mention.code] = "imposer"
        elif _TARGET_BEFORE.search(lead[-30:]) or (
            mention.how == "demonym" and _ON.search(lead[-25:]) is not None
        ):
            last = roles[mention.code] = "target"
        elif measure_type in _AID_TYPES and _BENEFICIARY_BEFORE.search(lead[-20:]):
            last = roles[mention.code] = "beneficiary"
        elif last is not None and _LISTED.search(lead[-12:]):
            roles[mention.code] = last  # "on North Korea and Russia"
        else:
            last = None
    if measure_type == "arms_transfer":
        origin = next(
            (
                m
                for m in sentence.mentions
                if m.kind == "country" and m.how == "demonym" and m.code not in roles
            ),
            None,
        )
        buyer = next((code for code, role in roles.items() if role == "imposer"), None)
        if origin is not None and buyer is not None:
            roles[buyer] = "beneficiary"
            roles[origin.code] = "imposer"
    if "imposer" not in roles.values():
        return []
    order = {"imposer": 0, "partner": 1, "target": 2, "beneficiary": 3}
    ranked = sorted(roles.items(), key=lambda item: order[item[1]])
    return [{"country": code, "role": role} for code, role in ranked]


def _measures(sentence: SentenceAnalysis, source: str) -> Iterable[Draft]:
    text = sentence.sentence.text
    for cue in cues.measure_cues(text):
        status = cues.status_of(text, cue)
        if status is None:
            continue
        countries = _roles(sentence, cue, cue.meaning)
        if not countries:
            continue
        if cue.meaning in _ONE_OFF and status.meaning == "in_force":
            # A summons or an expulsion is over once done: carried out in full.
            status = cues.Cue("completed", status.start, status.end, status.words)
        imposers = tuple(sorted(c["country"] for c in countries if c["role"] == "imposer"))
        record: dict[str, Any] = {
            "type": cue.meaning,
            "status": status.meaning,
            "title": f"{', '.join(imposers)}: {cue.words}",
            "countries": countries,
        }
        for date in sentence.dates:
            which = "effective_on" if _EFFECT.search(text) else "announced_on"
            record.setdefault(which, date.value.isoformat())
            record.setdefault(f"{which}_precision", date.precision)
        draft = Draft(
            "measure",
            record,
            confidence=0.6 if status.meaning != "announced" else 0.5,
            reasons=[cue.reason, status.reason],
            key=("measure", cue.meaning, status.meaning, imposers),
        )
        draft.cite(sentence, source)
        yield draft


def _triggers(sentence: SentenceAnalysis, source: str) -> Iterable[Draft]:
    text = sentence.sentence.text
    match = _DEPLOYMENT.search(text)
    parties = _parties(sentence)
    if match is None or len({m.code for m in parties}) < 2:
        return
    origin, host = parties[0], next(m for m in parties if m.code != parties[0].code)
    record: dict[str, Any] = {
        "kind": "troop_deployment",
        "title": f"{origin.code} troops to {host.code}",
        "verification": "reported",
        "countries": [
            {"country": origin.code, "role": "originator"},
            {"country": host.code, "role": "host"},
        ],
    }
    draft = Draft(
        "trigger",
        record,
        confidence=0.5,
        reasons=[f"cue '{match.group(0)}' → troop_deployment"],
        key=("trigger", "troop_deployment", origin.code, host.code),
    )
    draft.cite(sentence, source)
    yield draft


def _statements(sentence: SentenceAnalysis, source: str) -> Iterable[Draft]:
    text = sentence.sentence.text
    said = cues.speech(text)
    if said is None:
        return
    base = sentence.sentence.start
    speakers = [m for m in sentence.mentions if m.kind == "actor"] or _parties(sentence)
    if not speakers:
        return
    # The speaker named nearest the attribution ("…, Kim said"; "according to Seoul").
    at = base + said.attribution.start
    speaker = min(speakers, key=lambda m: abs(m.start - at))
    stance = said.stance.meaning if said.stance is not None else "report"
    record: dict[str, Any] = {
        "actor": speaker.code if speaker.kind == "actor" else None,
        "actor_name": speaker.text,
        "stance": stance,
    }
    reasons = [f"cue '{said.attribution.words}' → speech by {speaker.text}"]
    if said.stance is not None:
        reasons.append(said.stance.reason)
    figure = sentence.figures[0] if sentence.figures else None
    if figure is not None:
        qualifier = REGISTER.get(figure.qualifier or "", figure.qualifier) or None
        record["figure"] = {"value": figure.value, "unit": figure.unit, "qualifier": qualifier}
        reasons.append(f"figure '{figure.text}'")
    draft = Draft(
        "statement",
        record,
        confidence=0.6 if said.stance is not None or figure is not None else 0.4,
        reasons=reasons,
        # One statement per sentence: a statement cites one passage, so none merge.
        key=("statement", sentence.sentence.start),
    )
    s = sentence.sentence
    draft.citations.append({"quote": s.text, "start": s.start, "end": s.end})
    record["citation"] = {"source": source, "quote": s.text}
    yield draft


def drafts(analysis: Analysis, source: str) -> list[Draft]:
    """The records ``analysis`` supports, repeats merged, in the order first cited."""
    merged: dict[tuple[Any, ...], Draft] = {}
    for sentence in analysis.sentences:
        for draft in (
            *_measures(sentence, source),
            *_triggers(sentence, source),
            *_statements(sentence, source),
        ):
            same = merged.get(draft.key)
            if same is None:
                merged[draft.key] = draft
                continue
            same.cite(sentence, source)
            same.confidence = min(0.95, same.confidence + 0.1)
            same.reasons += [r for r in draft.reasons if r not in same.reasons]
    return list(merged.values())
