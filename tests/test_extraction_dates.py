"""Dates resolved against the publication date, each with the words it rests on."""

import datetime as dt

import pytest

from service.extraction.dates import find

# Tuesday 22 October 2024, the day of the seed articles' reports.
PUBLISHED = dt.date(2024, 10, 22)


def one(text: str, published: dt.date = PUBLISHED) -> tuple[str, str, str, str]:
    (date,) = find(text, published)
    assert text[date.start : date.end] == date.text
    assert date.earliest <= date.latest
    return date.text, date.value.isoformat(), date.precision, date.rule


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a senior presidential official told reporters on Tuesday.",
            ("on Tuesday", "2024-10-22", "day", "weekday"),
        ),
        (
            "South Korea’s National Intelligence Service reported Friday.",
            ("Friday", "2024-10-18", "day", "weekday"),
        ),
        (
            "Kremlin spokesman Dmitry Peskov on Oct. 10 dismissed speculation",
            ("on Oct. 10", "2024-10-10", "day", "month_day"),
        ),
        (
            "Chang Ho-jin said during a televised interview June 23.",
            ("June 23", "2024-06-23", "day", "month_day"),
        ),
        (
            "Updated on Oct. 22, 2024 11:04 a.m. E.T.",
            ("on Oct. 22, 2024", "2024-10-22", "day", "month_day_year"),
        ),
        (
            "Russia invaded Ukraine in February 2022.",
            ("in February 2022", "2022-02-01", "month", "month_year"),
        ),
        (
            "troops were deployed to Russia by ship earlier this month",
            ("earlier this month", "2024-10-01", "month", "relative_period"),
        ),
        (
            "South Korea’s spy agency said last week that the North had decided",
            ("last week", "2024-10-01", "month", "relative_period"),
        ),
        (
            "The talks collapsed last month.",
            ("last month", "2024-09-01", "month", "relative_period"),
        ),
        (
            "a deal expected by mid-December",
            ("by mid-December", "2024-12-01", "month", "part_of_month"),
        ),
        (
            "a new agreement involving South Korean K-2 tanks by the end of the year.",
            ("by the end of the year", "2024-12-01", "month", "year_end"),
        ),
        (
            "send up to 10,000 troops by the year’s end.",
            ("by the year’s end", "2024-12-01", "month", "year_end"),
        ),
        ("Deliveries start next year.", ("next year", "2025-01-01", "year", "relative_period")),
        ("The contract runs in 2025.", ("in 2025", "2025-01-01", "year", "year")),
        (
            "Since 2022, North Korean leader Kim Jong Un",
            ("Since 2022", "2022-01-01", "year", "year"),
        ),
        ("Thursday's meeting ended early.", ("Thursday's", "2024-10-17", "day", "weekday")),
        ("During a June summit in Pyongyang", ("June", "2024-06-01", "month", "month")),
    ],
)
def test_find_resolves_wire_dates(text: str, expected: tuple[str, str, str, str]) -> None:
    assert one(text) == expected


def test_a_weekday_looks_ahead_only_after_a_future_cue() -> None:
    assert one("Yoon will visit Warsaw on Thursday.")[1] == "2024-10-24"
    assert one("Russia said on Monday it would continue to strengthen ties")[1] == "2024-10-21"
    assert one("the South will take measures, Yoon told Rutte by phone Monday")[1] == ("2024-10-21")


def test_a_date_without_a_year_is_the_latest_past_unless_it_is_set_ahead() -> None:
    assert one("The ban was announced on Dec. 20.", dt.date(2025, 1, 5))[1] == "2024-12-20"
    assert one("Talks are due on Nov. 5.")[1] == "2024-11-05"
    assert one("Talks on Nov. 5 were short.")[1] == "2024-11-05"  # within 60 days ahead
    assert one("He visited in March.", dt.date(2024, 1, 10))[1] == "2023-03-01"
    assert one("He will visit in March.", dt.date(2024, 1, 10))[1] == "2024-03-01"
    assert one("Britain said it would follow in January.", dt.date(2024, 12, 16))[1] == (
        "2025-01-01"
    )
    assert one("Sanctions take effect in December.", dt.date(2024, 12, 16))[1] == "2024-12-01"


def test_last_week_keeps_its_days_and_takes_the_coarsest_precision_that_holds_them() -> None:
    (week,) = find("The agency said last week", PUBLISHED)
    assert (week.earliest, week.latest) == (dt.date(2024, 10, 14), dt.date(2024, 10, 20))
    (straddling,) = find("The agency said last week", dt.date(2024, 10, 8))
    assert (straddling.value, straddling.precision) == (dt.date(2024, 1, 1), "year")
    assert find("The agency said last week", dt.date(2025, 1, 8)) == []


def test_find_reads_no_date_from_numbers_that_are_not_dates() -> None:
    text = (
        "Another 10,000 North Korean troops followed them, about 2,000 more may follow; the"
        " K-2 tanks and 2024 troops; they may go."
    )
    assert find(text, PUBLISHED) == []


def test_every_date_of_a_seed_article_rests_on_its_words() -> None:
    from pathlib import Path

    for path in (Path(__file__).parents[1] / "seeds" / "articles").glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        for date in find(text, PUBLISHED):
            assert text[date.start : date.end] == date.text
            assert date.text.strip() == date.text


def test_find_copes_with_text_before_the_first_sentence() -> None:
    (date,) = find("  \n  Talks were held on Monday.", PUBLISHED)
    assert (date.text, date.value) == ("on Monday", dt.date(2024, 10, 21))


def test_an_undated_text_reads_only_dates_that_name_their_year() -> None:
    text = (
        "The sanctions take effect on December 19. Troops arrived last week. The treaty was"
        " signed in June 2024, and the first contract on July 27, 2022."
    )
    found = find(text, None)
    assert [(d.text, d.value.isoformat(), d.precision) for d in found] == [
        ("in June 2024", "2024-06-01", "month"),
        ("on July 27, 2022", "2022-07-27", "day"),
    ]
