"""Resolve the dates an article gives against its publication date, never without words for it.

Every result carries the span of text it rests on and the rule that read it, so a date
that no words support cannot arise.

Precision is the register's: ``day``, ``month`` or ``year``, and a month or year date is
the first day of its month or year. A span of time that is not a day, month or year gets
the coarsest precision that holds it, and ``earliest``/``latest`` keep the span itself:

- "last week" (published Tuesday 22 Oct 2024) is 14–20 Oct: October 2024, precision
  month; a week that straddles two months is its year; one that straddles two years is
  dropped (no precision holds it).
- "earlier this month" is the month of publication, from its first day to publication.
- "mid-December" is December (11–20); "early"/"late" are its first and last ten days.
- "by the end of the year" and "by the year's end" are December of that year.

Which year or week a partial date means depends on tense. Wire copy reports the past, so
by default a weekday is the latest one on or before publication ("said on Tuesday"), a
month without a year the latest that has begun, and a day without a year the latest on
or before publication unless it falls within 60 days after it (a date set ahead). A
future cue before the date in its sentence ("will", "is due to", "scheduled") or a
preposition that looks ahead ("by", "until") picks the first one on or after
publication instead.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from service.extraction import sentences

Precision = Literal["day", "month", "year"]


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date in the text resolved to a calendar date with its precision."""

    value: dt.date
    precision: Precision
    start: int
    end: int
    text: str
    rule: str
    earliest: dt.date
    latest: dt.date


_MONTHS: Final = {
    name: number
    for number, names in enumerate(
        (
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sept", "Sep"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS: Final = {name: n for n, name in enumerate(calendar.day_name)}
_NUMBERS: Final = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}

_MONTH: Final = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November"
    r"|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
_FULL_MONTH: Final = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October"
    r"|November|December)"
)
_DAY: Final = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR: Final = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAY: Final = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART: Final = (
    r"(?P<part>(?i:early|mid|late|the end of|end of|the beginning of|beginning of"
    r"|the middle of|the start of|start of))[-\s]+"
)
_PREPOSITION: Final = re.compile(
    r"\b(?i:on|in|since|by|until|till|from|during|before|after|as of|as early as|through"
    r"|within|starting|effective)\s+$"
)
_FUTURE: Final = re.compile(
    r"\b(?i:will|shall|is due|are due|is set to|are set to|scheduled|is expected|are expected"
    r"|expected to|to be held|upcoming|plans to|planned for|takes effect|take effect|would|could"
    r"|might"
    r"|next)\b|’ll|'ll"
)
# A date's own preposition that looks ahead: "by December", "until Friday".
_AHEAD: Final = re.compile(r"\b(?i:by|until|till|no later than|starting|effective|from)\s+$")
# Words that govern a month or year in the rules below without being part of the date.
_LEAD: Final = re.compile(
    r"(?i:in|since|until|till|by|during|from|through|throughout|before|after|a|the|of)\s+"
)
_REPORTING: Final = re.compile(r"\b(?:said|told|stated|announced|reported|added)\b")

Resolution = tuple[dt.date, Precision, dt.date, dt.date]
Resolver = Callable[["re.Match[str]", dt.date, bool], Resolution | None]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _month_number(match: re.Match[str]) -> int:
    return _MONTHS[match.group("month").rstrip(".")]


def _pick_year(published: dt.date, month: int, day: int | None, future: bool) -> int:
    """The year of a month (``day`` None) or a day given without one (see the module note)."""

    def at(year: int, first: bool) -> dt.date:
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, day or (1 if first else last))

    this = published.year
    ahead = this if at(this, first=False) >= published else this + 1
    behind = this if at(this, first=True) <= published else this - 1
    soon = day is not None and (at(ahead, first=True) - published).days <= 60
    return ahead if future or soon else behind


def _day(year: int, month: int, day: int) -> Resolution | None:
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None
    return value, "day", value, value


def _month(year: int, month: int) -> Resolution:
    return dt.date(year, month, 1), "month", dt.date(year, month, 1), _month_end(year, month)


def _year(year: int) -> Resolution:
    return dt.date(year, 1, 1), "year", dt.date(year, 1, 1), dt.date(year, 12, 31)


def _span(earliest: dt.date, latest: dt.date) -> Resolution | None:
    """A span of days at the coarsest precision that holds it, or None if none does."""
    if (earliest.year, earliest.month) == (latest.year, latest.month):
        return dt.date(earliest.year, earliest.month, 1), "month", earliest, latest
    if earliest.year == latest.year:
        return dt.date(earliest.year, 1, 1), "year", earliest, latest
    return None


def _full_date(m: re.Match[str], published: dt.date, future: bool) -> Resolution | None:
    return _day(int(m.group("year")), _month_number(m), int(m.group("day")))


def _iso(m: re.Match[str], published: dt.date, future: bool) -> Resolution | None:
    return _day(int(m.group("year")), int(m.group("m")), int(m.group("day")))


def _month_day(m: re.Match[str], published: dt.date, future: bool) -> Resolution | None:
    month, day = _month_number(m), int(m.group("day"))
    if not 1 <= day <= 31:
        return None
    return _day(_pick_year(published, month, day, future), month, day)


def _part_of_month(m: re.Match[str], published: dt.date, future: bool) -> Resolution | None:
    month = _month_number(m)
    year = int(m.group("year")) if m.group("year") else _pick_year(published, month, None, future)
    part = m.group("part").lower()
    last = _month_end(year, month).day
    first, final = (
        (1, 10) if "early" in part or "beginning" in part or "start" in part else
        (11, 20) if "mid" in part or "middle" in part else
        (21, last)
    )  # fmt: skip
    return (
        dt.date(year, month, 1),
        "month",
        dt.date(year, month, first),
        dt.date(year, month, final),
    )


def _month_year(m: re.Match[str], published: dt.date, future: bool) -> Resolution | None:
    return _month(int(m.group("year")), _month_number(m))


def _bare_month(m: re.Match[str], published: dt.date, future: bool) -> Resolution | None:
    month = _month_number(m)
    return _month(_pick_year(published, month, None, future), month)


def _bare_year(m: re.Match[str], published: dt.date, future: bool) -> Resolution | None:
    return _year(int(m.group("year")))


def _weekday(m: re.Match[str], published: dt.date, future: bool) -> Resolution | None:
    wanted = _WEEKDAYS[m.group("weekday")]
    modifier = (m.group("modifier") or "").lower()
    back = (published.weekday() - wanted) % 7
    ahead = (wanted - published.weekday()) % 7
    if modifier == "last":
        back = back or 7
        value = published - dt.timedelta(days=back)
    elif modifier == "next":
        value = published + dt.timedelta(days=ahead or 7)
    elif modifier == "this" or future:
        value = published + dt.timedelta(days=ahead)
    else:
        value = published - dt.timedelta(days=back)
    return value, "day", value, value


def _relative_day(m: re.Match[str], published: dt.date, future: bool) -> Resolution | None:
    word = m.group("word").lower()
    if word.endswith("ago"):
        count = m.group("count").lower()
        days = int(count) if count.isdigit() else _NUMBERS[count]
        days *= 7 if "week" in word else 1
        value = published - dt.timedelta(days=days)
    else:
        value = published + dt.timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[word])
    return value, "day", value, value


def _relative_period(m: re.Match[str], published: dt.date, future: bool) -> Resolution | None:
    when = (m.group("when") or "").lower()
    which = m.group("which").lower()
    unit = m.group("unit").lower()
    step = {"last": -1, "this": 0, "next": 1}[which]
    if unit == "week":
        monday = published - dt.timedelta(days=published.weekday()) + dt.timedelta(weeks=step)
        earliest, latest = monday, monday + dt.timedelta(days=6)
    elif unit == "month":
        months = published.year * 12 + published.month - 1 + step
        year, month = divmod(months, 12)
        earliest, latest = dt.date(year, month + 1, 1), _month_end(year, month + 1)
    else:
        earliest, latest = (
            dt.date(published.year + step, 1, 1),
            dt.date(published.year + step, 12, 31),
        )
    if step == 0 and when == "earlier":
        latest = published
    elif step == 0 and when == "later":
        earliest = published
    if unit == "year":
        return earliest.replace(month=1, day=1), "year", earliest, latest
    return _span(earliest, latest)


def _year_end(m: re.Match[str], published: dt.date, future: bool) -> Resolution | None:
    year = published.year + (1 if m.group("next") else 0)
    if m.group("year"):
        year = int(m.group("year"))
    return dt.date(year, 12, 1), "month", dt.date(year, 12, 1), dt.date(year, 12, 31)


def _within_year(m: re.Match[str], published: dt.date, future: bool) -> Resolution | None:
    return _year(published.year)


# In order: where two rules read overlapping words, the first one listed wins.
_RULES: Final[Sequence[tuple[str, re.Pattern[str], Resolver]]] = (
    ("month_day_year", re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b"), _full_date),
    ("day_month_year", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\s+{_YEAR}\b"), _full_date),
    ("iso_date", re.compile(rf"\b{_YEAR}-(?P<m>[01]\d)-(?P<day>[0-3]\d)\b"), _iso),
    (
        "year_end",
        re.compile(
            r"\b(?i:(?:by|before|until|at)\s+)?(?i:the\s+)?"
            r"(?:(?i:end\s+of\s+(?:the|this|(?P<next>next))\s+year)|(?i:end\s+of\s+)"
            + _YEAR
            + r"|(?i:(?:this\s+)?year[’']s\s+end)|(?i:year-end))\b"
        ),
        _year_end,
    ),
    ("within_year", re.compile(r"\b(?i:within\s+the\s+year|later\s+this\s+year)\b"), _within_year),
    ("part_of_month", re.compile(rf"\b{_PART}{_MONTH}(?:,?\s+{_YEAR})?\b"), _part_of_month),
    ("month_day", re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?![\d,.:]\d)"), _month_day),
    ("day_month", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b"), _month_day),
    ("month_year", re.compile(rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b"), _month_year),
    (
        "month",
        re.compile(
            r"(?:\b(?i:in|since|until|till|by|during|from|through|before|after|last|next|this"
            rf"|early|late|a|the|of|mid)[-\s]+){_FULL_MONTH}\b"
        ),
        _bare_month,
    ),
    (
        "year",
        re.compile(
            r"\b(?i:in|since|by|until|till|from|of|before|after|during|through|throughout"
            rf"|early|late|mid|end of|the end of)[-\s]+{_YEAR}\b(?![,.]\d)"
        ),
        _bare_year,
    ),
    (
        "weekday",
        re.compile(rf"\b(?:(?P<modifier>(?i:last|next|this))\s+)?{_WEEKDAY}(?:[’']s)?\b"),
        _weekday,
    ),
    (
        "relative_day",
        re.compile(
            r"\b(?P<word>(?i:today|yesterday|tomorrow)"
            r"|(?P<count>(?i:a|one|two|three|four|five|six|\d{1,2}))\s+(?i:days?|weeks?)\s+"
            r"(?i:ago))\b"
        ),
        _relative_day,
    ),
    (
        "relative_period",
        re.compile(
            r"\b(?:(?P<when>(?i:earlier|later))\s+)?(?P<which>(?i:last|this|next))\s+"
            r"(?P<unit>(?i:week|month|year))\b"
        ),
        _relative_period,
    ),
)


def _is_future(text: str, sentence_start: int, start: int) -> bool:
    """Whether a future cue stands before ``start`` in its sentence, after any "said"."""
    before = text[max(sentence_start, start - 80) : start]
    cues = list(_FUTURE.finditer(before))
    if not cues:
        return False
    return _REPORTING.search(before, cues[-1].end()) is None


# Rules whose words name the year themselves: the only ones that hold in an undated text.
_ANCHORED: Final = frozenset({"month_day_year", "day_month_year", "iso_date", "month_year", "year"})


def find(
    text: str, published_on: dt.date | None, sentence_starts: Sequence[int] | None = None
) -> list[DateMention]:
    """The dates ``text`` gives, resolved against ``published_on``, in text order.

    Without a publication date ("on Monday", "December 19" and "last week" have no year to
    stand on) only dates that name their year are read: no date without a textual basis.
    """
    if sentence_starts is None:
        sentence_starts = [s.start for s in sentences.split(text)]
    starts = sorted(sentence_starts)
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for rule, pattern, resolve in _RULES:
        if published_on is None and rule not in _ANCHORED:
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and end > s for s, e in taken):
                continue
            lead = _LEAD.match(text, start, end) if rule in ("month", "year") else None
            if lead:
                start = lead.end()
            i = bisect_right(starts, start) - 1
            sentence_start = starts[i] if i >= 0 else 0
            future = _is_future(text, sentence_start, start)
            if not future and _AHEAD.search(text, max(sentence_start, start - 20), start):
                future = True
            # An anchored rule reads its year from its own words; the date only breaks ties.
            resolved = resolve(match, published_on or dt.date.min, future)
            if resolved is None:
                continue
            preposition = _PREPOSITION.search(text, max(sentence_start, start - 12), start)
            if preposition:
                start = preposition.start()
            taken.append((start, end))
            value, precision, earliest, latest = resolved
            found.append(
                DateMention(value, precision, start, end, text[start:end], rule, earliest, latest)
            )
    return sorted(found, key=lambda d: d.start)
