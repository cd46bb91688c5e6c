"""Run the extractor's stages over one article and gather their findings by sentence.

The stages here read the surface of the text: sentences, names, dates and figures.
Later stages (measure type and status cues, roles, statements and stances, proposals)
take an ``Analysis`` and read these findings; none of them looks at the text again
except through a sentence's offsets, so every quote they cite is verbatim.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass, field

from service.extraction import EXTRACTOR, dates, figures, gazetteer, sentences
from service.extraction.dates import DateMention
from service.extraction.figures import Figure
from service.extraction.gazetteer import Gazetteer, Mention
from service.extraction.sentences import Sentence


@dataclass(frozen=True, slots=True)
class SentenceAnalysis:
    """One sentence and what it names, dates and counts."""

    sentence: Sentence
    mentions: list[Mention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the extractor found in one article, sentence by sentence."""

    text: str
    published_on: dt.date | None  # None: an undated text, whose relative dates stay unread
    extractor: str
    sentences: list[SentenceAnalysis]

    @property
    def mentions(self) -> list[Mention]:
        """Every mention in the article, in order."""
        return [m for s in self.sentences for m in s.mentions]

    @property
    def dates(self) -> list[DateMention]:
        """Every date in the article, in order."""
        return [d for s in self.sentences for d in s.dates]

    @property
    def figures(self) -> list[Figure]:
        """Every figure in the article, in order."""
        return [f for s in self.sentences for f in s.figures]


def analyse(text: str, published_on: dt.date | None, names: Gazetteer | None = None) -> Analysis:
    """Split ``text`` into sentences and find the names, dates and figures of each.

    ``names`` is a gazetteer built with the register's actors; without one, only countries
    and organisations are found.
    """
    found = sentences.split(text)
    starts = [s.start for s in found]
    by_sentence = [SentenceAnalysis(s) for s in found]

    def home(start: int) -> SentenceAnalysis | None:
        i = bisect_right(starts, start) - 1
        if i < 0 or start >= found[i].end:
            return None  # between sentences: white space cannot hold a finding
        return by_sentence[i]

    for mention in names.find(text) if names is not None else gazetteer.find(text):
        if (into := home(mention.start)) is not None:
            into.mentions.append(mention)
    date_mentions = dates.find(text, published_on, starts)
    for date in date_mentions:
        if (into := home(date.start)) is not None:
            into.dates.append(date)
    for figure in figures.find(text):
        if any(figure.start < d.end and figure.end > d.start for d in date_mentions):
            continue  # "in 2025" is a date, not a count
        if (into := home(figure.start)) is not None:
            into.figures.append(figure)
    return Analysis(text, published_on, EXTRACTOR, by_sentence)
