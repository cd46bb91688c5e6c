"""The speaker of reported speech, on sentences from wire reports."""

from __future__ import annotations

import datetime as dt

import pytest

from service.extraction import cues, speakers
from service.extraction.gazetteer import ActorName, Gazetteer
from service.extraction.pipeline import analyse


def _speaker(text: str, previous: speakers.Speaker | None = None) -> speakers.Speaker | None:
    names = Gazetteer(actors=[ActorName("yoon-suk-yeol", ("Yoon Suk Yeol", "Yoon"))])
    sentence = analyse(text, dt.date(2024, 10, 24), names).sentences[0]
    said = cues.speech(text)
    assert said is not None
    a = said.attribution
    return speakers.find(text, 0, sentence.mentions, (a.start, a.end, a.words), previous)


@pytest.mark.parametrize(
    ("text", "name", "how"),
    [
        (
            "Sending weapons would depend on Russia’s military cooperation with the North,"
            " South Korean national security adviser Chang Ho-jin said during a televised"
            " interview.",
            "Chang Ho-jin",
            "before",
        ),
        (
            "“The government will take phased measures in line with the progress of"
            " Russia-North Korea military cooperation …,” Yoon’s office said.",
            "Yoon’s office",
            "before",
        ),
        (
            "U.S. Treasury officials said in a statement that the two countries had"
            " strengthened their military cooperation over the past year.",
            "U.S. Treasury officials",
            "before",
        ),
        (
            "Another 10,000 North Korean troops followed them, an intelligence service"
            " spokeswoman told Stars and Stripes by phone Tuesday.",
            "intelligence service spokeswoman",
            "before",
        ),
        (
            "“Troop deployment is just a phrase,” said Defence Minister Kim Yong Hyun.",
            "Kim Yong Hyun",
            "after",
        ),
        (
            "Roughly 1,500 troops were deployed to Russia by ship, according to South Korea’s"
            " National Intelligence Service.",
            "South Korea’s National Intelligence Service",
            "according to",
        ),
        (
            "Foreign Minister Takeshi Iwaya met with Ukrainian President Volodymyr Zelenskyy"
            " on November 16 and stated that the situation is causing serious concern.",
            "Takeshi Iwaya",
            "subject",
        ),
    ],
)
def test_the_speaker_is_read_where_wire_style_puts_it(text: str, name: str, how: str) -> None:
    found = _speaker(text)
    assert found is not None
    assert (found.name, found.how) == (name, how)
    assert text[found.start : found.end].endswith(name)


def test_a_speaker_the_register_knows_is_its_actor_and_a_country_is_its_party() -> None:
    yoon = _speaker("Yoon said South Korea would not sit idly by.")
    assert yoon is not None and yoon.actor == "yoon-suk-yeol"
    ministry = _speaker("South Korea's foreign ministry separately said on Tuesday it acted.")
    assert ministry is not None
    assert (ministry.name, ministry.actor, ministry.party) == (
        "South Korea's foreign ministry",
        None,
        "KR",
    )


def test_a_pronoun_stands_for_the_person_named_before_and_nothing_else() -> None:
    rutte = _speaker("NATO chief Mark Rutte said the deployment was a dangerous escalation.")
    assert rutte is not None and rutte.person
    he = _speaker("He said allies would respond.", previous=rutte)
    assert he is not None and (he.name, he.how) == ("Mark Rutte", "pronoun")
    assert _speaker("He said allies would respond.") is None
