"""Find the figures an article gives: a number, what it counts and how sure the text is of it.

"about 10,000 troops" is 10000 troops, qualifier ``about``; "$6.5 billion" is 6.5e9 USD;
"1.5 trillion won" is 1.5e12 KRW. A number counts only with a unit ("180 K2 tanks") or a
qualifier ("more than 3,000"), so years, ages and list numbers stay out; numbers glued to
letters are model names ("K-2 tanks", "F-16"), not figures.

Qualifiers, from the words just before the number: ``about`` (about, around, roughly,
approximately, nearly, some, an estimated), ``up_to`` (up to, as many as, less than),
``more_than`` (more than, over), ``at_least``, ``exactly``; failing those, from the clause
before it: ``already`` ("had already dispatched 1,500 soldiers") and ``planned`` ("plans to
send 12,000"). The register records ``more_than`` as ``at_least`` (see ``REGISTER``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

Qualifier = Literal["about", "up_to", "more_than", "at_least", "exactly", "already", "planned"]

# The register's figure qualifiers; "more than 3,000" is at least 3,000 there.
REGISTER: Final[dict[str, str]] = {"more_than": "at_least", "exactly": ""}


@dataclass(frozen=True, slots=True)
class Figure:
    """A number in the text with its unit, qualifier and the words it was read from."""

    value: int | float
    unit: str | None
    qualifier: Qualifier | None
    start: int
    end: int
    text: str
    cue: str | None


_WORD_NUMBERS: Final = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12,
}  # fmt: skip
_MULTIPLIERS: Final = {
    "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12,
    "mn": 10**6, "mln": 10**6, "m": 10**6, "bn": 10**9, "b": 10**9, "tn": 10**12,
}  # fmt: skip
_SYMBOLS: Final = {
    "US$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₩": "KRW",
    **{code: code for code in ("USD", "EUR", "GBP", "JPY", "KRW", "PLN", "CNY", "RUB", "UAH")},
}  # fmt: skip
_CURRENCY_WORDS: Final = {
    "dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP",
    "yen": "JPY", "won": "KRW", "yuan": "CNY", "renminbi": "CNY", "rubles": "RUB",
    "roubles": "RUB", "zlotys": "PLN", "zloty": "PLN", "hryvnias": "UAH", "hryvnia": "UAH",
}  # fmt: skip
# What a figure counts, by the noun the text uses; the value is the register's unit.
_UNITS: Final = {
    "troops": "troops", "soldiers": "troops", "servicemen": "troops", "personnel": "troops",
    "fighters": "troops", "forces": "troops", "workers": "workers", "tanks": "tanks",
    "howitzers": "howitzers", "launchers": "launchers", "missiles": "missiles",
    "shells": "shells", "rounds": "rounds", "drones": "drones", "jets": "jets",
    "aircraft": "aircraft", "planes": "aircraft", "helicopters": "helicopters",
    "ships": "ships", "warships": "ships", "vessels": "ships", "submarines": "submarines",
    "vehicles": "vehicles", "guns": "guns", "containers": "containers",
    "people": "people", "civilians": "civilians", "casualties": "casualties",
    "deaths": "deaths", "dead": "deaths", "killed": "deaths", "wounded": "wounded",
    "prisoners": "prisoners", "refugees": "refugees", "individuals": "individuals",
    "entities": "entities", "companies": "companies", "organizations": "entities",
    "organisations": "entities", "firms": "companies", "banks": "banks",
    "persons": "individuals", "targets": "targets", "generals": "generals",
    "groups": "entities", "representatives": "individuals",
    "officers": "officers", "officials": "officials", "commanders": "officers",
    "battalions": "battalions", "brigades": "brigades", "units": "units",
    "tonnes": "tonnes", "tons": "tonnes", "barrels": "barrels", "percent": "percent",
    "%": "percent", "kilometres": "km", "kilometers": "km",
    "km": "km", "miles": "miles",
}  # fmt: skip
# Words that may stand between a number and its noun ("180 K2 main battle tanks").
_MODIFIERS: Final = frozenset(
    re.split(
        r"\s+",
        """more additional new special regular active armed combat elite main battle multiple
    rocket ballistic cruise artillery military air defense defence light heavy armored
    armoured fighter attack naval foreign civilian other ground self propelled anti
    aircraft tank short long medium range surface to guided unmanned of its their
    support logistics combat-ready senior high-ranking shipping trading front-line
    resupply ammunition armoured individual""",
    )
)
# People counted as harmed: "600,000 soldiers have been killed or wounded" is 600,000
# casualties, "12,000 civilians, including 600 children, were killed" 12,000 deaths.
_PEOPLE: Final = frozenset({"troops", "civilians", "people", "individuals"})
_HARMED: Final = re.compile(
    r"(?:,[^,.;]{0,60},)?\s+(?:\w+\s+){0,3}?(?:have |has |had )?(?:been |were |are |was )?"
    r"(?P<harm>killed or (?:wounded|injured)|(?:wounded|injured) or killed|killed|wounded|"
    r"injured)\b",
    re.IGNORECASE,
)
_HARM: Final = {
    "killed": "deaths", "wounded": "wounded", "injured": "wounded",
    "killed or wounded": "casualties", "killed or injured": "casualties",
    "wounded or killed": "casualties", "injured or killed": "casualties",
}  # fmt: skip
_QUALIFIERS: Final[tuple[tuple[str, Qualifier], ...]] = (
    (r"up to|as many as|less than|fewer than|no more than", "up_to"),
    (r"more than|over|upwards of|in excess of", "more_than"),
    (r"at least|a minimum of|no fewer than", "at_least"),
    (
        r"about|around|roughly|approximately|nearly|almost|some|an estimated|estimated"
        r"|close to|circa",
        "about",
    ),
    (r"exactly|precisely", "exactly"),
)
_ADJACENT: Final = re.compile(
    "(?i:"
    + "|".join(f"(?P<q{i}>\\b(?:{words}))" for i, (words, _) in enumerate(_QUALIFIERS))
    + r")\s+$"
)
_ALREADY: Final = re.compile(r"\b(?i:already)\b")
_PLANNED: Final = re.compile(
    r"\b(?i:plans?|planned|planning|aims?|aimed|aiming|intends?|intended|decided"
    r"|expected|set|prepared)\s+to\b|\b(?i:will|would|could|might|may)\s+(?:\w+\s+){0,2}$"
)
_CLAUSE_END: Final = re.compile(r"[.;:!?]|,\s|\b(?:and|but|while)\b")

_NUMBER: Final = re.compile(
    r"(?P<symbol>US\$|\$|€|£|¥|₩|\b(?:USD|EUR|GBP|JPY|KRW|PLN|CNY|RUB|UAH)\s)?\s?"
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
    r"|\b(?i:a\s+dozen|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|fifteen|twenty|thirty|forty|fifty|a\s+hundred)\b)"
    r"(?:\s?(?P<multiplier>(?i:thousand|million|billion|trillion)|mn|mln|bn|tn|m|b)\b)?"
)
# The low end never starts inside a number (``_ranges`` drops such a match anyway): tried
# at each digit of a long run of digits, the run would be read to its end each time.
_RANGE: Final = re.compile(
    r"(?:\b(?i:between)\s+)?(?<!\d)(?P<low>\d{1,3}(?:,\d{3})+|\d+)(?:\s*[-–‐]\s*|\s+(?i:to|and)\s+)"
    r"(?P<high>\d{1,3}(?:,\d{3})+|\d+)(?:\s?(?P<multiplier>(?i:thousand|million|billion)))?\b"
)
_WORD: Final = re.compile(r"\s*([A-Za-z0-9][\w-]*|%)")


def _value(number: str, multiplier: str | None) -> int | float:
    words = number.lower().split()
    if words[-1] in _WORD_NUMBERS:
        value: float = _WORD_NUMBERS[words[-1]]
    else:
        value = float(number.replace(",", ""))
    if multiplier:
        value *= _MULTIPLIERS[multiplier.lower()]
    return int(value) if value == int(value) else value


def _unit(text: str, end: int) -> tuple[str | None, int]:
    """The unit after a number ending at ``end``, and where its words end."""
    position = end
    for _ in range(5):
        word = _WORD.match(text, position)
        if word is None:
            return None, end
        token = word.group(1)
        lower = token.lower()
        if lower in _CURRENCY_WORDS:
            return _CURRENCY_WORDS[lower], word.end()
        if lower in _UNITS:
            unit = _UNITS[lower]
            if unit == "people" and "individual" in text[end : word.start(1)].lower():
                unit = "individuals"  # "seven individual people"
            return unit, word.end()
        if lower == "per" and text.startswith(" cent", word.end()):
            return "percent", word.end() + 5
        glued = token[:1].isupper() or any(c.isdigit() for c in token)
        parts = lower.split("-")
        if not (glued or all(p in _MODIFIERS for p in parts)):
            return None, end
        position = word.end()
    return None, end


def _qualifier(text: str, start: int) -> tuple[Qualifier | None, str | None, int]:
    """The qualifier of a number starting at ``start``, its cue, and where the figure starts."""
    adjacent = _ADJACENT.search(text, max(0, start - 20), start)
    if adjacent:
        for i, (_, qualifier) in enumerate(_QUALIFIERS):
            if adjacent.group(f"q{i}"):
                return qualifier, adjacent.group(f"q{i}"), adjacent.start()
    before = max(0, start - 60)
    clauses = list(_CLAUSE_END.finditer(text, before, start))
    clause = text[clauses[-1].end() if clauses else before : start]
    already = _ALREADY.search(clause)
    if already:
        return "already", already.group(), start
    planned = _PLANNED.search(clause)
    if planned:
        return "planned", planned.group().strip(), start
    return None, None, start


def _ranges(text: str) -> list[Figure]:
    """Both ends of each range ("10,000 to 12,000 troops"): at least the low, up to the high."""
    figures: list[Figure] = []
    for match in _RANGE.finditer(text):
        if re.search(r"[A-Za-z\d][-‐]?$|[.,:/]$", text[max(0, match.start() - 2) : match.start()]):
            continue
        unit, unit_end = _unit(text, match.end())
        multiplier = match.group("multiplier")
        low, high = (_value(match.group(n), multiplier) for n in ("low", "high"))
        if unit is None or low >= high:
            continue  # 2024-25, or a score
        cue = match.group()
        s, e = match.span("low")
        figures.append(Figure(low, unit, "at_least", s, e, text[s:e], cue))
        s = match.start("high")
        figures.append(Figure(high, unit, "up_to", s, unit_end, text[s:unit_end], cue))
    return sorted(figures, key=lambda f: f.start)


def find(text: str) -> list[Figure]:
    """The figures in ``text``, in order."""
    figures = _ranges(text)
    ranged = [(f.start, f.end) for f in figures]
    for match in _NUMBER.finditer(text):
        start, end = match.span("number")
        if any(s <= start < e for s, e in ranged):
            continue
        before = text[max(0, start - 2) : start]
        if re.search(r"[A-Za-z\d][-‐]?$|[.,:/]$", before) and not match.group("symbol"):
            continue  # K-2, F-16, 11:04, 2024/25: a name or a time, not a count
        if end < len(text) and (text[end].isalnum() and not match.group("multiplier")):
            continue  # 2nd, 10km-long
        if text[end : end + 1] in ("-", "‐") and not match.group("multiplier"):
            continue  # two-year, 3,000-strong: an adjective
        symbol = (match.group("symbol") or "").strip() or None
        unit, unit_end = _unit(text, match.end())
        if symbol:
            unit, unit_end = _SYMBOLS[symbol], match.end()
            start = match.start()
        if text.startswith("%", match.end()):
            unit, unit_end = "percent", match.end() + 1
        qualifier, cue, first = _qualifier(text, start)
        number = match.group("number")
        is_word = not number[0].isdigit()
        if unit is None and (qualifier is None or is_word):
            continue
        if unit is None and re.fullmatch(r"(?:19|20)\d\d", number):
            continue  # a year
        value = _value(number, match.group("multiplier"))
        figure_end = max(unit_end, match.end()) if unit else match.end()
        if unit in _PEOPLE and (harm := _HARMED.match(text, figure_end)) is not None:
            unit, figure_end = _HARM[harm.group("harm").lower()], harm.end()
        figures.append(
            Figure(value, unit, qualifier, first, figure_end, text[first:figure_end], cue)
        )
    return sorted(figures, key=lambda f: f.start)
