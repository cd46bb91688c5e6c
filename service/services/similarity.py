"""How alike a finding of the extractor and a record of the register are: a score 0–1.

A score is a weighted sum of signals, each 0–1, with the weights of its kind (below). A
signal the finding gives no evidence for (no date in its sentence, no trigger in its
article, no figure on either side) counts 0.5: it neither speaks for the record nor
against it. Every signal says in words what it saw, so a proposal's reason can show why
a record scored as it did.

- **parties** (measures, triggers): of the finding's lead party (a measure's imposer, a
  trigger's originator), how many the record holds in that role (Jaccard of the two sets);
  of its other parties, the share the record holds in the same role. Lead 0.6, others
  0.4 when the finding names others; the lead alone when it does not. Countries and
  organisations alike: a code is a party.
- **words**: the share of the finding's content words (its cited sentences and cue, party
  names, stop words and reporting verbs left out, plurals folded) that the record's
  title, summary, condition, items and cited passages already have. A record that cites
  the very passage (same source, overlapping offsets) scores 1.
- **dates**: the distance between the nearest of the finding's dates and the record's
  (announced, effective, expected, its status changes, a trigger's occurrence), each
  taken as the day, month or year its precision says: 1 within 30 days, falling to 0 at
  a year.
- **triggers** (measures): 1 if the record responds to a trigger this article reports
  too (a trigger finding of the article that matched it), 0 if not; 0.5 when the article
  reports none.
- **speaker**, **stance**, **figure** (statements): the same actor 1, an actor of the same
  country 0.5; the same stance 1; the same figure (value and unit) 1, another 0.

Weights: a measure's parties 0.40, words 0.35, dates 0.15, triggers 0.10; a trigger's
parties 0.50, words 0.35, dates 0.15; a statement's words 0.40, speaker 0.30, stance
0.20, figure 0.10. Over :data:`SAME` the two are taken for one fact.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

from service.extraction import gazetteer
from service.quotes import fold

# Over this score a finding is the record's fact told again: an update, not a create.
SAME: Final = 0.7
NEUTRAL: Final = 0.5

WEIGHTS: Final[Mapping[str, Mapping[str, float]]] = {
    "measure": {"parties": 0.40, "words": 0.35, "dates": 0.15, "triggers": 0.10},
    "trigger": {"parties": 0.50, "words": 0.35, "dates": 0.15},
    "statement": {"words": 0.40, "speaker": 0.30, "stance": 0.20, "figure": 0.10},
}
LEAD_ROLE: Final = {"measure": "imposer", "trigger": "originator"}

Pair = tuple[str, str]  # (party code, role)
Passage = tuple[str, int, int]  # (source, start, end)


@dataclass(frozen=True)
class Day:
    """A date as the span its precision allows: a day, a month or a year."""

    first: dt.date
    last: dt.date

    @classmethod
    def of(cls, value: dt.date | str | None, precision: str | None) -> Day | None:
        """The span of ``value`` (a date or ISO text) at ``precision``; None without a date."""
        if value is None:
            return None
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
        if precision == "year":
            return cls(day.replace(month=1, day=1), day.replace(month=12, day=31))
        if precision == "month":
            end = calendar.monthrange(day.year, day.month)[1]
            return cls(day.replace(day=1), day.replace(day=end))
        return cls(day, day)

    def apart(self, other: Day) -> int:
        """Days between the two spans; 0 where they overlap."""
        return max(0, (other.first - self.last).days, (self.first - other.last).days)


@dataclass(frozen=True)
class Facts:
    """What a finding or a record says, in the terms the signals compare."""

    parties: frozenset[Pair] = frozenset()
    words: frozenset[str] = frozenset()
    passages: tuple[Passage, ...] = ()
    dates: tuple[Day, ...] = ()
    triggers: frozenset[str] = frozenset()
    actor: str | None = None
    country: str | None = None  # a statement's speaker's country
    stance: str | None = None
    figure: tuple[int, str | None] | None = None


@dataclass(frozen=True)
class Signal:
    """One signal: its value 0–1 (None: no evidence) and what it saw, in words."""

    name: str
    value: float | None
    saw: str = ""


@dataclass(frozen=True)
class Score:
    """How well a record matches a finding, and the signals behind it."""

    id: str
    value: float
    signals: tuple[Signal, ...] = field(default=())
    same_passage: bool = False  # the record cites a passage the finding cites

    def signal(self, name: str) -> Signal:
        """The signal ``name`` (no evidence if the kind has none by that name)."""
        return next((s for s in self.signals if s.name == name), Signal(name, None))

    @property
    def why(self) -> str:
        """The signals that saw something, strongest first: ``same imposer KR; …``."""
        seen = sorted((s for s in self.signals if s.saw), key=lambda s: -(s.value or 0.0))
        return "; ".join(s.saw for s in seen)


# --- Words ------------------------------------------------------------------------------

_TOKEN = re.compile(r"\d+(?:[,.]\d+)*|[a-z0-9]+(?:[-'][a-z0-9]+)*")
_STOP_WORDS = """
    a about above after again against all also am an and any are as at be been before being
    below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself
    just me more most my no nor not now of off on once only or other our out over own same
    she should so some such than that the their them then there these they this those
    through to too under until up very was we were what when where which while who whom why
    will with would you your yet amid since per via upon among told said says say saying
    according reported reports report reporter reporters added noted stated official
    officials spokesman spokeswoman spokesperson news agency statement monday tuesday
    wednesday thursday friday saturday sunday week weeks month months year years day days
    today yesterday last new first one two three its it's which while unspecified
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec north south ministry minister foreign
    government
"""
STOP: Final = frozenset(_STOP_WORDS.split())
# Days of the month and years: the dates signal weighs them.
_DATE_LIKE = re.compile(r"\d{1,2}|(?:19|20)\d\d")


def _stem(word: str) -> str:
    """A plural folded to its singular, roughly: enough to meet "tanks" with "tank"."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def content_words(*texts: str | None) -> frozenset[str]:
    """The words of ``texts`` that tell one fact from another.

    Names of countries and organisations are left out (the parties signal weighs them), as
    are stop words and the words of reporting; ``K-2`` and ``K2`` are one word.
    """
    found: frozenset[str] = frozenset()
    for text in texts:
        if text:
            found |= _words_of(text)
    return found


def rough_words(*texts: str | None) -> frozenset[str]:
    """:func:`content_words` with the names of parties left in: ten times as fast.

    For a first pass over many records of the same parties, where their names weigh alike.
    """
    found: frozenset[str] = frozenset()
    for text in texts:
        if text:
            found |= _tokens(text)
    return found


@lru_cache(maxsize=20_000)
def _words_of(text: str) -> frozenset[str]:
    """:func:`content_words` of one text; cached, as one article weighs the same records often."""
    blanked = list(text)
    for mention in gazetteer.find(text):
        blanked[mention.start : mention.end] = " " * (mention.end - mention.start)
    return _tokens("".join(blanked))


@lru_cache(maxsize=20_000)
def _tokens(text: str) -> frozenset[str]:
    found: set[str] = set()
    for token in _TOKEN.findall(fold(text).lower()):
        if token in STOP or _DATE_LIKE.fullmatch(token):
            continue
        word = _stem(token).replace("-", "").replace("'", "").replace(",", "")
        if len(word) > 1 and word not in STOP:
            found.add(word)
    return frozenset(found)


def _overlaps(found: Iterable[Passage], held: Iterable[Passage]) -> bool:
    held = list(held)
    return any(
        s == source and start < end_ and start_ < end
        for source, start, end in found
        for s, start_, end_ in held
    )


def words(found: Facts, held: Facts) -> Signal:
    """The share of the finding's words the record has; 1 if it cites the same passage."""
    if _overlaps(found.passages, held.passages):
        return Signal("words", 1.0, "cites the same passage")
    if not found.words:
        return Signal("words", None)
    shared = found.words & held.words
    share = len(shared) / len(found.words)
    listed = ", ".join(sorted(shared)[:6])
    return Signal("words", share, f"{share:.0%} of the words ({listed})" if shared else "")


# --- Parties, dates, triggers -----------------------------------------------------------


def parties(found: Facts, held: Facts, lead: str) -> Signal:
    """The lead parties in common (Jaccard), and the share of the others in the same role."""
    found_lead = {code for code, role in found.parties if role == lead}
    held_lead = {code for code, role in held.parties if role == lead}
    others = {pair for pair in found.parties if pair[1] != lead}
    if not found_lead and not others:
        return Signal("parties", None)
    union = found_lead | held_lead
    lead_value = len(found_lead & held_lead) / len(union) if union else NEUTRAL
    shared_others = others & held.parties
    value = lead_value
    if others:
        value = 0.6 * lead_value + 0.4 * len(shared_others) / len(others)
    saw = []
    if found_lead & held_lead:
        saw.append(f"same {lead} {', '.join(sorted(found_lead & held_lead))}")
    elif found_lead:
        theirs = ", ".join(sorted(held_lead)) or "none"
        saw.append(f"{lead} {', '.join(sorted(found_lead))} against the record's {theirs}")
    saw += [f"{code} as {role} too" for code, role in sorted(shared_others)]
    return Signal("parties", value, "; ".join(saw))


def closeness(days: int) -> float:
    """1 within 30 days, falling linearly to 0 at 365."""
    return max(0.0, min(1.0, 1 - (days - 30) / 335))


def dates(found: Facts, held: Facts) -> Signal:
    """How close the nearest two dates are; no evidence if either side has none."""
    if not found.dates or not held.dates:
        return Signal("dates", None)
    days = min(a.apart(b) for a in found.dates for b in held.dates)
    return Signal("dates", closeness(days), f"dated {days} days apart")


def triggers(found: Facts, held: Facts) -> Signal:
    """Whether the record answers a trigger the article reports too."""
    if not found.triggers:
        return Signal("triggers", None)
    shared = found.triggers & held.triggers
    if not shared:
        return Signal("triggers", 0.0)
    return Signal("triggers", 1.0, f"responds to {', '.join(sorted(shared))}, reported here too")


# --- Statements -------------------------------------------------------------------------


def speaker(found: Facts, held: Facts) -> Signal:
    """The same actor (1), or an actor of the same country (0.5)."""
    if found.actor is not None and found.actor == held.actor:
        return Signal("speaker", 1.0, f"said by {held.actor} too")
    if found.country is not None and found.country == held.country:
        return Signal("speaker", 0.5, f"said by {held.actor}, of {held.country} too")
    if found.actor is None and found.country is None:
        return Signal("speaker", None)
    return Signal("speaker", 0.0)


def stance(found: Facts, held: Facts) -> Signal:
    """The same stance."""
    if found.stance is None:
        return Signal("stance", None)
    same = found.stance == held.stance
    return Signal("stance", 1.0 if same else 0.0, f"the same stance, {held.stance}" if same else "")


def figure(found: Facts, held: Facts) -> Signal:
    """The same figure (value and unit); no evidence when neither gives one."""
    if found.figure is None and held.figure is None:
        return Signal("figure", None)
    same = found.figure == held.figure
    shown = f"the same figure, {found.figure[0]:,}" if same and found.figure else ""
    return Signal("figure", 1.0 if same else 0.0, shown)


# --- The score --------------------------------------------------------------------------


def score(kind: str, key: str, found: Facts, held: Facts) -> Score:
    """How well the record ``key`` (``held``) matches a finding of ``kind`` (``found``)."""
    weights = WEIGHTS[kind]
    signals: list[Signal] = []
    for name in weights:
        if name == "parties":
            signals.append(parties(found, held, LEAD_ROLE[kind]))
        else:
            signals.append(_SIGNALS[name](found, held))
    value = sum(weights[s.name] * (NEUTRAL if s.value is None else s.value) for s in signals)
    same = _overlaps(found.passages, held.passages)
    return Score(key, round(value, 3), tuple(signals), same)


_SIGNALS = {
    "words": words,
    "dates": dates,
    "triggers": triggers,
    "speaker": speaker,
    "stance": stance,
    "figure": figure,
}
