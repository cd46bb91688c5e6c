"""Split an article into paragraphs and sentences whose offsets point into the original text.

``text[s.start:s.end] == s.text`` always holds: nothing is normalised, so a quote cut from
a sentence is what the article says, letter for letter.

Rules, in the order they are applied:

- A paragraph ends at a line break. A line that does not end a sentence and is followed by
  a line starting in lower case is a hard wrap, not a paragraph break.
- A sentence ends after ``.``, ``!``, ``?`` or ``…`` (with any closing quotes and brackets)
  followed by white space and a capital, a digit or an opening quote or bracket, except
  after a title (Mr., Gen.), a month (Oct. 18), ``No.`` before a number, or an initial
  (George W. Bush).
- After an ambiguous abbreviation (U.S., a.m., Inc.) the sentence ends only when the next
  word usually starts one ("the U.S. The deal" splits, "U.S. officials" does not).
- Wire copy loses spaces: ``in Ukraine.Hyundai Rotem said`` splits after ``Ukraine.``
  when a lower-case word of two letters or more meets a capitalised word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Final


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its place in the text and the paragraph it belongs to."""

    index: int
    paragraph: int
    start: int
    end: int
    text: str


# A title is always followed by a name: never the end of a sentence.
_TITLES: Final = _words(
    "Mr Mrs Ms Dr Prof Gen Lt Col Maj Capt Cmdr Adm Sgt Cpl Pvt Gov Sen Rep Rev Hon Pres "
    "Amb Supt Insp Det Fr Sr Jr St Mt Ft Messrs Mme Mlle vs v cf eg ie"
)
# Months and "No." stop a sentence only when a capitalised word follows, never a number.
_BEFORE_NUMBER: Final = _words(
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec No Nos Vol Art Fig p pp"
)
# Abbreviations that may end a sentence as well as sit inside one.
_AMBIGUOUS: Final = _words("Inc Ltd Corp Co Bros etc al approx")
# Words that start sentences in wire copy; after an ambiguous abbreviation they mark an end.
_STARTERS: Final = _words(
    "The A An It He She They We I This That These Those There In On At But And However "
    "Meanwhile Its His Her Their Our After Before When While Since As If Although Both "
    "Last Earlier Later Some Many Most Officials Analysts Experts According"
)

_PARAGRAPH: Final = re.compile(r"[^\n]+")
# Only from the first mark of a run: tried at each mark of "....." (no space after), the
# run is read to its end each time, and a long run costs time quadratic in its length.
_END: Final = re.compile(r"(?<![.!?…])[.!?…]+[”\"’')\]]*(\s+)(?=[“\"‘'(\[]?[A-Z0-9])")
_RUN_TOGETHER: Final = re.compile(r"(?<=[a-z]{2})\.(?=[A-Z][a-z])")
_LAST_WORD: Final = re.compile(r"([A-Za-z](?:[A-Za-z.]*[A-Za-z])?)\.?[”\"’')\]]*$")
_NEXT_WORD: Final = re.compile(r"[“\"‘'(\[]?([A-Za-z0-9]+)")
_ACRONYM: Final = re.compile(r"(?:[A-Za-z]\.){2,}$")
_ENDS_SENTENCE: Final = re.compile(r"[.!?…:;][”\"’')\]]*\s*$")


def _is_boundary(text: str, dot: int, after: int) -> bool:
    """Whether the punctuation at ``dot`` ends a sentence, given the word at ``after``."""
    if text[dot] != ".":
        return True
    window = text[max(0, dot - 24) : dot + 1]
    last = _LAST_WORD.search(window)
    if last is None:
        return True
    word = last.group(1)
    nxt = _NEXT_WORD.match(text, after)
    following = nxt.group(1) if nxt else ""
    if "." in word or _ACRONYM.search(window):
        # U.S., a.m., U.N.: a sentence ends only if the next word usually starts one.
        return following in _STARTERS
    if word in _TITLES:
        return False
    if word in _BEFORE_NUMBER:
        return not following[:1].isdigit()
    if len(word) == 1 and word.isupper():
        # An initial, unless the text before it is a full stop of its own ("Plan B. The").
        return following in _STARTERS
    if word in _AMBIGUOUS:
        return following in _STARTERS
    return True


def _cuts(text: str, start: int, end: int) -> list[int]:
    """Offsets within ``text[start:end]`` where one sentence ends and the next begins."""
    cuts: list[int] = []
    for match in _END.finditer(text, start, end):
        dot = match.start()
        if _is_boundary(text, dot, match.end()):
            cuts.append(match.start(1))
    for match in _RUN_TOGETHER.finditer(text, start, end):
        if _is_boundary(text, match.start(), match.end()):
            cuts.append(match.end())
    return sorted(cuts)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of the paragraphs of ``text``, joining hard-wrapped lines."""
    spans: list[tuple[int, int]] = []
    for line in _PARAGRAPH.finditer(text):
        if not line.group().strip():
            continue
        start, end = line.span()
        if spans:
            prev_start, prev_end = spans[-1]
            gap = text[prev_end:start]
            wrapped = gap.count("\n") == 1 and line.group().lstrip()[:1].islower()
            if wrapped and not _ENDS_SENTENCE.search(text, prev_start, prev_end):
                spans[-1] = (prev_start, end)
                continue
        spans.append((start, end))
    return spans


def split(text: str) -> list[Sentence]:
    """The sentences of ``text`` in order, each with exact offsets into it."""
    sentences: list[Sentence] = []
    for number, (p_start, p_end) in enumerate(_paragraphs(text)):
        bounds = [p_start, *_cuts(text, p_start, p_end), p_end]
        for start, end in pairwise(bounds):
            piece = text[start:end]
            stripped = piece.strip()
            if not stripped:
                continue
            lead = len(piece) - len(piece.lstrip())
            s = start + lead
            e = s + len(stripped)
            sentences.append(Sentence(len(sentences), number, s, e, text[s:e]))
    return sentences
