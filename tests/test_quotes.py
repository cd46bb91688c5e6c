"""Locating quotes in article text."""

from __future__ import annotations

import pytest

from service.quotes import Folded, QuoteError, fold, locate

TEXT = "Yoon said Seoul “won’t sit idle” and would take “phased measures …,” his office said."


def test_locate_matches_straight_quotes_against_curly_ones() -> None:
    start, end = locate(TEXT, '"won\'t sit idle"')
    assert TEXT[start:end] == "“won’t sit idle”"


def test_locate_offsets_point_into_the_original_text_after_an_ellipsis() -> None:
    start, end = locate(TEXT, 'phased measures ...," his office said')
    assert TEXT[start:end] == "phased measures …,” his office said"


def test_locate_rejects_words_the_text_does_not_contain() -> None:
    with pytest.raises(QuoteError, match="does not occur verbatim"):
        locate(TEXT, "will sit idle")


def test_locate_rejects_an_ambiguous_quote_unless_an_occurrence_is_given() -> None:
    with pytest.raises(QuoteError, match="occurs 2 times"):
        locate(TEXT, "said")
    start, end = locate(TEXT, "said", occurrence=2)
    assert start == TEXT.rindex("said") and TEXT[start:end] == "said"


def test_locate_rejects_an_empty_quote() -> None:
    with pytest.raises(QuoteError, match="empty"):
        locate(TEXT, "   ")


def _naive_spans(text: str, quote: str) -> list[tuple[int, int]]:
    """The spans a character-by-character fold finds: what ``Folded`` must agree with."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        plain = fold(char)
        out.append(plain)
        origin.extend([index] * len(plain))
    haystack, needle = "".join(out), fold(quote)
    spans, position = [], haystack.find(needle)
    while position != -1:
        spans.append((origin[position], origin[position + len(needle) - 1] + 1))
        position = haystack.find(needle, position + 1)
    return spans


def test_folded_offsets_agree_with_a_character_by_character_fold_after_many_ellipses() -> None:
    text = "a \u2026 b\u2026c \u201cd\u2019e\u201d \u2026\u2026 f \u2014 g\u00a0h \u2026 said" * 3
    folded = Folded(text)
    for quote in ("...", "b...c", '"d\'e"', "... f - g h ...", "said", ". b", "......"):
        assert folded.spans(quote) == _naive_spans(text, quote), quote
    start, end = folded.locate("said", occurrence=3)
    assert text[start:end] == "said" and start == text.rindex("said")


def test_folded_locates_in_one_text_what_locate_finds() -> None:
    folded = Folded(TEXT)
    assert folded.locate('"won\'t sit idle"') == locate(TEXT, '"won\'t sit idle"')
    assert folded.occurrence("said", TEXT.rindex("said")) == 2
    assert folded.occurrence("idle", TEXT.index("idle")) is None
