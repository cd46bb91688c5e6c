"""From an article's analysis to drafts of records: what the register will propose.

Each draft is the body ``POST /v1/<kind>s`` takes (its citations quote the article's
sentences verbatim), with the confidence and the reasons (the cues that fired) behind
it. The rules, sentence by sentence:

- **Measures.** Each measure cue (:func:`cues.measure_cues`) is a measure of its type.
  Its status is :func:`cues.status_of`'s; without a status cue the measure is not
  proposed (no status without words for it). The imposer is the nearest party named
  before the cue (the sentence's subject in wire style); parties after "on", "against"
  or "targeting" are targets, after "to" or "for" beneficiaries (aid and arms). Of an
  arms deal the supplier (an arms maker such as Hyundai Rotem stands for its country)
  is the imposer and the buyer the beneficiary; of "U.S.-led sanctions" the leader is
  the imposer and the subject a partner. A date in the sentence dates the
  announcement; "takes effect on …", in the sentence or in a later one that speaks of
  "the measures", dates its entry into force, and a measure in force only after the
  article's date is ``announced``.
- **Triggers.** Each trigger cue (:func:`cues.trigger_cues`: troop deployments, arms
  supplies, technology transfers, weapons development, treaties, summits, invasions,
  military cooperation) with the parties its shape asks for is a trigger of its kind,
  dated only by a date next to its words.
- **Statements.** Reported speech (:func:`cues.speech`) is a statement of its speaker
  (:mod:`speakers`) with its stance (``report`` when the words carry none). Each figure
  in a sentence is a statement of its own; a figure no one is quoted for is the
  article's own report, its speaker left for the reviewer.
- **Repeats merge.** Drafts of one kind that agree on what makes them the same fact (a
  measure's type, status and imposers; a trigger's kind and originators) are one draft
  with several citations. A statement cites one passage, so each stands alone.

Deterministic: the same analysis gives the same drafts in the same order.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Literal

from service.extraction import cues, speakers
from service.extraction.figures import REGISTER, Figure
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
_AND = re.compile(r"\s*(?:,|,?\s*and|,?\s*as well as|,?\s*along with)?\s*(?:the\s+)?", re.I)
_SUPPLIED = re.compile(
    r"\b(?:be|been|being|is|are|was|were)\s+(?:supplied|provided|sold|given|delivered)"
    r"(?:\s+with)?\b[^,;]{0,60}$",
    re.I,
)
_IF_CLAUSE = re.compile(
    r"\b(?i:if|unless|should)\b[^,;]{0,160},"
    r"|^\W*(?:On|In|At|During|When|After|As|While|Since|Following|Although|Though|Despite)"
    r"\b[^,;]{0,120},"
)
_GUESS = re.compile(r"\b(?:likely|unlikely|probably|perhaps)\b(?:\s+\w+){0,3}\s*$", re.I)
_SELLS = re.compile(r"\b(?:export(?:s|ed|ing)?|sell(?:s|ing)?|sold)\s+$", re.I)
_ILLICIT = re.compile(r"\b(?:illegal|unlawful|illicit|alleged)\s+$", re.I)
_SALE = re.compile(r"\b(?:contracts?|deals?|orders?|export(?:s|ed|ing)?|tender)\b", re.I)
_NOT_DONE = re.compile(
    r"\b(?:resist(?:s|ed|ing)?|refus(?:e|es|ed|ing)|declin(?:e|es|ed|ing)|ruled? out|"
    r"instead of|rather than|avoid(?:s|ed|ing)?|not|never|no longer)\s+(?:\w+\s+){0,2}$",
    re.I,
)
_WHY = re.compile(r"\b(?:for|over|targeting|accused of|linked to|involved in|roles? in)\b", re.I)
_BETWEEN = re.compile(r"\bbetween\b", re.I)
_LED = re.compile(r"\S+-led\s+(?:\w+\s+)?$")
_MADE = re.compile(r"[-‐](?:made|built|produced|designed)\b", re.I)
_MAKES = re.compile(r"\s+(?:[A-Z][\w-]*\s+){0,3}" + cues.WEAPONS_PATTERN, re.I)
_WITH_BEFORE = re.compile(r"\bwith\s+(?:the\s+)?$", re.I)
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:the\s+)?$", re.I)
_BUYS = re.compile(r"\b(?:buy|bought|purchas\w*|acquir\w*|procur\w*|import\w*)\b", re.I)
_ON = re.compile(r"\b(?:on|against)\b", re.I)
_BY_BEFORE = re.compile(r"\bby\s+(?:the\s+)?$", re.I)
_OWNED = re.compile(
    r"\s+(?:[A-Z]\w+\s+){0,2}(?:government|officials?|authorities|ministry|ministers?|"
    r"president|leader|military|navy|army|forces|intelligence|prime minister)\b",
    re.I,
)
_LISTED = re.compile(r"(?:,|\band|\bor)\s+(?:the\s+)?$", re.I)
_AID_TYPES = frozenset({"military_aid", "humanitarian_aid", "non_lethal_aid", "arms_transfer"})
_EFFECT = re.compile(r"\b(?:takes?|took|will take) effect\b|\bcomes? into force\b", re.I)
_TOWARD = re.compile(r"\b(?:to|into|in|of|on|against|with|from)\s+(?:the\s+)?\S*\s*$", re.I)
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


def _supplier_first(sentence: SentenceAnalysis, roles: dict[str, str]) -> None:
    """Of an arms deal, make the supplier the imposer and the buyer the beneficiary.

    The supplier is an arms maker or agency named in the sentence ("Hyundai Rotem"), else
    the party the weapons come "from", else a country named as the weapons' origin ("South
    Korean K2 tanks"). A buyer that signs or orders is the deal's subject, so it was read
    as the imposer: it becomes the beneficiary. Without a supplier, a buyer stays a
    beneficiary ("Poland bought tanks") and nobody is the imposer.
    """
    text, base = sentence.sentence.text, sentence.sentence.start
    parties = _parties(sentence)
    supplier = (
        next((m for m in parties if m.how == "company"), None)
        or next((m for m in parties if _FROM_BEFORE.search(text[: m.start - base])), None)
        or next((m for m in parties if _MADE.match(text, m.end - base)), None)
        or next((m for m in parties if m.how == "demonym" and m.code not in roles), None)
        or next(
            (m for m in parties if m.how == "demonym" and _MAKES.match(text, m.end - base)), None
        )
    )
    if supplier is None and _BUYS.search(text):
        # "Poland has secured arms deals with South Korea, acquiring tanks": the buyer
        # deals with its supplier.
        supplier = next((m for m in parties if _WITH_BEFORE.search(text[: m.start - base])), None)
    if supplier is None:
        if _BUYS.search(text):
            for code, role in list(roles.items()):
                if role == "imposer":
                    roles[code] = "beneficiary"
        return
    for code, role in list(roles.items()):
        if role == "imposer" and code != supplier.code:
            roles[code] = "beneficiary"
    roles[supplier.code] = "imposer"


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
    # Parties in a condition or an opening clause before the main clause ("If North Korea
    # and Russia continue, Seoul will respond"; "On the day the EU acted, the United States
    # sanctioned") are not its subject.
    conditions = [
        (base + c.start(), base + c.end()) for c in _IF_CLAUSE.finditer(text, 0, cue.start)
    ]
    skip = conditions[-1] if conditions else (0, 0)
    before = [m for m in _parties(sentence) if m.end <= at and not skip[0] <= m.start < skip[1]]
    after = [m for m in _parties(sentence) if m.start >= base + cue.start]
    subjects = [m for m in before if m.how != "demonym" or _OWNED.match(text[m.end - base :])]
    if passive:
        for mention in before:
            roles.setdefault(mention.code, "target")
    elif measure_type in _AID_TYPES and _SUPPLIED.search(text[: cue.end]):
        for mention in before:  # "Poland will be supplied with 180 tanks"
            roles.setdefault(mention.code, "beneficiary")
    elif subjects:
        # The subject, and the parties listed with it ("the US, Japan and the EU issued").
        roles[subjects[0].code] = "imposer"
        for prior, mention in pairwise(subjects):
            if not _AND.fullmatch(text[prior.end - base : mention.start - base]):
                break
            roles.setdefault(mention.code, "imposer")
    if measure_type == "diplomatic_action":
        # "summoned the Russian ambassador", "demanded that Pyongyang withdraw": the party
        # named in the act's own words is the one it is aimed at.
        for mention in after:
            if mention.start < base + cue.end and mention.code not in roles:
                roles[mention.code] = "target"
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
        _supplier_first(sentence, roles)
    led = _LED.search(text[: cue.start])
    if led is not None:
        # "joining U.S.-led sanctions": the leader imposes them, the subject joins them.
        leader = next((m for m in before if m.start - base >= led.start()), None)
        if leader is not None:
            for code, role in list(roles.items()):
                if role == "imposer":
                    roles[code] = "partner"
            roles[leader.code] = "imposer"
    order = {"imposer": 0, "partner": 1, "target": 2, "beneficiary": 3}
    ranked = sorted(roles.items(), key=lambda item: order[item[1]])
    return [{"country": code, "role": role} for code, role in ranked]


def _measures(
    sentence: SentenceAnalysis, source: str, context: str | None = None
) -> Iterable[Draft]:
    """The measures of one sentence.

    ``context`` is the imposer the article's measures so far name most, its subject: a
    sentence that names no party as its subject ("it would review its policy", "the
    government will take measures") speaks of it.
    """
    text = sentence.sentence.text
    base = sentence.sentence.start
    # Words a trigger claims ("a security pact", "pledged mutual military support", "the
    # illegal transfer of weaponry") are the event measures answer, not a measure.
    claimed = [
        (c.start, c.end)
        for c, _ in cues.trigger_cues(text)
        if c.meaning in ("treaty", "military_cooperation")
        or _ILLICIT.search(text[max(0, c.start - 20) : c.start])
    ]
    found = cues.measure_cues(text)
    for cue in found:
        if any(s <= cue.start and cue.end <= e for s, e in claimed):
            continue
        if _NOT_DONE.search(text[max(0, cue.start - 40) : cue.start]):
            continue  # "has resisted sending lethal weapons": what is not done
        if _GUESS.search(text[max(0, cue.start - 40) : cue.start]):
            continue  # "will likely increase sanctions": a forecast, not a measure
        sold = _SELLS.search(text[max(0, cue.start - 20) : cue.start]) or _SALE.search(text)
        if cue.meaning == "military_aid" and sold:
            # "exporting shells", "signed the contract … to supply weapons": a sale.
            cue = cues.Cue("arms_transfer", cue.start, cue.end, cue.words)
        if any(
            other.meaning == "sanction"
            and other.end <= cue.start
            and _WHY.search(text[other.end : cue.start])
            for other in found
        ):
            continue  # "sanctioned 19 entities for providing military aid": the reason
        status = cues.status_of(text, cue)
        if status is None:
            continue
        countries = _roles(sentence, cue, cue.meaning)
        reasons = [cue.reason, status.reason]
        unnamed = not any(
            m.end - base <= cue.start and m.how != "demonym" for m in _parties(sentence)
        )
        if not any(c["role"] == "imposer" for c in countries):
            if context is None or not unnamed or context in {c["country"] for c in countries}:
                continue
            countries.insert(0, {"country": context, "role": "imposer"})
            reasons.append(f"no party names itself: the imposer {context} of the measures before")
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
        condition = cues.condition_of(text) if status.meaning == "threatened" else None
        if condition is not None:
            record["conditional"] = True
            record["condition"] = condition
            reasons.append(f"condition '{condition}'")
        for date in sentence.dates:
            which = "effective_on" if _EFFECT.search(text) else "announced_on"
            record.setdefault(which, date.value.isoformat())
            record.setdefault(f"{which}_precision", date.precision)
        draft = Draft(
            "measure",
            record,
            confidence=0.6 if status.meaning != "announced" else 0.5,
            reasons=reasons,
            key=("measure", cue.meaning, status.meaning, imposers),
        )
        draft.cite(sentence, source)
        yield draft


def _trigger_roles(
    sentence: SentenceAnalysis, cue: cues.Cue, shape: str
) -> list[dict[str, str]] | None:
    """The parties of a trigger and their roles, read around its cue (see ``cues``)."""
    text, base = sentence.sentence.text, sentence.sentence.start
    parties = _parties(sentence)
    near = [m for m in parties if cue.start - 120 <= m.start - base <= cue.end + 120]
    codes = list(dict.fromkeys(m.code for m in near))
    if shape == "mutual":
        # "cooperation between Russia and North Korea": the parties after "between";
        # else those named next to the words ("Moscow's military ties with Pyongyang").
        between = _BETWEEN.search(text, cue.start, cue.end + 20)
        lo, hi = (
            (between.end(), between.end() + 60) if between else (cue.start - 120, cue.end + 120)
        )
        codes = list(dict.fromkeys(m.code for m in near if lo <= m.start - base <= hi))
        return None if len(codes) < 2 else [{"country": c, "role": "originator"} for c in codes]
    before = [m for m in near if m.end - base <= cue.end]
    after = [
        m
        for m in near
        if m.start - base >= cue.start
        and _TOWARD.search(text[max(cue.start, m.start - base - 14) : m.start - base])
    ]
    # The originator: a party named as the troops' or weapons' owner inside the cue
    # ("North Korean troops"), else the one they come "from", else the party named last
    # before it (its subject).
    inside = [m for m in near if cue.start <= m.start - base < cue.end]
    source = next((m for m in after if _FROM_BEFORE.search(text[: m.start - base])), None)
    subject = before[-1] if before else None
    if (
        cue.meaning == "invasion"
        and subject is not None
        and not cue.words.lower().startswith("invad")
    ):
        # "Russia's invasion", "Moscow's war of aggression": the owner named right before.
        subject = subject if cue.start - (subject.end - base) <= 4 else None
    origin = next(iter(inside), None) or source or subject
    if shape == "meeting":
        host = next((m for m in near if m.how == "capital"), None)
        rest = [c for c in codes if host is None or c != host.code]
        if host is None or not rest:
            return None
        return [{"country": host.code, "role": "host"}] + [
            {"country": c, "role": "originator"} for c in rest
        ]
    if origin is None:
        if cue.meaning != "invasion":
            return None
        # "the war in Ukraine": the affected party, whoever the article leaves unnamed.
        struck = next((m for m in after), None)
        return None if struck is None else [{"country": struck.code, "role": "affected"}]
    roles = [{"country": origin.code, "role": "originator"}]
    if shape == "directed":
        other = next((m for m in after if m.code != origin.code), None)
        if other is not None:
            role = "affected" if cue.meaning == "invasion" else "host"
            roles.append({"country": other.code, "role": role})
        elif cue.meaning != "invasion":
            return None  # troops or weapons sent nowhere named: not a trigger yet
    return roles


def _triggers(sentence: SentenceAnalysis, source: str) -> Iterable[Draft]:
    for cue, shape in cues.trigger_cues(sentence.sentence.text):
        countries = _trigger_roles(sentence, cue, shape)
        if not countries:
            continue
        origins = tuple(sorted(c["country"] for c in countries if c["role"] == "originator"))
        others = [c["country"] for c in countries if c["role"] != "originator"]
        record: dict[str, Any] = {
            "kind": cue.meaning,
            "title": f"{', '.join(origins)}: {cue.words}"
            + (f" ({', '.join(others)})" if others else ""),
            "verification": "reported",
            "countries": countries,
        }
        # Dated by a date next to its words ("the invasion of Ukraine in February 2022"),
        # not by any date of the sentence ("said on Tuesday that troops were sent").
        base = sentence.sentence.start
        when = next(
            (d for d in sentence.dates if cue.start - 30 <= d.start - base <= cue.end + 40),
            None,
        )
        if when is not None:
            record["occurred_on"] = when.value.isoformat()
            record["occurred_on_precision"] = when.precision
        draft = Draft(
            "trigger",
            record,
            confidence=0.5,
            reasons=[cue.reason],
            key=("trigger", cue.meaning, origins),
        )
        draft.cite(sentence, source)
        yield draft


def _statements(
    sentence: SentenceAnalysis, source: str, previous: speakers.Speaker | None
) -> tuple[list[Draft], speakers.Speaker | None]:
    """The sentence's statements, and the speaker a later "he said" stands for.

    Reported speech is a statement of its speaker (:mod:`speakers`) with its stance;
    each figure in the sentence is a statement of its own, so "11 individuals and 15
    entities" is two. A figure with no attribution in its sentence is the article's own
    report: its speaker is left for the reviewer to name.
    """
    text = sentence.sentence.text
    said = cues.speech(text)
    base = sentence.sentence.start
    who: speakers.Speaker | None = None
    if said is not None:
        a = said.attribution
        who = speakers.find(text, base, sentence.mentions, (a.start, a.end, a.words), previous)
    if who is None and not any(f.unit for f in sentence.figures):
        return [], previous
    stance = said.stance.meaning if said is not None and said.stance is not None else "report"
    reasons: list[str] = []
    if said is not None and who is not None:
        reasons.append(f"cue '{said.attribution.words}' → speech by {who.name}")
    else:
        reasons.append("no attribution in the sentence: the article itself reports it")
    if said is not None and said.stance is not None:
        reasons.append(said.stance.reason)
    # Dated by a date next to the attribution ("said on Tuesday", "on Thursday stated").
    said_on = None
    if said is not None and who is not None:
        a = said.attribution
        said_on = next(
            (
                d
                for d in sentence.dates
                if a.end <= d.start - base <= a.end + 4 or a.start - 16 <= d.end - base <= a.start
            ),
            None,
        )
        if said_on is not None:
            reasons.append(f"'{said_on.text}' → said_on")
    made: list[Draft] = []
    # A count without a unit ("116 of the new batch") is not a figure the register takes.
    counted: list[Figure | None] = [f for f in sentence.figures if f.unit] or [None]
    for figure in counted:
        record: dict[str, Any] = {
            "actor": who.actor if who is not None else None,
            "actor_name": who.name if who is not None else None,
            "stance": stance,
        }
        if said_on is not None:
            record["said_on"] = said_on.value.isoformat()
            record["said_on_precision"] = said_on.precision
        why = list(reasons)
        if figure is not None:
            qualifier = REGISTER.get(figure.qualifier or "", figure.qualifier) or None
            record["figure"] = {"value": figure.value, "unit": figure.unit, "qualifier": qualifier}
            why.append(f"figure '{figure.text}'")
        sure = who is not None and ((said is not None and said.stance is not None) or figure)
        draft = Draft(
            "statement",
            record,
            confidence=0.6 if sure else 0.4,
            reasons=why,
            # A statement cites one passage and gives one figure: none merge.
            key=("statement", sentence.sentence.start, figure.start if figure else None),
        )
        s = sentence.sentence
        draft.citations.append({"quote": s.text, "start": s.start, "end": s.end})
        record["citation"] = {"source": source, "quote": s.text}
        made.append(draft)
    named = who if who is not None and who.person else previous
    return made, named


_THE_MEASURES = re.compile(
    r"\b(?:the|these|those|its|their|new)\s+(?:new\s+)?(?:measures|sanctions|restrictions)\s+"
    r"(?:will\s+|would\s+|are\s+to\s+|are\s+set\s+to\s+)?(?:take|took|takes|come|came)\s+"
    r"(?:effect|into\s+force)\b",
    re.I,
)


def _takes_effect(
    measure: Draft, sentence: SentenceAnalysis, source: str, published_on: dt.date | None
) -> None:
    """Date ``measure``'s entry into force from a later "the measures take effect on …".

    A sentence that names no measure of its own but says when "the measures" take effect
    speaks of the measure just read. Taking effect after the article's date, the measure
    is announced, not yet in force.
    """
    text = sentence.sentence.text
    if _THE_MEASURES.search(text) is None or not sentence.dates:
        return
    date = sentence.dates[0]
    measure.record["effective_on"] = date.value.isoformat()
    measure.record["effective_on_precision"] = date.precision
    measure.reasons.append(f"'{date.text}' → effective_on, read with the measure before")
    later = published_on is not None and date.value > published_on
    if later and measure.record["status"] == "in_force":
        measure.record["status"] = "announced"
        measure.reasons.append("in force only after the article's date → announced")
    measure.cite(sentence, source)


def _same(a: Draft, b: Draft, published: dt.date | None) -> bool:
    """Whether two drafts are one fact: the same key, and no targets or date apart.

    "Sanctions on North Korea" and "sanctions on North Korea and Russia" in one article
    are one measure; sanctions on Russia since 2022 and on North Korea this week are two,
    as are arms deals signed in 2022 and in 2025. An undated measure is the article's
    news, of its publication month.
    """
    if a.kind != "measure" or b.kind != "measure":
        return a.key == b.key
    # ("measure", type, status, imposers): statuses may differ when one is the plain
    # "announced" of a report and the other says how far the measure got ("the fresh
    # sanctions announced Tuesday" of sanctions "Canada is imposing").
    if (a.key[1], a.key[3]) != (b.key[1], b.key[3]):
        return False
    statuses = {a.key[2], b.key[2]}
    if len(statuses) > 1 and not (
        "announced" in statuses and statuses - {"announced"} <= _DONE and _plain(a) and _plain(b)
    ):
        return False
    theirs = [_codes(d.record, "target") for d in (a, b)]
    if theirs[0] and theirs[1] and not theirs[0] & theirs[1]:
        return False
    # Undated, a measure is the article's news: as of its publication month, if known.
    now = published.isoformat() if published is not None else None
    dates = [d.record.get("announced_on") or now for d in (a, b)]
    return not (dates[0] and dates[1] and dates[0][:7] != dates[1][:7])


_DONE = frozenset({"in_force", "agreed", "completed"})


def _plain(draft: Draft) -> bool:
    """Whether a measure's draft is unconditional and does not wait for a later date."""
    return not draft.record.get("conditional") and "effective_on" not in draft.record


def _codes(record: dict[str, Any], role: str) -> set[str]:
    return {c["country"] for c in record.get("countries") or [] if c["role"] == role}


def _answers(measures: list[Draft]) -> list[Draft]:
    """The measures without those that only their targets impose.

    An article on responses to North Korea and Russia names what those two did (a pact,
    pledges of support) in the words of measures; a measure imposed only by parties the
    article's other measures target, and that none of them imposes, is what the measures
    answer, not one of them: the triggers read it.
    """
    kept = []
    for draft in measures:
        others = [d for d in measures if d is not draft]
        targets = set().union(*(_codes(d.record, "target") for d in others))
        imposers = set().union(*(_codes(d.record, "imposer") for d in others))
        mine = _codes(draft.record, "imposer")
        if mine and mine <= targets - imposers:
            continue
        kept.append(draft)
    return kept


def drafts(analysis: Analysis, source: str) -> list[Draft]:
    """The records ``analysis`` supports, repeats merged, in the order first cited."""
    merged: list[Draft] = []
    speaker: speakers.Speaker | None = None  # the person a later "he said" stands for
    last: Draft | None = None  # the measure a later "the measures take effect" speaks of
    focus: Counter[str] = Counter()  # the article's imposers: the most named is its subject
    for sentence in analysis.sentences:
        said, speaker = _statements(sentence, source, speaker)
        context = focus.most_common(1)[0][0] if focus else None
        measures = list(_measures(sentence, source, context))
        if not measures and last is not None:
            _takes_effect(last, sentence, source, analysis.published_on)
        sold = any(m.record["type"] in ("arms_transfer", "military_aid") for m in measures)
        # An arms sale or aid the sentence proposes as a measure is not also its trigger.
        triggers = [
            t
            for t in _triggers(sentence, source)
            if not (sold and t.record["kind"] == "arms_supply")
        ]
        for draft in (*measures, *triggers, *said):
            same = next((d for d in merged if _same(d, draft, analysis.published_on)), None)
            if draft.kind == "measure":
                last = same or draft
                focus.update(_codes(draft.record, "imposer"))
            if same is None:
                merged.append(draft)
                continue
            same.cite(sentence, source)
            if same.kind == "measure" and same.record["status"] == "announced":
                same.record["status"] = draft.record["status"]  # how far it got
                same.key = draft.key
            same.confidence = min(0.95, same.confidence + 0.1)
            same.reasons += [r for r in draft.reasons if r not in same.reasons]
            for name in ("announced_on", "announced_on_precision"):
                if name in draft.record:
                    same.record.setdefault(name, draft.record[name])
            known = {c["country"] for c in same.record.get("countries", [])}
            same.record.setdefault("countries", []).extend(
                c for c in draft.record.get("countries", []) if c["country"] not in known
            )
    kept = {id(d) for d in _answers([d for d in merged if d.kind == "measure"])}
    return [d for d in merged if d.kind != "measure" or id(d) in kept]
