"""Cue phrases: what kind of measure a sentence speaks of, how far along it is, who says so.

Wire reports name measures in a small set of ways ("imposed sanctions on", "could send
weapons to", "signed a contract for 180 K2 tanks", "summoned the ambassador") and qualify
them with tense and modality ("is considering", "will impose", "imposed", "takes effect").
Each cue below is a regular expression over one sentence with what it means; every match
is kept with its span, so a proposal can say which words made it (its ``reasons``).

- :func:`measure_cues` finds the measure types a sentence speaks of, one per distinct
  cue (a sentence naming sanctions and an arms deal gives two);
- :func:`status_of` reads the status of a measure from the words around its cue: the
  nearest modal or tense cue before it in the same clause, else the sentence's own;
- :func:`speech` finds reported speech (said, told, according to) and the stance of it:
  deny, condemn, warn, demand, confirm, report; "did not confirm" is
  ``decline_to_confirm``, never a denial.

Everything here is deterministic and offline: the same sentence always gives the same
cues, in the order of their position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.extraction.spans import Spans

_FLAGS = re.IGNORECASE


def _words(*alternatives: str) -> str:
    return r"\b(?:" + "|".join(alternatives) + r")\b"


@dataclass(frozen=True)
class Cue:
    """A cue that fired: what it means, where, and the words that made it."""

    meaning: str  # a measure type, a status or a stance (the register's vocabulary)
    start: int  # offsets into the sentence
    end: int
    words: str

    @property
    def reason(self) -> str:
        """The cue as a proposal's reason reads it: ``cue 'imposed sanctions' → sanction``."""
        return f"cue '{self.words}' → {self.meaning}"


# Measure types, each by the phrases that name one. Order matters only for overlaps:
# a span claimed by an earlier cue is not matched again by a later one.
WEAPONS = (
    r"weapons?",
    r"arms",
    r"tanks?",
    r"howitzers?",
    r"artillery",
    r"ammunition",
    r"shells",
    r"missiles?",
    r"rocket launchers?",
    r"fighter jets?",
    r"jets",
    r"drones?",
    r"K-?2\w*",
    r"K-?9\w*",
    r"FA-50\w*",
    r"Chunmoo",
    r"air defen[cs]e systems?",
)
_WEAPON = "(?:" + "|".join(WEAPONS) + ")"
MEASURE_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "response_package",
        re.compile(
            _words(
                r"phased measures",
                r"package of (?:measures|sanctions)",
                r"countermeasures",
                r"corresponding measures",
                r"all measures available",
            ),
            _FLAGS,
        ),
    ),
    (
        "sanction",
        re.compile(
            _words(
                r"sanction(?:s|ed|ing)?",
                r"asset freezes?",
                r"froze (?:the )?assets",
                r"freez(?:e|ing) (?:the )?assets",
                r"travel bans?",
                r"export (?:bans?|controls)",
                r"import bans?",
                r"blacklist(?:s|ed|ing)?",
                r"entity list",
                r"embargo(?:es)?",
                r"designat(?:ed|es|ing|ion of)",
            ),
            _FLAGS,
        ),
    ),
    (
        "humanitarian_aid",
        re.compile(
            _words(
                r"humanitarian (?:aid|assistance|relief|support)", r"medical supplies", r"food aid"
            ),
            _FLAGS,
        ),
    ),
    (
        "non_lethal_aid",
        re.compile(_words(r"non-?lethal (?:aid|assistance|support|equipment)"), _FLAGS),
    ),
    (
        "military_aid",
        re.compile(
            _words(
                r"military (?:aid|assistance|support)",
                r"lethal (?:aid|weapons)",
                r"(?:send|sending|supply|supplying|provide|providing|ship|shipping|give|giving)"
                r"(?: \w+){0,3} " + _WEAPON + r"(?: \w+){0,4} to Ukraine",
                _WEAPON + r" (?:for|to) Ukraine",
            ),
            _FLAGS,
        ),
    ),
    (
        "arms_transfer",
        re.compile(
            _words(
                r"(?:arms|weapons|defen[cs]e) (?:deal|contract|sale|export)s?",
                r"(?:contract|deal|order|agreement) (?:for|to buy|to supply|worth)(?: \w+){0,4} "
                + _WEAPON,
                r"\d[\d,]* " + _WEAPON,
                r"deliver(?:y|ies|ed)? of(?: \w+){0,3} " + _WEAPON,
            ),
            _FLAGS,
        ),
    ),
    (
        "diplomatic_action",
        re.compile(
            _words(
                r"summon(?:ed|s|ing)? (?:the )?(?:\w+ )?(?:ambassador|envoy|charg[eé] d'affaires)",
                r"expel(?:led|s|ling)? (?:\w+ )?diplomats?",
                r"lodged (?:a |an )?(?:strong )?protest",
                r"recall(?:ed|s|ing)? (?:its |the )?ambassador",
                r"emergency (?:UN |U\.N\. )?"
                r"Security Council meeting",
            ),
            _FLAGS,
        ),
    ),
    (
        "military_preparation",
        re.compile(
            _words(
                r"(?:raised|raise|raising) (?:the |its )?(?:alert|readiness)",
                r"military preparations?",
                r"(?:bolster|strengthen)(?:ed|ing|s)? (?:its )?defen[cs]es?",
            ),
            _FLAGS,
        ),
    ),
    (
        "policy_review",
        re.compile(
            _words(
                r"(?:review|reconsider|re-examine|revisit)(?:s|ed|ing)? (?:its |the |a )?"
                r"(?:\w+ ){0,3}(?:policy|ban|stance)",
                r"shift in (?:its |the )?(?:\w+ ){0,2}policy",
            ),
            _FLAGS,
        ),
    ),
    (
        "security_cooperation",
        re.compile(
            _words(
                r"(?:security|defen[cs]e|military)"
                r" (?:pact|treaty|cooperation agreement|partnership)",
                r"mutual defen[cs]e",
                r"joint (?:exercises|drills)",
            ),
            _FLAGS,
        ),
    ),
)

# Status cues, by how far along a measure is. Checked nearest first (see status_of).
MEASURE_STATUSES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "withdrawn",
        re.compile(
            _words(
                r"lifted",
                r"revoked",
                r"withdr[ae]w(?:n)?",
                r"scrapped",
                r"cancell?ed",
                r"abandoned",
            ),
            _FLAGS,
        ),
    ),
    ("suspended", re.compile(_words(r"suspend(?:ed|s|ing)?", r"put on hold", r"paused"), _FLAGS)),
    (
        "completed",
        re.compile(_words(r"delivered", r"completed", r"handed over", r"arrived"), _FLAGS),
    ),
    (
        "under_consideration",
        re.compile(
            _words(
                r"(?:is|are|was|were|be) (?:considering|weighing|mulling|reviewing|exploring)",
                r"considers?",
                r"considering",
                r"weigh(?:s|ing)?",
                r"mull(?:s|ing)?",
                r"could",
                r"might",
                r"may",
                r"possib(?:le|ility|ly)",
                r"hinted",
                r"not rul(?:e|ing) out",
                r"(?:open|opening) the door to",
            ),
            _FLAGS,
        ),
    ),
    (
        "threatened",
        re.compile(
            _words(
                r"threaten(?:s|ed|ing)?",
                r"warn(?:s|ed|ing)? (?:\w+ ){0,6}(?:would|will)",
                r"if [^,]{3,120}, (?:\w+ ){0,6}(?:will|would)",
                r"unless",
            ),
            _FLAGS,
        ),
    ),
    (
        "announced",
        re.compile(
            _words(
                r"will",
                r"would",
                r"plans? to",
                r"planning to",
                r"intends? to",
                r"vow(?:s|ed)",
                r"pledg(?:es|ed|ing)",
                r"announc(?:es|ed|ing)",
                r"unveil(?:s|ed|ing)",
                r"decided to",
                r"to impose",
                r"is set to",
                r"are set to",
            ),
            _FLAGS,
        ),
    ),
    (
        "agreed",
        re.compile(
            _words(
                r"signed",
                r"sign(?:s|ing)? (?:a |an |the )?(?:\w+ ){0,3}(?:contract|deal|agreement)",
                r"agreed",
                r"approved",
                r"adopted",
                r"concluded",
            ),
            _FLAGS,
        ),
    ),
    (
        "in_force",
        re.compile(
            _words(
                r"imposed",
                r"imposes",
                r"slapped",
                r"hit (?:\w+ ){0,6}with",
                r"took effect",
                r"takes? effect",
                r"came into force",
                r"in force",
                r"in effect",
                r"froze",
                r"blacklisted",
                r"designated",
                r"sanctioned",
                r"summoned",
                r"expelled",
                r"lodged",
                r"has (?:sent|supplied|provided|delivered)",
                r"began (?:sending|supplying)",
            ),
            _FLAGS,
        ),
    ),
)

# Reported speech: the verbs and phrases that attribute words to a speaker.
SPEECH = re.compile(
    _words(
        r"said",
        r"says",
        r"told",
        r"stated",
        r"according to",
        r"added",
        r"noted",
        r"announced",
        r"wrote",
        r"posted",
        r"briefed",
        r"reported",
        r"declared",
        r"claimed",
        r"insisted",
        r"emphasi[sz]ed",
        r"stressed",
    ),
    _FLAGS,
)
STANCES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # First: a refusal to confirm is neither a denial nor a confirmation.
    (
        "decline_to_confirm",
        re.compile(
            _words(
                r"(?:did|does|would) not confirm",
                r"declined to (?:confirm|comment)",
                r"neither confirm(?:ed)? nor den(?:y|ied)",
                r"refused to (?:confirm|comment)",
            ),
            _FLAGS,
        ),
    ),
    (
        "silent",
        re.compile(
            _words(r"remained silent", r"(?:has|have) been silent", r"made no comment"), _FLAGS
        ),
    ),
    (
        "deny",
        re.compile(
            _words(
                r"den(?:y|ies|ied|ying)",
                r"dismiss(?:ed|es|ing)",
                r"rejected (?:the )?"
                r"(?:reports?|claims?|allegations?)",
                r"refuted",
                r"\"fake news\"",
                r"“fake news”",
            ),
            _FLAGS,
        ),
    ),
    (
        "condemn",
        re.compile(
            _words(
                r"condemn(?:s|ed|ing)?",
                r"denounc(?:e|es|ed|ing)",
                r"deplor(?:e|es|ed|ing)",
                r"slammed",
            ),
            _FLAGS,
        ),
    ),
    (
        "demand",
        re.compile(
            _words(r"demand(?:s|ed|ing)?", r"call(?:s|ed)? (?:on|for)", r"urg(?:e|es|ed|ing)"),
            _FLAGS,
        ),
    ),
    ("warn", re.compile(_words(r"warn(?:s|ed|ing)?", r"cautioned"), _FLAGS)),
    (
        "pledge",
        re.compile(
            _words(
                r"vow(?:s|ed)?",
                r"pledg(?:e|es|ed)",
                r"promis(?:e|es|ed)",
                r"(?:won[’']t|will not) sit idl[ey]",
            ),
            _FLAGS,
        ),
    ),
    ("confirm", re.compile(_words(r"confirm(?:s|ed|ing)?", r"acknowledg(?:e|es|ed)"), _FLAGS)),
)


def measure_cues(sentence: str) -> list[Cue]:
    """The measure types ``sentence`` speaks of, each with the words that name it.

    Overlapping matches keep the first cue's reading (a ``response_package`` of "phased
    measures" is not also a sanction); distinct phrases give distinct cues.
    """
    taken = Spans()
    found: list[Cue] = []
    for meaning, pattern in MEASURE_TYPES:
        for match in pattern.finditer(sentence):
            start, end = match.span()
            if taken.take(start, end):
                found.append(Cue(meaning, start, end, match.group(0)))
    # One type per sentence position; the same type twice in a sentence is one measure.
    unique: dict[str, Cue] = {}
    for cue in sorted(found, key=lambda c: c.start):
        unique.setdefault(cue.meaning, cue)
    return sorted(unique.values(), key=lambda c: c.start)


_CLAUSE_BREAK = re.compile(r"[;:]|, (?:but|while|whereas|and)\b|\bbut\b")


_CONDITION = re.compile(
    _words(
        r"if",
        r"unless",
        r"should (?:\w+ ){0,3}(?:continue|persist)",
        r"in (?:the )?(?:case|event) (?:of|that)",
    ),
    _FLAGS,
)


def status_of(sentence: str, cue: Cue) -> Cue | None:
    """The status of the measure ``cue`` names, or None without a textual basis.

    The nearest status cue before it in its clause ("could send weapons"), else one in its
    own words ("summoned the ambassador"), else the nearest after it in its clause
    ("sanctions were imposed"), else the nearest before it in the sentence (a list
    governed by one verb: "would develop countermeasures, including ..., and military
    preparations"). A measure announced on a condition ("will impose sanctions if
    troops are deployed") is ``threatened``.
    """
    breaks = [b.end() for b in _CLAUSE_BREAK.finditer(sentence)]
    clause_start = max((b for b in breaks if b <= cue.start), default=0)
    clause_end = min((b for b in breaks if b > cue.end), default=len(sentence))
    candidates = [
        Cue(meaning, match.start(), match.end(), match.group(0))
        for meaning, pattern in MEASURE_STATUSES
        for match in pattern.finditer(sentence)
    ]

    def nearest_before(start: int) -> Cue | None:
        before = [c for c in candidates if start <= c.start and c.end <= cue.start]
        return max(before, key=lambda c: (c.end, -_rank(c.meaning)), default=None)

    inside = [c for c in candidates if cue.start <= c.start and c.end <= cue.end]
    after = [c for c in candidates if cue.end <= c.start and c.end <= clause_end]
    found = (
        nearest_before(clause_start)
        or min(inside, key=lambda c: (c.start, _rank(c.meaning)), default=None)
        or min(after, key=lambda c: (c.start, _rank(c.meaning)), default=None)
        or nearest_before(0)
    )
    if found is not None and found.meaning == "announced":
        condition = _CONDITION.search(sentence)
        if condition is not None:
            return Cue(
                "threatened", found.start, found.end, f"{found.words} … {condition.group(0)}"
            )
    return found


def _rank(meaning: str) -> int:
    return [m for m, _ in MEASURE_STATUSES].index(meaning)


@dataclass(frozen=True)
class Speech:
    """Reported speech in a sentence: the attribution and the stance, with their words."""

    attribution: Cue  # meaning: "speech"
    stance: Cue | None


def speech(sentence: str) -> Speech | None:
    """The reported speech of ``sentence`` and its stance, if it attributes words to anyone."""
    said = SPEECH.search(sentence)
    stance = stance_of(sentence)
    if said is None and stance is None:
        return None
    if said is None:
        assert stance is not None
        attribution = Cue("speech", stance.start, stance.end, stance.words)
    else:
        attribution = Cue("speech", said.start(), said.end(), said.group(0))
    return Speech(attribution, stance)


def stance_of(sentence: str) -> Cue | None:
    """The stance the sentence reports: the first of ``STANCES`` that fires, by priority."""
    for meaning, pattern in STANCES:
        match = pattern.search(sentence)
        if match is not None:
            return Cue(meaning, match.start(), match.end(), match.group(0))
    return None
