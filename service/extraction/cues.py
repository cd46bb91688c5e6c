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
- :func:`speech` finds reported speech (said, told, according to) and the stance of it,
  in the register's stances: deny, condemn, warn, demand, pledge, justify, assess,
  support, report (a confirmation is a report); "did not confirm" is
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
WEAPONS_PATTERN = r"\b" + _WEAPON + r"\b"
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
                r"restrictive measures",
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
                r"(?:send|sending|supply|supplying|provid(?:e|ing)|giv(?:e|ing))"
                r" (?:lethal |more |additional )?(?:weapons|arms)\b(?! to (?:the )?(?:U\.?S|"
                r"American|Poland))",
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
                r"(?:contract|deal|order|agreement)s?(?: [\w$.,-]+){0,8}? (?:to (?:buy|purchase"
                r"|acquire|procure|supply|export|deliver|produce)|for|of|involving|covering|on)"
                r"(?: [\w,.-]+){0,5}? " + _WEAPON,
                r"(?:suppl(?:y|ied|ies|ying)|provid(?:e|ed|es|ing)|deliver(?:s|ed|ing)?|"
                r"ship(?:s|ped|ping)?|sen[dt](?:s|ing)?)(?: [\w-]+){0,3} " + _WEAPON,
                r"(?:buy|purchase|acquire|order|export|sell)(?:s|ed|ing)?(?: [\w-]+){0,5}? "
                + _WEAPON,
                r"\d[\d,]* (?:[A-Z][\w-]* ){0,5}" + _WEAPON,
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
                r"diplomatic (?:actions?|measures|steps|responses?|pressure)",
                r"demanded (?:that )?(?:\w+ ){0,3}(?:immediately )?withdraw",
                r"called for an? (?:immediate )?(?:halt|withdrawal|end)",
                r"alerted the (?:U\.?N\.? |United Nations )?Security Council",
                r"(?:issued|released|adopted|issues) (?:a |an )?joint (?:statement|declaration)",
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
                r"change (?:in|to|of) (?:its |the |[A-Z][\w’']* )?(?:\w+ ){0,3}policy",
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
                r"cooperat(?:e|ion) (?:in|on) (?:\w+ ){0,3}defen[cs]e",
                r"support and training",
                r"training (?:for|of) (?:\w+ ){0,3}(?:troops|forces|soldiers|use)",
            ),
            _FLAGS,
        ),
    ),
)

# "announced sanctions on two Russian individuals" puts them in force the day it is said;
# "announced it would impose sanctions" does not.
_SANCTIONS_ON = (
    r" (?:new |fresh |further |additional |sweeping |more )?(?:\w+ ){0,2}sanctions (?:on|against)"
)
_IMPOSING = rf"(?={_SANCTIONS_ON})"
_NOT_IMPOSING = rf"(?!{_SANCTIONS_ON})"

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
                r"considering(?! that)",
                r"weigh(?:s|ing)?",
                r"mull(?:s|ing)?",
                r"could",
                r"might",
                r"may",
                r"possib(?:le|ility|ly)",
                r"draft(?:s|ed|ing)?(?: \w+){0,3} proposal",
                r"propos(?:al|als|ed|es)",
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
                r"announc(?:es|ed|ing)" + _NOT_IMPOSING,
                r"unveil(?:s|ed|ing)" + _NOT_IMPOSING,
                r"decided to",
                r"to impose",
                r"is set to",
                r"are set to",
                r"working to (?:finali[sz]e|conclude|sign)",
                r"(?:scheduled|due|slated) to",
                r"expected to be (?:finali[sz]ed|signed|concluded)",
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
                r"(?:the )?conclusion of (?:the )?(?:negotiations|talks)",
                r"inked",
                r"secured",
                r"won (?:a |an |the )?(?:\w+ )?(?:contract|deal|order|tender)",
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
                r"(?:is|are) imposing",
                r"introduc(?:ed|es)",
                r"targets? (?:\w+ ){1,6}with (?:new |fresh |further |additional )?sanctions",
                r"(?:announc|unveil)(?:es|ed|s)" + _IMPOSING,
                r"summons",
                r"issued",
                r"demanded",
                r"called for",
                r"alerted",
                r"added(?= [^.;]{0,120}\bto (?:the |its |their )?"
                r"(?:sanctions?|entity|black) ?list)",
                r"(?:join|support)(?:s|ed|ing)? (?:the )?[\w.]+-led",
                r"(?:has|have) (?:\w+ )?(?:sent|supplied|provided|delivered)",
                r"(?:is|are|has been|have been) (?:\w+ )?(?:providing|supplying|sending)",
                r"limited to (?:providing|sending|supplying)",
                r"polic(?:y|ies) of (?:\w+ ){0,2}(?:sending|supplying|providing)",
                r"(?:while|by) (?:exporting|supplying|sending|providing|delivering)",
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
                r"declin(?:ed|es|ing) to (?:confirm|comment)",
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
                r"decr(?:y|ies|ied|ying)",
                r"critici[sz](?:e|es|ed|ing|m)",
                r"accus(?:e|es|ed|ing)",
                r"violat(?:e|es|ed|ing|ion|ions)",
                r"illegal",
                r"unlawful",
                r"reckless",
                r"provocations?",
            ),
            _FLAGS,
        ),
    ),
    (
        "demand",
        re.compile(
            _words(
                r"demand(?:s|ed|ing)?",
                r"call(?:s|ed)? (?:on|for)",
                r"urg(?:e|es|ed|ing)",
                r"we need",
                r"must",
            ),
            _FLAGS,
        ),
    ),
    (
        "warn",
        re.compile(
            _words(
                r"warn(?:s|ed|ing)?",
                r"cautioned",
                r"threat(?:en|ens|ened)?",
                r"pos(?:e|es|ed|ing) (?:a |an )?(?:\w+ )?(?:threat|risks?|danger)",
                r"(?:serious|grave|deep) concern",
                r"concerns?",
                r"escalat(?:e|es|ed|ing|ion)",
                r"if [^,]{3,120}, (?:\w+ ){0,4}(?:will|would)",
                r"(?:would|will) depend on",
            ),
            _FLAGS,
        ),
    ),
    (
        "justify",
        re.compile(
            _words(
                r"(?:part of (?:our|its|their|the) )?response to",
                r"in response to",
                r"within the framework of",
                r"legitimate",
                r"justified",
            ),
            _FLAGS,
        ),
    ),
    (
        "pledge",
        re.compile(
            _words(
                r"vow(?:s|ed)?",
                r"pledg(?:e|es|ed)",
                r"promis(?:e|es|ed)",
                r"(?:won[’']t|will not) sit idl[ey]",
                r"(?:will|would) (?:\w+ )?(?:take|work|support|continue|strengthen|review|"
                r"prepare|respond|hold|provide|impose|increase)",
            ),
            _FLAGS,
        ),
    ),
    (
        "assess",
        re.compile(
            _words(
                r"(?:would|will|is|are) likely",
                r"likely",
                r"expected to",
                r"expects?",
                r"estimat(?:e|es|ed)",
                r"assess(?:es|ed|ment)?",
                r"believ(?:e|es|ed)",
            ),
            _FLAGS,
        ),
    ),
    (
        "support",
        re.compile(
            _words(r"welcom(?:e|es|ed|ing)", r"prais(?:e|es|ed)", r"hail(?:s|ed)", r"great day"),
            _FLAGS,
        ),
    ),
    # A confirmation is a report in the register's words (the trigger it confirms is
    # ``confirmed``); listed last, so a stronger stance in the sentence wins.
    ("report", re.compile(_words(r"confirm(?:s|ed|ing)?", r"acknowledg(?:e|es|ed)"), _FLAGS)),
)


# Triggers: the events measures answer, each by the phrases that report one, and how its
# parties read: ``directed`` (an originator acts on a host or an affected party: troops
# sent to Russia, an invasion of Ukraine), ``mutual`` (every party named is an originator:
# cooperation, a treaty), ``solo`` (the originator alone: weapons development) or
# ``meeting`` (the place named hosts the others: a summit).
_ARMS = (
    r"(?:weapons|weaponry|arms|missiles|ballistic missiles|artillery shells|shells|ammunition"
    r"|munitions)"
)
TRIGGER_KINDS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        "troop_deployment",
        "directed",
        re.compile(
            r"\b(?:troops|soldiers|forces|personnel)\b.{0,80}\b(?:deploy\w*|sen[dt]\w*|dispatch\w*)\b"
            r"|\b(?:deploy\w*|sen[dt]\w*|dispatch\w*)\b.{0,60}\b(?:troops|soldiers|forces)\b"
            r"|\b(?:involvement|presence) of (?:\w+ ){0,3}(?:troops|soldiers|forces)\b",
            _FLAGS,
        ),
    ),
    (
        "technology_transfer",
        "directed",
        re.compile(
            _words(
                r"transfer\w*(?: \w+){0,2} (?:nuclear|missile|military|space|satellite|submarine)"
                r"(?: \w+){0,2} technolog(?:y|ies)",
                r"(?:nuclear|missile|military|space|satellite) technolog(?:y|ies)"
                r" (?:transfers?|to)",
            ),
            _FLAGS,
        ),
    ),
    (
        "arms_supply",
        "directed",
        re.compile(
            _words(
                r"(?:suppl(?:y|ied|ies|ying)|export(?:s|ed|ing)?|transfer(?:s|red|ring)?|"
                r"provid(?:e|ed|es|ing)|ship(?:s|ped|ping)?|sold|sell(?:s|ing)?)(?: [\w-]+){0,4} "
                + _ARMS,
                r"(?:weapons|arms) (?:trade|transfers?|supplies|shipments)",
                r"missile support",
                r"(?:transport(?:s|ed|ing|ation)?|use) of (?:[\w-]+ ){0,3}" + _ARMS,
            ),
            _FLAGS,
        ),
    ),
    (
        "weapons_development",
        "solo",
        re.compile(
            _words(
                r"develop(?:s|ed|ing|ment of)?(?: \w+){0,4} (?:nuclear weapons|missiles|nuclear"
                r" programs?|missile programs?)",
                r"missile (?:provocations|launches|tests)",
                r"nuclear (?:weapons )?(?:program|programme)s?",
            ),
            _FLAGS,
        ),
    ),
    (
        "treaty",
        "mutual",
        re.compile(
            _words(
                r"treaty",
                r"(?:security|defen[cs]e|mutual defen[cs]e) pact",
                r"mutual (?:defen[cs]e|military) (?:assistance|support|clause)",
                r"comprehensive strategic partnership",
            ),
            _FLAGS,
        ),
    ),
    ("summit", "meeting", re.compile(_words(r"summit(?: talks| meeting)?"), _FLAGS)),
    (
        "invasion",
        "directed",
        re.compile(
            _words(
                r"invasion",
                r"invad(?:e|ed|es|ing)",
                r"war of aggression",
                r"aggression against",
                r"war (?:in|against|on) (?=[A-Z])",
                r"(?:[A-Z]\w+) war",
            ),
            re.UNICODE,
        ),
    ),
    (
        "military_cooperation",
        "mutual",
        re.compile(
            _words(
                r"military (?:cooperation|ties|collusion|alliance|partnership|relations)",
                r"(?:cooperation|ties|alliance|collusion) between",
                r"moved closer",
                r"(?:deepening|growing|strengthening|closer) (?:\w+ )?(?:ties|cooperation)",
            ),
            _FLAGS,
        ),
    ),
)


def trigger_cues(sentence: str) -> list[tuple[Cue, str]]:
    """The triggers ``sentence`` reports, one per kind, with how their parties read."""
    found: list[tuple[Cue, str]] = []
    for kind, shape, pattern in TRIGGER_KINDS:
        match = pattern.search(sentence)
        if match is not None:
            found.append((Cue(kind, match.start(), match.end(), match.group(0)), shape))
    return found


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
        r"depend(?:s|ing)? on",
        r"based on the (?:level|degree|progress)",
        r"in line with the (?:level|degree|progress)",
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

    # A status that governs another measure named between it and this one ("could send
    # weapons as part of phased measures it vowed to take") is that measure's: this one
    # takes its own from after it, when its clause has one.
    others = [m for m in measure_cues(sentence) if m.end <= cue.start]

    inside = [c for c in candidates if cue.start <= c.start and c.end <= cue.end]
    after = [c for c in candidates if cue.end <= c.start and c.end <= clause_end]
    governing = nearest_before(clause_start)
    if governing is not None and after and any(governing.end <= m.start for m in others):
        governing = None
    found = (
        governing
        or min(inside, key=lambda c: (c.start, _rank(c.meaning)), default=None)
        or min(after, key=lambda c: (c.start, _rank(c.meaning)), default=None)
        or nearest_before(0)
    )
    if found is not None and found.meaning in ("announced", "under_consideration"):
        condition = _CONDITION.search(sentence)
        if condition is not None:
            return Cue(
                "threatened", found.start, found.end, f"{found.words} … {condition.group(0)}"
            )
    return found


_CONDITION_CLAUSE = re.compile(
    r"\b(?:if|unless|should|depend(?:s|ing)? on|based on the (?:level|degree|progress)|"
    r"in line with the (?:level|degree|progress))\b[^,;.“”\"]{3,200}",
    _FLAGS,
)


def condition_of(sentence: str) -> str | None:
    """The condition a sentence sets, in its own words ("if North Korea continues …")."""
    found = _CONDITION_CLAUSE.search(sentence)
    return found.group(0).strip() if found is not None else None


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
