"""Who said it: the speaker of reported speech, read from the words around the attribution.

Wire reports attribute words in a handful of shapes, and each puts the speaker in a fixed
place relative to the attribution verb:

- before it: "Yoon's office said", "South Korean national security adviser Chang Ho-jin
  said", "U.S. Treasury officials said in a statement", "an intelligence service
  spokeswoman told Stars and Stripes";
- after it, inverted after a quote: "“…,” said Kim Yong Hyun";
- after "according to": "according to South Korea's National Intelligence Service";
- a pronoun ("he said") stands for the person named as speaker in an earlier sentence;
- a sentence whose verb is far from its subject ("Foreign Minister Takeshi Iwaya met with
  Zelenskyy … and stated that") has the speaker as its subject: the name that opens it.

The speaker's *name* is the person's name when the phrase ends in one ("adviser Chang
Ho-jin" → "Chang Ho-jin"), else the phrase without its article ("intelligence service
spokeswoman"). A register actor, country or organisation named inside the phrase is what
the speaker stands for; a person the register does not know yet stays a name, for the
reviewer to match or create.

Deterministic and offline, like every stage: it reads one sentence and the speaker of the
sentences before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from service.extraction.gazetteer import Mention

# Lower-case words that belong to a speaker's phrase: titles, offices and what qualifies
# them ("national security adviser", "the foreign ministry", "senior officials").


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_TITLE_WORDS: Final = _set(
    """
    minister ministry ministers office offices spokesperson spokeswoman spokesman spokespeople
    adviser advisor advisers officials official agency service services department
    ambassador ambassadors envoy president vice deputy secretary general chief chiefs head
    director commander commanders lawmakers lawmaker legislator analysts analyst experts
    expert observers sources source diplomats diplomat government administration
    intelligence military army navy command council committee staff spy foreign defense
    defence security national senior top prime policy affairs state treasury interior
    unification joint chiefs of for the a an its his her their and presidential
    parliamentary parliament assembly representative representatives mission delegation
    leader leaders chairman chairwoman chair premier board bureau authorities authority
    regime junta forces force press media news outlet broadcaster agency's ministry's
    office's government's military's reports report reporting
    """
)
_DETERMINERS: Final = frozenset({"the", "a", "an", "its", "his", "her", "their"})
# Words that may stand between a speaker and the verb: "separately said", "also told".
_ADVERBS: Final = _set(
    """also separately later earlier previously reportedly then again further repeatedly
    has had have was were is are been"""
)
_PRONOUNS: Final = frozenset({"he", "she"})
_PLURAL_PRONOUNS: Final = frozenset({"they"})
_TOKEN = re.compile(r"[\w.’'-]+|[^\w\s]")
_CAPITALISED = re.compile(r"^[A-Z][\w.’'-]*$")
_POSSESSIVE = re.compile(r"[’']s?$")
_CLAUSE_END = re.compile(r"[,;:.“”\"()]|\bthat\b|\bon\b|\bin\b|\bat\b|\bwhile\b|\bwhich\b")


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who said it: the name as the text gives it, and what the register knows of it."""

    name: str  # "Chang Ho-jin", "Yoon's office", "intelligence service spokeswoman"
    start: int  # offsets into the sentence of the phrase the name was read from
    end: int
    actor: str | None  # a register actor named in the phrase
    party: str | None  # else a country or organisation the phrase names ("Seoul")
    how: str  # "before", "after", "according to", "pronoun", "subject"
    person: bool  # the name is a person's (a run of capitalised words, not a title)


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _phrase_word(token: str) -> bool:
    """Whether ``token`` may be part of a speaker's phrase."""
    bare = _POSSESSIVE.sub("", token)
    return bool(_CAPITALISED.match(token)) or bare.lower() in _TITLE_WORDS or token in {"&"}


def _left_phrase(text: str, end: int) -> tuple[int, int] | None:
    """The phrase that ends just before ``end`` (skipping adverbs), as offsets."""
    tokens = [t for t in _tokens(text) if t.end <= end]
    while tokens and tokens[-1].text.lower() in _ADVERBS:
        tokens.pop()
    taken: list[_Token] = []
    while tokens and _phrase_word(tokens[-1].text):
        taken.insert(0, tokens.pop())
    while taken and taken[0].text.lower() in {"and", "of", "for"}:
        taken.pop(0)
    if not taken:
        return None
    return taken[0].start, taken[-1].end


def _right_phrase(text: str, start: int) -> tuple[int, int] | None:
    """The phrase that starts at ``start``, up to the clause's end, as offsets."""
    stop = _CLAUSE_END.search(text, start)
    limit = stop.start() if stop is not None else len(text)
    taken: list[_Token] = []
    for token in _tokens(text[start:limit]):
        if not _phrase_word(token.text):
            break
        taken.append(_Token(token.text, token.start + start, token.end + start))
    while taken and taken[-1].text.lower() in {"and", "of", "for", "the", "a", "an"}:
        taken.pop()
    if not taken or all(t.text.lower() in _DETERMINERS for t in taken):
        return None
    return taken[0].start, taken[-1].end


def _name(phrase: str) -> tuple[str, bool]:
    """The speaker's name in a phrase, and whether it is a person's name.

    A phrase that ends in two or more capitalised words after a lower-case title is a
    title and a name ("national security adviser Chang Ho-jin"); otherwise the whole
    phrase, without a leading article, is the name.
    """
    words = phrase.split()
    while words and words[0].lower() in _DETERMINERS:
        words = words[1:]
    tail: list[str] = []
    for word in reversed(words):
        if not _CAPITALISED.match(word) or word.lower() in _TITLE_WORDS:
            break
        tail.insert(0, word)
    title = words[len(words) - len(tail) - 1] if len(tail) < len(words) else ""
    titled = bool(title) and (title[0].islower() or title.lower() in _TITLE_WORDS)
    if len(tail) >= 2 and titled:
        return " ".join(tail), True
    text = " ".join(words)
    person = bool(words) and all(_CAPITALISED.match(w) for w in words) and len(words) <= 4
    return text, person and not any(w.lower() in _TITLE_WORDS for w in words)


def _knows(
    mentions: list[Mention], base: int, span: tuple[int, int]
) -> tuple[str | None, str | None]:
    """The register actor, else the party, named inside ``span`` of the sentence."""
    inside = [m for m in mentions if span[0] <= m.start - base and m.end - base <= span[1]]
    actor = next((m.code for m in inside if m.kind == "actor"), None)
    party = next((m.code for m in inside if m.kind in ("country", "organisation")), None)
    return actor, party


def find(
    text: str,
    base: int,
    mentions: list[Mention],
    attribution: tuple[int, int, str],
    previous: Speaker | None = None,
) -> Speaker | None:
    """The speaker of the speech attributed at ``attribution`` in the sentence ``text``.

    ``attribution`` is the verb's offsets in the sentence and its words; ``base`` is the
    sentence's offset in the article (``mentions`` are in article offsets); ``previous``
    is the speaker named in an earlier sentence, for a pronoun.
    """
    start, end, words = attribution
    how = "before"
    span: tuple[int, int] | None = None
    if words.lower().startswith("according to"):
        span, how = _right_phrase(text, end), "according to"
    else:
        before = text[:start].rstrip()
        last = before.split()[-1].lower() if before.split() else ""
        if last in _PRONOUNS | _PLURAL_PRONOUNS:
            if previous is None or last in _PLURAL_PRONOUNS:
                return None  # no one person to stand for: the reviewer names the speaker
            return Speaker(
                previous.name,
                start - len(last) - 1,
                start,
                previous.actor,
                previous.party,
                "pronoun",
                previous.person,
            )
        span = _left_phrase(text, start)
        if span is None or before.endswith((",", "”", '"', "’")):
            after = _right_phrase(text, end)
            if after is not None:
                span, how = after, "after"
    if span is None:
        span, how = _left_phrase(text, _subject_end(text)), "subject"
    if span is None:
        return None
    name, person = _name(text[span[0] : span[1]])
    if not name:
        return None
    actor, party = _knows(mentions, base, span)
    return Speaker(name, span[0], span[1], actor, party, how, person)


def _subject_end(text: str) -> int:
    """Where the sentence's opening phrase ends (its subject, in wire style)."""
    end = 0
    for token in _tokens(text):
        if not _phrase_word(token.text):
            break
        end = token.end
    return end
