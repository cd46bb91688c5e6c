"""Cited passages laid out in their text: every marked run, read in order, is the passage."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from service.pages.evidence import Piece, Span, excerpt, lay_out, paragraphs_of


def marked(laid: list[list[Piece]], key: str) -> str:
    return "".join(p.text for paragraph in laid for p in paragraph if key in p.marks)


def shown(laid: list[list[Piece]]) -> str:
    return "".join(p.text for paragraph in laid for p in paragraph)


def test_paragraphs_are_the_stretches_between_blank_lines() -> None:
    text = "Title\n\nOne line\nand its next.\n \n\nLast."
    assert [text[a:b] for a, b in paragraphs_of(text)] == [
        "Title",
        "One line\nand its next.",
        "Last.",
    ]


def test_overlapping_and_nested_passages_each_mark_their_own_words() -> None:
    text = "The meeting came just a day after reports revealed troops."
    spans = [Span("a", 0, 50), Span("b", 34, 50), Span("c", 4, 11)]
    laid = lay_out(text, spans)
    for span in spans:
        assert marked(laid, span.key) == text[span.start : span.end]
    deepest = max((p for p in laid[0]), key=lambda p: len(p.marks))
    assert set(deepest.marks) == {"a", "c"} or set(deepest.marks) == {"a", "b"}
    assert [k for p in laid[0] for k in p.opens] == ["a", "c", "b"]
    assert sorted(k for p in laid[0] for k in p.closes) == ["a", "b", "c"]


def test_a_passage_across_paragraphs_marks_its_words_in_each() -> None:
    text = "First part.\n\nSecond part."
    laid = lay_out(text, [Span("x", 6, 19)])
    assert marked(laid, "x") == "part.Second"
    assert [k for p in laid[0] for k in p.opens] == ["x"]
    assert [k for p in laid[1] for k in p.closes] == ["x"]
    assert not [k for p in laid[0] for k in p.closes]


def test_a_passage_starting_in_the_gap_opens_where_its_first_word_is() -> None:
    text = "One.\n\nTwo words."
    laid = lay_out(text, [Span("x", 4, 9)])
    assert [k for p in laid[1] for k in p.opens] == ["x"]
    assert marked(laid, "x") == "Two"


def test_an_excerpt_keeps_to_the_quote_s_paragraph_and_whole_words() -> None:
    text = (
        "An earlier paragraph.\n\nSome words before the quote here and words after it end.\n\nNext."
    )
    start = text.index("the quote")
    found = excerpt(text, Span("q", start, start + len("the quote")), around=10)
    words = shown(found.paragraphs)
    assert words == "before the quote here and"
    assert found.clipped_before and found.clipped_after
    whole = excerpt(text, Span("q", start, start + len("the quote")), around=500)
    assert shown(whole.paragraphs) == "Some words before the quote here and words after it end."
    assert not whole.clipped_before and not whole.clipped_after
    assert marked(whole.paragraphs, "q") == "the quote"


@st.composite
def texts_and_spans(draw: st.DrawFn) -> tuple[str, list[Span]]:
    text = draw(st.text(alphabet="ab \n", min_size=1, max_size=60))
    bounds = st.integers(0, len(text))
    spans = []
    for n in range(draw(st.integers(0, 5))):
        a, b = sorted((draw(bounds), draw(bounds)))
        spans.append(Span(f"s{n}", a, b))
    return text, spans


@given(texts_and_spans())
def test_every_passage_is_marked_as_its_text_less_the_gaps_between_paragraphs(
    case: tuple[str, list[Span]],
) -> None:
    text, spans = case
    laid = lay_out(text, spans)
    inside = {i for a, b in paragraphs_of(text) for i in range(a, b)}
    assert shown(laid) == "".join(text[i] for i in sorted(inside))
    for span in spans:
        expected = "".join(text[i] for i in range(span.start, span.end) if i in inside)
        assert marked(laid, span.key) == expected
        opens = [k for paragraph in laid for p in paragraph for k in p.opens if k == span.key]
        closes = [k for paragraph in laid for p in paragraph for k in p.closes if k == span.key]
        assert len(opens) == len(closes) == (1 if expected else 0)
