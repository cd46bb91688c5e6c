"""Find the countries, organisations and actors an article mentions, with their offsets.

Names are matched word by word and case-sensitively ("US" is not "us"), with hyphens,
apostrophes and commas between words ignored ("Guinea-Bissau", "Yoon's office"). Where
matches overlap, the longest wins ("North Korea" over "Korea", "South Korean" over
"the South"); names that contain a place's name without being one ("New Mexico", "Latin
America") are matched and dropped. Countries and organisations form one layer and the
register's actors another, so "South Korean President Yoon" gives both KR and Yoon.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Final, Literal

import pycountry

from service import vocabularies as vocab
from service.extraction.places import (
    COMPANY_ROWS,
    CONTEXTUAL,
    COUNTRY_ROWS,
    NOT_PLACES,
    ORGANISATION_ROWS,
)
from service.extraction.spans import Spans

Kind = Literal["country", "organisation", "actor"]
How = Literal[
    "name", "demonym", "capital", "metonym", "company", "context", "alias", "actor", "none"
]

# The party codes organisations have in the register (see the parties table).
# The register's organisation codes (``vocabularies.ORGANISATIONS``): never an ISO code.
ORGANISATIONS: Final = frozenset(vocab.ORGANISATIONS)


@dataclass(frozen=True, slots=True)
class Mention:
    """A name in the text and the country, organisation or actor it stands for."""

    code: str
    kind: Kind
    start: int
    end: int
    text: str
    how: How


@dataclass(frozen=True, slots=True)
class ActorName:
    """An actor of the register and the names it goes by."""

    id: str
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Entry:
    code: str
    kind: Kind
    how: How


_TOKEN: Final = re.compile(r"(?:[^\W_]\.){2,}|[^\W_]+")
# What may stand between two words of one name: a space, a hyphen, an apostrophe, a comma.
_GAP: Final = re.compile(r"[ \t\u00a0,\-\u2010\u2011'’]{1,3}|")
_Key = tuple[str, ...]


def _key(name: str) -> _Key:
    return tuple(_TOKEN.findall(name))


class _Index:
    """Names by their words, with the longest name each first word can start."""

    def __init__(self) -> None:
        self.entries: dict[_Key, _Entry] = {}
        self.longest: dict[str, int] = {}

    def add(self, name: str, entry: _Entry, *, shout: bool = False) -> None:
        variants = [name]
        if name.startswith("the "):
            variants.append("The" + name[3:])  # at the start of a sentence
        if shout and len(name) >= 5 and name.upper() != name:
            variants.append(name.upper())  # headlines set in capitals
        for variant in variants:
            key = _key(variant)
            if not key:
                continue
            # The first entry for a name wins: pycountry's and the short names come first.
            self.entries.setdefault(key, entry)
            self.longest[key[0]] = max(self.longest.get(key[0], 0), len(key))

    def candidates(self, text: str) -> list[tuple[int, int, _Entry]]:
        """The longest name starting at each word, overlapping ones included."""
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        found: list[tuple[int, int, _Entry]] = []
        for i, (start, _, word) in enumerate(tokens):
            most = self.longest.get(word)
            if most is None:
                continue
            for length in range(min(most, len(tokens) - i), 0, -1):
                last = i + length - 1
                key = tuple(t[2] for t in tokens[i : last + 1])
                entry = self.entries.get(key)
                if entry is None or not all(
                    _GAP.fullmatch(text, tokens[k][1], tokens[k + 1][0]) for k in range(i, last)
                ):
                    continue
                found.append((start, tokens[last][1], entry))
                break
        return found


def _longest_first(found: list[tuple[int, int, _Entry]]) -> list[tuple[int, int, _Entry]]:
    """Of overlapping matches keep the longest (then the first); return them in text order.

    Overlapping names of one party join first: "President Yoon" and "Yoon Suk Yeol" make
    "President Yoon Suk Yeol".
    """
    joined: list[tuple[int, int, _Entry]] = []
    for start, end, entry in sorted(found, key=lambda m: m[0]):
        if joined and joined[-1][2] == entry and start < joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]), entry)
        else:
            joined.append((start, end, entry))
    taken: list[tuple[int, int, _Entry]] = []
    spans = Spans()
    for match in sorted(joined, key=lambda m: (m[0] - m[1], m[0])):
        if spans.take(match[0], match[1]):
            taken.append(match)
    return sorted(taken, key=lambda m: m[0])


def _kind(code: str) -> Kind:
    return "organisation" if code in ORGANISATIONS else "country"


def _rows(table: str) -> Iterable[tuple[str, list[list[str]]]]:
    for line in re.sub(r"\n\s+", "", table).strip().splitlines():
        code, *columns = line.split("|")
        columns += [""] * (4 - len(columns))
        yield code, [[n for n in column.split(";") if n] for column in columns]


@cache
def _places() -> _Index:
    index = _Index()
    for code, (names, *_) in _rows(COUNTRY_ROWS):
        for name in names:
            index.add(name, _Entry(code, "country", "name"), shout=True)
    for country in pycountry.countries:
        for attribute in ("common_name", "name", "official_name"):
            official = getattr(country, attribute, None)
            if official:
                index.add(official, _Entry(country.alpha_2, "country", "name"), shout=True)
    for code, (_, demonyms, capitals, metonyms) in _rows(COUNTRY_ROWS):
        for name in demonyms:
            index.add(name, _Entry(code, "country", "demonym"), shout=True)
        for name in capitals:
            index.add(name, _Entry(code, "country", "capital"), shout=True)
        for name in metonyms:
            index.add(name, _Entry(code, "country", "metonym"), shout=True)
    for code, (names, _, _, metonyms) in _rows(ORGANISATION_ROWS):
        for name in names:
            index.add(name, _Entry(code, "organisation", "name"), shout=True)
        for name in metonyms:
            index.add(name, _Entry(code, "organisation", "metonym"), shout=True)
    for code, (names, *_) in _rows(COMPANY_ROWS):
        for name in names:
            index.add(name, _Entry(code, "country", "company"), shout=True)
    for code, name in CONTEXTUAL:
        index.add(name, _Entry(code, _kind(code), "context"))
    for name in NOT_PLACES:
        index.add(name, _Entry("", "country", "none"))
    return index


class Gazetteer:
    """Every country and the register's organisations, plus the aliases and actors it is given.

    ``aliases`` maps a country or organisation code to more names for it (the register's
    own, such as "the Blue House"); ``actors`` are the register's actors and their aliases.
    """

    def __init__(
        self, actors: Iterable[ActorName] = (), aliases: Mapping[str, Iterable[str]] | None = None
    ) -> None:
        self._places = _places()
        self._aliases = _Index()
        for code, names in (aliases or {}).items():
            for name in names:
                self._aliases.add(name, _Entry(code, _kind(code), "alias"))
        self._actors = _Index()
        for actor in actors:
            for name in actor.names:
                self._actors.add(name, _Entry(actor.id, "actor", "actor"))

    def find(self, text: str) -> list[Mention]:
        """The mentions in ``text`` in order, a place before an actor that starts with it."""
        candidates = self._places.candidates(text) + self._aliases.candidates(text)
        places = [m for m in _longest_first(candidates) if m[2].how != "none"]
        named = {entry.code for _, _, entry in places if entry.how != "context"}
        # "the North" is North Korea only where the article names North Korea too.
        places = [m for m in places if m[2].how != "context" or m[2].code in named]
        found = places + _longest_first(self._actors.candidates(text))
        return sorted(
            (Mention(e.code, e.kind, s, end, text[s:end], e.how) for s, end, e in found),
            key=lambda m: (m.start, m.kind == "actor"),
        )


def find(text: str, actors: Iterable[ActorName] = ()) -> list[Mention]:
    """The countries, organisations and given actors that ``text`` mentions."""
    return Gazetteer(actors).find(text) if actors else _plain().find(text)


@cache
def _plain() -> Gazetteer:
    return Gazetteer()
