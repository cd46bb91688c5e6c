"""Figures with their unit and qualifier, read from real sentences."""

import pytest

from service.extraction.figures import REGISTER, find


def figures(text: str) -> list[tuple[str, int | float, str | None, str | None]]:
    found = find(text)
    for f in found:
        assert text[f.start : f.end] == f.text
    return [(f.text, f.value, f.unit, f.qualifier) for f in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "North Korea aims to send about 10,000 troops to Russia",
            [("about 10,000 troops", 10000, "troops", "about")],
        ),
        (
            "possible deployments of up to 12,000 soldiers.",
            [("up to 12,000 soldiers", 12000, "troops", "up_to")],
        ),
        ("officials said more than 3,000 had left", [("more than 3,000", 3000, None, "more_than")]),
        (
            "at least 1,500 people were moved",
            [("at least 1,500 people", 1500, "people", "at_least")],
        ),
        (
            "and had already dispatched 1,500 soldiers to Vladivostok for training.",
            [("1,500 soldiers", 1500, "troops", "already")],
        ),
        ("North Korea has already sent 3,000", [("3,000", 3000, None, "already")]),
        (
            "Roughly 1,500 North Korean troops were deployed to Russia by ship",
            [("Roughly 1,500 North Korean troops", 1500, "troops", "about")],
        ),
        (
            "Another 10,000 North Korean troops followed them",
            [("10,000 North Korean troops", 10000, "troops", None)],
        ),
        (
            "Poland signed a contract for 180 K2 tanks worth $6.5 billion.",
            [("180 K2 tanks", 180, "tanks", None), ("$6.5 billion", 6_500_000_000, "USD", None)],
        ),
        (
            "a deal worth 1.5 trillion won ($1.1 billion)",
            [
                ("1.5 trillion won", 1_500_000_000_000, "KRW", None),
                ("$1.1 billion", 1_100_000_000, "USD", None),
            ],
        ),
        (
            "212 K239 Chunmoo multiple rocket launchers",
            [("212 K239 Chunmoo multiple rocket launchers", 212, "launchers", None)],
        ),
        ("Pyongyang plans to send 12,000 troops", [("12,000 troops", 12000, "troops", "planned")]),
    ],
)
def test_find_reads_figures_with_unit_and_qualifier(
    text: str, expected: list[tuple[str, int | float, str | None, str | None]]
) -> None:
    assert figures(text) == expected


def test_find_skips_model_names_times_years_and_adjectives() -> None:
    text = (
        "A deal for K-2 tanks and F-16 jets, updated Oct. 22, 2024 11:04 a.m., in its two-year"
        " invasion since 2022; one of the signatories."
    )
    assert figures(text) == []


def test_more_than_is_at_least_in_the_register() -> None:
    assert REGISTER["more_than"] == "at_least"


def test_find_reads_both_ends_of_a_range() -> None:
    assert figures("estimates of between 10,000 and 12,000 North Korean troops") == [
        ("10,000", 10000, "troops", "at_least"),
        ("12,000 North Korean troops", 12000, "troops", "up_to"),
    ]
    assert figures("the 2024-25 budget") == []


def test_find_reads_counts_of_sanctioned_people_and_bodies() -> None:
    text = (
        "South Korea said on Nov. 28 it had sanctioned 11 North Korean individuals and"
        " 15 organizations, while Japan froze the assets of four entities."
    )
    assert figures(text) == [
        ("11 North Korean individuals", 11, "individuals", None),
        ("15 organizations", 15, "entities", None),
        ("four entities", 4, "entities", None),
    ]


def test_find_counts_people_harmed_as_casualties_deaths_or_wounded() -> None:
    text = (
        "Rutte said more than 600,000 Russian soldiers have been killed or wounded. The U.N."
        " has verified that nearly 12,000 civilians, including 600 children, were killed."
        " About 300 troops were wounded, and 40 troops guarded the gate."
    )
    assert [(f[1], f[2], f[3]) for f in figures(text)] == [
        (600000, "casualties", "more_than"),
        (12000, "deaths", "about"),
        (300, "wounded", "about"),
        (40, "troops", None),
    ]


def test_find_reads_currency_codes_and_longer_modifiers() -> None:
    text = (
        "Poland signed a USD 2.6 billion deal for 36 K-10 armored ammunition resupply vehicles;"
        " Ottawa is sanctioning six Russian shipping companies, seven individual people and"
        " 12 groups."
    )
    assert [(f[1], f[2]) for f in figures(text)] == [
        (2600000000, "USD"),
        (36, "vehicles"),
        (6, "companies"),
        (7, "individuals"),
        (12, "entities"),
    ]
