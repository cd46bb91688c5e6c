"""Cited passages laid out in their article's text, for the templates to mark up.

A source's text is cut into paragraphs (at blank lines) and each paragraph into pieces:
runs of text, each with the passages that cover it, an anchor where a passage starts and
a reference where it ends. Passages may overlap or nest (a statement quoting part of a
measure's evidence): every run knows each passage it belongs to, so the marked runs of a
passage, read in order, are exactly ``text[start:end]`` less any blank lines between
paragraphs. Nothing here writes HTML: the templates escape every run.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

# A blank line (spaces allowed) and any whitespace after it: what separates paragraphs.
_BREAK = re.compile(r"\n[ \t]*\n\s*")
# How much of the article shows around a quote, at most, on either side.
CONTEXT = 280


@dataclass(frozen=True)
class Span:
    """A cited passage, ``text[start:end]``, known to the page as ``key``."""

    key: str
    start: int
    end: int


@dataclass
class Piece:
    """``text`` covered by ``marks``; passages that start (``opens``) or end (``closes``) here.

    ``opens`` come before the text, ``closes`` after it.
    """

    text: str
    marks: tuple[str, ...] = ()
    opens: list[str] = field(default_factory=list)
    closes: list[str] = field(default_factory=list)


def paragraphs_of(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each paragraph of ``text``: the stretches between blank lines."""
    found, at = [], 0
    for gap in _BREAK.finditer(text):
        if gap.start() > at:
            found.append((at, gap.start()))
        at = gap.end()
    if at < len(text) or not found:
        found.append((at, len(text)))
    return found


def lay_out(text: str, spans: Sequence[Span], offset: int = 0) -> list[list[Piece]]:
    """``text`` (which starts at ``offset`` of its source) as paragraphs of pieces.

    A span's anchor goes where its first character is shown and its reference after its
    last one, even when it starts or ends in the blank lines between paragraphs.
    """
    spans = [s for s in spans if s.start < s.end]
    laid: list[list[Piece]] = []
    paragraphs = [(a + offset, b + offset) for a, b in paragraphs_of(text)]
    for index, (start, end) in enumerate(paragraphs):
        last = index == len(paragraphs) - 1
        cuts = {start, end} | {p for s in spans for p in (s.start, s.end) if start < p < end}
        points = sorted(cuts)
        pieces = []
        for a, b in itertools.pairwise(points):
            marks = tuple(s.key for s in spans if s.start < b and s.end > a)
            pieces.append(Piece(text[a - offset : b - offset], marks))
        if not pieces:
            pieces.append(Piece(""))
        following = paragraphs[index + 1][0] if not last else None
        for span in spans:
            # Opens where its first shown character is: here, or in the gap before.
            if _first_shown(span, paragraphs) == index:
                piece = next(p for a, p in zip(points, pieces, strict=False) if a >= span.start)
                piece.opens.append(span.key)
            # Closes after its last shown character: here, if it ends before the next one.
            if (
                span.start < end
                and span.end > start
                and (following is None or span.end <= following)
            ):
                piece = [p for b, p in zip(points[1:], pieces, strict=False) if b <= span.end][-1]
                piece.closes.append(span.key)
        laid.append(pieces)
    return laid


def _first_shown(span: Span, paragraphs: Sequence[tuple[int, int]]) -> int | None:
    """The paragraph holding the first character of ``span`` that is shown."""
    for index, (start, end) in enumerate(paragraphs):
        if span.start < end and span.end > start:
            return index
    return None


@dataclass(frozen=True)
class Excerpt:
    """A quote with the words around it, within its paragraph(s), for a record's page."""

    paragraphs: list[list[Piece]]
    clipped_before: bool
    clipped_after: bool


def excerpt(text: str, span: Span, around: int = CONTEXT) -> Excerpt:
    """``span`` in its context: up to ``around`` characters either side, in whole words,
    never past the paragraphs the quote is in."""
    paragraphs = paragraphs_of(text)
    first = next((a for a, b in paragraphs if b > span.start), 0)
    last = next((b for a, b in reversed(paragraphs) if a < span.end), len(text))
    start = max(first, span.start - around)
    if start > first:  # begin at a word
        space = text.find(" ", start, span.start)
        start = space + 1 if space != -1 else span.start
    end = min(last, span.end + around)
    if end < last:  # end at a word
        space = text.rfind(" ", span.end, end)
        end = space if space != -1 else span.end
    return Excerpt(lay_out(text[start:end], [span], start), start > first, end < last)
