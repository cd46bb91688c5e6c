"""Find a quote in an article's text, coping with curly quotes and ellipses.

Offsets always point into the original text, so ``text[start:end]`` is what the
article says, letter for letter.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Final

# Typographic characters and the plain spelling an editor is likely to type.
_FOLDS: Final = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u00a0": " ",
}
_TABLE: Final = str.maketrans(_FOLDS)
# The characters whose plain spelling is longer: after one, folded offsets run ahead.
_LONGER: Final = re.compile("|".join(char for char, plain in _FOLDS.items() if len(plain) > 1))


class QuoteError(ValueError):
    """A quote that cannot be pinned to exactly one place in the text."""


def fold(text: str) -> str:
    """``text`` with typographic quotes, dashes, ellipses and spaces in plain spelling."""
    return text.translate(_TABLE)


class Folded:
    """A text folded once, to locate any number of quotes in it.

    Folding an article costs a pass over all of it; a write citing it many times must not
    pay that once per citation (120 citations of a 500 kB article took seconds of CPU).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = fold(text)
        # For each character folded into several (in text order): where its spelling
        # starts and ends in the folded text, and its index in the original.
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._origins: list[int] = []
        ahead = 0
        for match in _LONGER.finditer(text):
            start = match.start() + ahead
            self._starts.append(start)
            self._ends.append(start + len(_FOLDS[match.group()]))
            self._origins.append(match.start())
            ahead += len(_FOLDS[match.group()]) - 1

    def _origin(self, position: int) -> int:
        """The index in the original text of the folded character at ``position``."""
        before = bisect_right(self._starts, position) - 1
        if before < 0:
            return position
        if position < self._ends[before]:  # inside the spelling of one character
            return self._origins[before]
        return position - (self._ends[before] - self._origins[before] - 1)

    def spans(self, quote: str) -> list[tuple[int, int]]:
        """Every ``(start, end)`` where ``quote`` occurs, folded, in text order."""
        needle = fold(quote.strip())
        if not needle:
            raise QuoteError("the quote is empty")
        spans: list[tuple[int, int]] = []
        position = self.folded.find(needle)
        while position != -1:
            start, last = self._origin(position), self._origin(position + len(needle) - 1)
            spans.append((start, last + 1))
            position = self.folded.find(needle, position + 1)
        return spans

    def locate(self, quote: str, occurrence: int | None = None) -> tuple[int, int]:
        """Return ``(start, end)`` of ``quote`` in the text.

        The quote must occur exactly once unless ``occurrence`` (1-based) picks one.
        """
        spans = self.spans(quote)
        if not spans:
            raise QuoteError("the quote does not occur verbatim in the source text")
        if occurrence is None and len(spans) > 1:
            raise QuoteError(
                f"the quote occurs {len(spans)} times in the source text; "
                "lengthen it or give `occurrence`"
            )
        index = (occurrence or 1) - 1
        if index >= len(spans):
            raise QuoteError(f"the quote occurs only {len(spans)} time(s), not {occurrence}")
        return spans[index]

    def occurrence(self, quote: str, start: int) -> int | None:
        """Which occurrence of ``quote`` starts at ``start``; None when it occurs only once."""
        starts = [span[0] for span in self.spans(quote)]
        if len(starts) < 2 or start not in starts:
            return None
        return starts.index(start) + 1


def locate(text: str, quote: str, occurrence: int | None = None) -> tuple[int, int]:
    """Return ``(start, end)`` of ``quote`` in ``text`` (see :meth:`Folded.locate`)."""
    return Folded(text).locate(quote, occurrence)


def occurrence(text: str, quote: str, start: int) -> int | None:
    """Which occurrence of ``quote`` starts at ``start`` in ``text``; None if only one."""
    return Folded(text).occurrence(quote, start)
