"""Locating quotes in article text."""

from __future__ import annotations

import pytest

from service.quotes import QuoteError, locate

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
