"""The sentence splitter: exact offsets, abbreviations, quotes and run-together sentences."""

from pathlib import Path

import pytest

from service.extraction.sentences import split

ARTICLES = sorted((Path(__file__).parents[1] / "seeds" / "articles").glob("*.txt"))


def texts(text: str) -> list[str]:
    return [s.text for s in split(text)]


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name)
def test_every_sentence_of_a_seed_article_is_verbatim_at_its_offsets(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = split(text)
    assert found
    for sentence in found:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()
    assert [s.start for s in found] == sorted(s.start for s in found)


def test_split_separates_run_together_sentences_of_wire_copy() -> None:
    text = (
        "Poland signed a deal for 180 K2 tanks to bolster its defences after Russia's invasion"
        " of Ukraine.Hyundai Rotem said deliveries would start next year."
    )
    assert texts(text) == [
        "Poland signed a deal for 180 K2 tanks to bolster its defences after Russia's"
        " invasion of Ukraine.",
        "Hyundai Rotem said deliveries would start next year.",
    ]


def test_split_keeps_abbreviations_titles_and_decimals_inside_a_sentence() -> None:
    text = (
        "The meeting followed claims from U.S. and South Korean officials that around 3,000"
        " North Korean troops have already been sent to Russia. Gen. Kim Myung-soo met Mr."
        " Austin at 10 a.m. on Oct. 18 to discuss the 1.5 trillion won deal. No. 2 on the list"
        " was George W. Bush."
    )
    assert texts(text) == [
        "The meeting followed claims from U.S. and South Korean officials that around 3,000"
        " North Korean troops have already been sent to Russia.",
        "Gen. Kim Myung-soo met Mr. Austin at 10 a.m. on Oct. 18 to discuss the 1.5 trillion"
        " won deal.",
        "No. 2 on the list was George W. Bush.",
    ]


def test_split_ends_a_sentence_after_an_abbreviation_when_a_new_one_starts() -> None:
    text = "South Korea joined sanctions led by the U.S. The measures took effect at once."
    assert texts(text) == [
        "South Korea joined sanctions led by the U.S.",
        "The measures took effect at once.",
    ]


def test_split_ends_a_sentence_after_a_closing_quote() -> None:
    text = (
        "Following the summit, President Yoon stated, “We agreed that North Korea’s troop"
        " deployment to Russia is a provocation that threatens global security.” He emphasized"
        " that South Korea would collaborate with allies."
    )
    assert texts(text) == [
        "Following the summit, President Yoon stated, “We agreed that North Korea’s troop"
        " deployment to Russia is a provocation that threatens global security.”",
        "He emphasized that South Korea would collaborate with allies.",
    ]


def test_split_does_not_end_a_sentence_at_a_quoted_ellipsis_or_question() -> None:
    text = (
        "“The government will take phased measures in line with the progress of Russia-North"
        " Korea military cooperation …,” Yoon’s office said. “Why now?” he asked."
    )
    assert texts(text) == [
        "“The government will take phased measures in line with the progress of Russia-North"
        " Korea military cooperation …,” Yoon’s office said.",
        "“Why now?” he asked.",
    ]


def test_split_treats_line_breaks_as_paragraphs_and_headlines_as_sentences() -> None:
    text = (
        "Seoul could send weapons to Ukraine to counter North Korea’s troop deployments\n\n"
        "Updated on Oct. 22, 2024 11:04 a.m. E.T.\n\n"
        "South Korea could send weapons to Ukraine. A senior official said so.\n"
        "North Korea has denied report."
    )
    found = split(text)
    assert [(s.paragraph, s.text) for s in found] == [
        (0, "Seoul could send weapons to Ukraine to counter North Korea’s troop deployments"),
        (1, "Updated on Oct. 22, 2024 11:04 a.m. E.T."),
        (2, "South Korea could send weapons to Ukraine."),
        (2, "A senior official said so."),
        (3, "North Korea has denied report."),
    ]
    assert [s.index for s in found] == [0, 1, 2, 3, 4]


def test_split_joins_a_hard_wrapped_line_to_its_paragraph() -> None:
    text = "South Korea has summoned the Russian ambassador,\ndemanding the withdrawal of troops."
    assert texts(text) == [text]
