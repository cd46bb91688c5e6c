"""Find a quote in an article's text, coping with curly quotes and ellipses.

Offsets always point into the original text, so ``text[start:end]`` is what the
article says, letter for letter.
"""

from __future__ import annotations

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


class QuoteError(ValueError):
    """A quote that cannot be pinned to exactly one place in the text."""


def fold(text: str) -> tuple[str, list[int]]:
    """Fold ``text``; return it with, for each folded character, its index in ``text``."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        replacement = _FOLDS.get(char, char)
        out.append(replacement)
        origin.extend([index] * len(replacement))
    return "".join(out), origin


def _matches(text: str, quote: str) -> list[tuple[int, int]]:
    """Every ``(start, end)`` in ``text`` where ``quote`` occurs, folded, in text order."""
    needle, _ = fold(quote.strip())
    if not needle:
        raise QuoteError("the quote is empty")
    haystack, origin = fold(text)
    spans: list[tuple[int, int]] = []
    position = haystack.find(needle)
    while position != -1:
        spans.append((origin[position], origin[position + len(needle) - 1] + 1))
        position = haystack.find(needle, position + 1)
    return spans


def locate(text: str, quote: str, occurrence: int | None = None) -> tuple[int, int]:
    """Return ``(start, end)`` of ``quote`` in ``text``.

    The quote must occur exactly once unless ``occurrence`` (1-based) picks one.
    """
    spans = _matches(text, quote)
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


def occurrence(text: str, quote: str, start: int) -> int | None:
    """Which occurrence of ``quote`` starts at ``start``; None when it occurs only once."""
    starts = [span[0] for span in _matches(text, quote)]
    if len(starts) < 2 or start not in starts:
        return None
    return starts.index(start) + 1
